import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandDefinition, OptionDefinition } from '../../commands/types.ts';

/** The one top-level slash command; every definition becomes one of its subcommands. */
export const ROOT_COMMAND = 'papers';

/** Discord's naming rule for commands and options (lowercase where the script has case). */
const NAME = /^[-_\p{Ll}\p{Lm}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_DESCRIPTION = 100;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;

/**
 * The JSON body for `PUT /applications/{id}/commands` (or the guild variant): one chat-input command
 * `/papers` with a subcommand per definition and typed options. Throws on a definition Discord would
 * reject (bad name, long description, too many options or choices), naming it, so a mistake surfaces in
 * tests rather than as a 400 at registration. Guild-only: votes and shares need a channel of a server.
 */
export function buildCommandsJson(
  defs: readonly CommandDefinition[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  if (defs.length === 0 || defs.length > MAX_OPTIONS) {
    throw new Error(`/${ROOT_COMMAND} needs 1 to ${MAX_OPTIONS} subcommands, got ${defs.length}`);
  }
  const seen = new Set<string>();
  const subcommands = defs.map((def): APIApplicationCommandSubcommandOption => {
    check(def.name, def.description, `subcommand ${def.name}`);
    if (seen.has(def.name)) throw new Error(`subcommand ${def.name} is defined twice`);
    seen.add(def.name);
    if (def.options.length > MAX_OPTIONS) throw new Error(`subcommand ${def.name} has too many options`);
    // Discord requires required options to come before optional ones; order is otherwise kept.
    const ordered = [...def.options.filter((o) => o.required), ...def.options.filter((o) => !o.required)];
    return {
      type: ApplicationCommandOptionType.Subcommand,
      name: def.name,
      description: def.description,
      options: ordered.map((o) => option(def.name, o)),
    };
  });
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: ROOT_COMMAND,
      description: rootDescription(defs),
      contexts: [InteractionContextType.Guild],
      integration_types: [ApplicationIntegrationType.GuildInstall],
      options: subcommands,
    },
  ];
}

/**
 * The description of `/papers` in Discord's command picker, from the subcommand names in registry order:
 * `ML papers: search, today, …`. Names that would pass Discord's 100 characters give way
 * to `…`; the first always fits, being at most 32 characters.
 */
export function rootDescription(defs: readonly CommandDefinition[]): string {
  const names = defs.map((d) => d.name);
  for (let n = names.length; n > 1; n--) {
    const text = `ML papers: ${names.slice(0, n).join(', ')}${n < names.length ? ', …' : ''}`;
    if (text.length <= MAX_DESCRIPTION) return text;
  }
  return `ML papers: ${names[0] ?? ''}${names.length > 1 ? ', …' : ''}`;
}

function option(sub: string, o: OptionDefinition): APIApplicationCommandBasicOption {
  const where = `option ${o.name} of ${sub}`;
  check(o.name, o.description, where);
  const choices = o.choices ?? [];
  if (choices.length > MAX_CHOICES) throw new Error(`${where} has more than ${MAX_CHOICES} choices`);
  // Options with suggestions autocomplete. Discord rejects autocomplete together with fixed choices;
  // fixed choices win.
  const autocomplete = choices.length === 0 && o.suggest !== undefined;
  const base = { name: o.name, description: o.description, required: o.required };
  if (o.type === 'integer') {
    if (choices.length > 0) {
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        choices: choices.map((c) => {
          const value = Number(c);
          if (!Number.isInteger(value)) throw new Error(`${where}: choice ${c} is not an integer`);
          return { name: c, value };
        }),
      };
    }
    return { ...base, type: ApplicationCommandOptionType.Integer, autocomplete };
  }
  if (choices.length > 0) {
    return {
      ...base,
      type: ApplicationCommandOptionType.String,
      choices: choices.map((c) => ({ name: c, value: c })),
    };
  }
  return { ...base, type: ApplicationCommandOptionType.String, autocomplete };
}

function check(name: string, description: string, where: string): void {
  if (!NAME.test(name)) throw new Error(`${where}: "${name}" is not a valid Discord name`);
  if (description.length < 1 || description.length > MAX_DESCRIPTION) {
    throw new Error(`${where}: description must be 1 to ${MAX_DESCRIPTION} characters`);
  }
}
