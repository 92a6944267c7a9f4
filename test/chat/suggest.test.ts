import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandDefinition, SuggestContext } from '../../commands/types.ts';
import { Bot } from '../../src/chat/bot.ts';
import type { InboundHandlers, SuggestQuery } from '../../src/chat/platform.ts';
import { createLogger } from '../../src/log.ts';
import { type Archive, clients, NOW, openArchive } from '../commands/archive.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';

/** What the `pick` command's `thing` option was last asked, and what it answers. */
let seen: { ctx: SuggestContext; typed: string } | null = null;
let answer: () => Promise<{ name: string; value: string }[]> = async () => [];

const pick: CommandDefinition = {
  name: 'pick',
  description: 'Picks a thing',
  options: [
    {
      name: 'thing',
      description: 'The thing',
      type: 'string',
      required: true,
      async suggest(ctx, typed) {
        seen = { ctx, typed };
        return answer();
      },
    },
    { name: 'plain', description: 'No suggestions', type: 'string', required: false },
  ],
  run: async () => ({ visibility: 'ephemeral', text: 'picked' }),
};

describe('Bot.onSuggest', () => {
  let archive: Archive;
  let handlers: InboundHandlers;
  let lines: string[];
  const query = (over: Partial<SuggestQuery> = {}): SuggestQuery => ({
    channel: 'discord:1',
    user: 'discord:2',
    subcommand: 'pick',
    option: 'thing',
    value: 'tr',
    ...over,
  });

  beforeEach(async () => {
    archive = await openArchive([]);
    lines = [];
    seen = null;
    answer = async () => [];
    const bot = new Bot({
      store: archive.store,
      ...clients(),
      upvoteEmoji: ['+1'],
      logger: createLogger('warn', { write: (s: string) => lines.push(s) }),
      now: () => NOW,
      commands: [pick],
    });
    handlers = bot.handlersFor(new RecordingPlatform('discord'));
  });
  afterEach(() => archive.close());

  it("GIVEN a typed option THEN its suggest runs with who is typing where, on the platform's name", async () => {
    answer = async () => [{ name: 'Transformers', value: 'transformers' }];
    expect(await handlers.onSuggest(query({ subcommand: 'Pick' }))).toEqual([
      { name: 'Transformers', value: 'transformers' },
    ]);
    expect(seen?.typed).toBe('tr');
    expect(seen?.ctx).toMatchObject({ platform: 'discord', channel: 'discord:1', user: 'discord:2' });
    expect(seen?.ctx.store).toBe(archive.store);
    expect(seen?.ctx.now()).toEqual(NOW);
  });

  it('GIVEN more than 25 suggestions THEN the first 25', async () => {
    answer = async () => Array.from({ length: 40 }, (_, i) => ({ name: `n${i}`, value: `${i}` }));
    const list = await handlers.onSuggest(query());
    expect(list).toHaveLength(25);
    expect(list[0]).toEqual({ name: 'n0', value: '0' });
  });

  it.each([
    ['an unknown subcommand', { subcommand: 'nope' }],
    ['an unknown option', { option: 'nope' }],
    ['an option without suggestions', { option: 'plain' }],
  ])('GIVEN %s THEN none', async (_what, over) => {
    expect(await handlers.onSuggest(query(over))).toEqual([]);
    expect(seen).toBeNull();
  });

  it('GIVEN a failing suggest THEN none, logged, never a rejection', async () => {
    answer = async () => {
      throw new Error('kaput');
    };
    expect(await handlers.onSuggest(query())).toEqual([]);
    expect(lines.join('')).toMatch(/"msg":"suggestions failed"/);
    expect(lines.join('')).toContain('kaput');
  });
});
