import { describe, expect, it } from 'vitest';
import { toChoices } from '../../../adapters/discord/autocomplete.ts';
import { reactionPathEmoji } from '../../../adapters/discord/emoji.ts';
import { parseChannelRef, parseMessageRef } from '../../../adapters/discord/refs.ts';

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

describe('toChoices', () => {
  it('GIVEN short suggestions THEN the name with its tag, and the value, as they are', () => {
    expect(
      toChoices([
        { name: 'Framer', value: '2410.18978', tag: '2410.18978' },
        { name: 'x', value: 'y' },
      ]),
    ).toEqual([
      { name: 'Framer (2410.18978)', value: '2410.18978' },
      { name: 'x', value: 'y' },
    ]);
  });

  it('GIVEN long names and values THEN 100 characters each, the tag kept whole', () => {
    const [tagged, plain] = toChoices([
      { name: 'n'.repeat(300), value: '2410.18978', tag: '2410.18978' },
      { name: 'n'.repeat(300), value: 'v'.repeat(300) },
    ]);
    expect(tagged?.name).toBe(`${'n'.repeat(86)}… (2410.18978)`);
    expect(plain?.name).toHaveLength(100);
    expect(plain?.value).toHaveLength(100);
  });

  it('GIVEN more than 25, or nameless ones THEN the first 25 with a name', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ name: i === 0 ? ' ' : `p${i}`, value: `${i}` }));
    const choices = toChoices(many);
    expect(choices).toHaveLength(25);
    expect(choices[0]).toEqual({ name: 'p1', value: '1' });
  });
});
