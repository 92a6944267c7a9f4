import { emojiGlyph } from '../src/chat/emoji.ts';
import { usageOf } from './parse.ts';
import type { CommandDefinition } from './types.ts';

/** The usage line of a subcommand as help shows it; search is typed without its name. */
function line(command: CommandDefinition): string {
  const usage = command.name === 'search' ? '/papers <words>' : usageOf(command);
  return `${usage}  ${command.description}`;
}

/**
 * One line per subcommand, `usage  description`, in registry order: the list `/papers help` shows, for
 * any other help (the console's) to show the same commands.
 */
export function commandLines(commands: readonly CommandDefinition[]): string[] {
  return commands.map(line);
}

/**
 * `/papers help [subcommand]`: a short usage text, shown only to the person. `commands` is read when
 * help runs, so the registry can include help itself.
 */
export function createHelpCommand(commands: () => readonly CommandDefinition[]): CommandDefinition {
  return {
    name: 'help',
    description: 'This text',
    options: [
      {
        name: 'subcommand',
        description: 'A subcommand to explain',
        type: 'string',
        required: false,
        rest: true,
      },
    ],
    async run(ctx, args) {
      const all = commands();
      const asked = typeof args.subcommand === 'string' ? args.subcommand.trim().toLowerCase() : '';
      const one = all.find((c) => c.name === asked);
      if (one) return { visibility: 'ephemeral', title: usageOf(one), text: one.description };
      const pin = emojiGlyph(ctx.readingListEmoji ?? 'pushpin');
      return {
        visibility: 'ephemeral',
        title: 'paperboy: machine-learning papers for your team',
        text: [
          ...commandLines(all),
          'React 👍 on a paper the bot posted to vote for it; votes feed /papers top.',
          `React ${pin} on it to put it on this channel's reading list (/papers list); remove your ${pin} to take yours back.`,
        ].join('\n'),
      };
    },
  };
}
