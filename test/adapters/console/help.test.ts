import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsolePlatform } from '../../../adapters/console/platform.ts';
import { COMMANDS } from '../../../commands/index.ts';
import { usageOf } from '../../../commands/parse.ts';
import type { CommandDefinition } from '../../../commands/types.ts';
import type { InboundHandlers } from '../../../src/chat/platform.ts';

/** Handlers for a session that only asks for help: help is the console's own, so none of them runs. */
const unused: InboundHandlers = {
  onCommand: async () => ({ visibility: 'ephemeral', text: 'not expected' }),
  onShare: async () => ({ visibility: 'ephemeral', text: 'not expected' }),
  onReaction: async () => undefined,
  onReactionsCleared: async () => undefined,
  onSuggest: async () => [],
  onLinks: async () => [],
  onThreadReply: async () => {},
};

/** Types `help` into a console built with `commands` and returns what it printed after the welcome. */
async function help(commands?: readonly CommandDefinition[]): Promise<string> {
  const input = new PassThrough();
  let out = '';
  const terminal = new ConsolePlatform({
    input,
    output: { write: (s: string) => (out += s) },
    ...(commands ? { commands } : {}),
  });
  await terminal.start(unused);
  const welcome = out.length;
  input.end('help\n');
  await terminal.closed;
  return out.slice(welcome);
}

describe('console help', () => {
  it('lists every subcommand of the registry with its usage, roundup included, then the console keys', async () => {
    const text = await help();
    expect(text).toMatch(/^Console keys:\n/);
    expect(text).toContain('  /papers <words>  Search the archive');
    for (const command of COMMANDS.filter((c) => c.name !== 'search')) {
      expect(text).toContain(`  ${usageOf(command)}  ${command.description}\n`);
    }
    expect(text).toContain('/papers roundup');
    expect(text).toMatch(/ {2}:\+1: N {2}Upvote paper N of the last reply/);
    expect(text).toMatch(/ {2}quit {2}Leave\n$/);
  });

  it('is generated from the commands it is given', async () => {
    const ping: CommandDefinition = {
      name: 'ping',
      description: 'Answers pong',
      options: [],
      run: async () => ({ visibility: 'ephemeral', text: 'pong' }),
    };
    const text = await help([ping]);
    expect(text).toContain('  /papers ping  Answers pong\n');
    expect(text).not.toContain('/papers today');
  });
});
