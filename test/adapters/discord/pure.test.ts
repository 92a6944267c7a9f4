import { describe, expect, it } from 'vitest';
import { archiveSuggestions } from '../../../adapters/discord/autocomplete.ts';
import { reactionPathEmoji } from '../../../adapters/discord/emoji.ts';
import { parseChannelRef, parseMessageRef } from '../../../adapters/discord/refs.ts';
import { parseHfJson } from '../../../src/feed/hf-json.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import { DAILY_2024_10_25 } from '../../fakes/hf-server.ts';

describe('reactionPathEmoji', () => {
  it.each([
    ['+1', '%F0%9F%91%8D'],
    ['fire', '%F0%9F%94%A5'],
    ['heart', encodeURIComponent('❤️')],
    ['🚀', encodeURIComponent('🚀')],
    ['<:upvote:123>', 'upvote:123'],
    ['<a:dance:456>', 'a:dance:456'],
    ['upvote', null],
  ])('%j -> %j', (emoji, path) => {
    expect(reactionPathEmoji(emoji)).toBe(path);
  });
});

describe('Discord refs', () => {
  it('parses its own refs and refuses others', () => {
    expect(parseChannelRef('discord:123')).toBe('123');
    expect(parseMessageRef('discord:1:2')).toEqual({ channelId: '1', messageId: '2' });
    expect(() => parseChannelRef('slack:C1')).toThrow(/not a Discord channel ref/);
    expect(() => parseMessageRef('discord:1')).toThrow(/not a Discord message ref/);
  });
});

describe('archiveSuggestions', () => {
  const setup = async () => {
    const store = SqliteStore.open(':memory:');
    await store.upsertPapers(parseHfJson(DAILY_2024_10_25).papers);
    return { store, suggest: archiveSuggestions(store, () => new Date('2024-10-26T09:00:00Z')) };
  };

  it('GIVEN nothing typed for paper THEN the latest feed day, most upvoted first, at most 25', async () => {
    const { store, suggest } = await setup();
    const list = await suggest({ channel: 'discord:1', subcommand: 'share', option: 'paper', value: '' });
    expect(list).toHaveLength(25);
    for (const s of list) expect(s.name.length).toBeLessThanOrEqual(100);
    await store.close();
  });

  it('GIVEN an arXiv URL THEN exactly that paper', async () => {
    const { store, suggest } = await setup();
    const list = await suggest({
      channel: 'discord:1',
      subcommand: 'share',
      option: 'paper',
      value: 'https://arxiv.org/abs/2410.18978v1',
    });
    expect(list).toEqual([
      { name: 'Framer: Interactive Frame Interpolation (2410.18978)', value: '2410.18978' },
    ]);
    await store.close();
  });

  it('GIVEN a query being typed THEN the channel topics starting with it come first', async () => {
    const { store, suggest } = await setup();
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
    await store.close();
  });
});
