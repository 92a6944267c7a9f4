import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toChoices } from '../../../adapters/discord/autocomplete.ts';
import { Bot } from '../../../src/chat/bot.ts';
import type { SuggestQuery } from '../../../src/chat/platform.ts';
import { parseHfJson } from '../../../src/feed/hf-json.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import { clients } from '../../commands/archive.ts';
import { DAILY_2024_10_25 } from '../../fakes/hf-server.ts';
import { RecordingPlatform } from '../../fakes/recording-platform.ts';

/**
 * Archive suggestions as Discord's autocomplete shows them: the real bot's onSuggest (the commands'
 * option suggestions over a real archive), fitted by the adapter's toChoices.
 */
describe('archive suggestions on Discord', () => {
  let store: SqliteStore;
  let suggest: (query: Omit<SuggestQuery, 'user'>) => Promise<{ name: string; value: string }[]>;
  beforeEach(async () => {
    store = SqliteStore.open(':memory:');
    await store.upsertPapers(parseHfJson(DAILY_2024_10_25, { feedDate: '2024-10-25' }).papers);
    const bot = new Bot({
      store,
      ...clients(),
      upvoteEmoji: ['+1'],
      now: () => new Date('2024-10-26T09:00:00Z'),
    });
    const handlers = bot.handlersFor(new RecordingPlatform('discord'));
    suggest = async (query) => toChoices(await handlers.onSuggest({ ...query, user: 'discord:2' }));
  });
  afterEach(() => store.close());

  it('GIVEN nothing typed for paper THEN the latest feed day, most upvoted first, at most 25', async () => {
    const list = await suggest({ channel: 'discord:1', subcommand: 'share', option: 'paper', value: '' });
    expect(list).toHaveLength(25);
    for (const s of list) expect(s.name.length).toBeLessThanOrEqual(100);
  });

  it('GIVEN an arXiv URL THEN exactly that paper', async () => {
    const list = await suggest({
      channel: 'discord:1',
      subcommand: 'share',
      option: 'paper',
      value: 'https://arxiv.org/abs/2410.18978v1',
    });
    expect(list).toEqual([
      { name: 'Framer: Interactive Frame Interpolation (2410.18978)', value: '2410.18978' },
    ]);
  });

  it('GIVEN a query being typed THEN the channel topics starting with it come first', async () => {
    await store.saveChannelSettings({
      channel: 'discord:1',
      enabled: true,
      time: '09:00',
      timezone: 'UTC',
      days: [1, 2, 3, 4, 5],
      size: 5,
      topics: ['long context', 'language models', '-crypto'],
      minScore: 0,
      mode: 'messages',
      updatedBy: null,
      updatedAt: '2024-10-25T00:00:00Z',
    });
    const list = await suggest({ channel: 'discord:1', subcommand: 'search', option: 'query', value: 'l' });
    expect(list.slice(0, 2)).toEqual([
      { name: 'long context', value: 'long context' },
      { name: 'language models', value: 'language models' },
    ]);
    expect(await suggest({ channel: 'discord:1', subcommand: 'x', option: 'other', value: 'a' })).toEqual([]);
  });
});
