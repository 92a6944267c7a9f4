import { describe, expect, it } from 'vitest';
import { emojiGlyph, normalizeEmoji, parseEmojiList } from '../../src/chat/emoji.ts';

describe('normalizeEmoji', () => {
  it.each([
    ['+1', '+1'],
    ['thumbsup', '+1'],
    [':thumbsup:', '+1'],
    ['+1::skin-tone-4', '+1'],
    ['👍', '+1'],
    ['👍🏽', '+1'],
    ['⬆️', 'arrow_up'],
    ['🔥', 'fire'],
    ['❤️', 'heart'],
    ['heart', 'heart'],
    ['<:Upvote:123456>', 'upvote'],
    ['<a:party:42>', 'party'],
    ['1️⃣', 'one'],
    ['🔟', 'keycap_ten'],
    ['tada', 'tada'],
  ])('GIVEN %s THEN %s', (raw, name) => {
    expect(normalizeEmoji(raw)).toBe(name);
  });

  it('parses a configured list, dropping duplicates', () => {
    expect(parseEmojiList('+1, thumbsup 👍 🔥,,')).toEqual(['+1', 'fire']);
  });
});

describe('emojiGlyph', () => {
  it.each([
    ['+1', '👍'],
    ['fire', '🔥'],
    ['heart', '❤️'],
    ['arrow_up', '⬆️'],
    ['one', '1️⃣'],
    ['rocket', ':rocket:'],
  ])('GIVEN %s THEN %s, which normalises back', (name, glyph) => {
    expect(emojiGlyph(name)).toBe(glyph);
    if (!glyph.startsWith(':')) expect(normalizeEmoji(glyph)).toBe(name);
  });
});
