/**
 * Emoji arrive as Slack short names (`+1`, `thumbsup::skin-tone-2`), as Unicode from Discord (`👍🏽`, `❤️`),
 * or as Discord custom emoji (`<:upvote:123>`, or just `upvote`). Everything is normalised to one name so
 * that the configured upvote set means the same on every platform.
 */
const UNICODE_TO_NAME: Record<string, string> = {
  '👍': '+1',
  '⬆': 'arrow_up',
  '🔼': 'arrow_up_small',
  '🔥': 'fire',
  '❤': 'heart',
  '♥': 'heart',
  '⭐': 'star',
  '👀': 'eyes',
  '📌': 'pushpin',
  '🔖': 'bookmark',
  '1⃣': 'one',
  '2⃣': 'two',
  '3⃣': 'three',
  '4⃣': 'four',
  '5⃣': 'five',
  '6⃣': 'six',
  '7⃣': 'seven',
  '8⃣': 'eight',
  '9⃣': 'nine',
  '🔟': 'keycap_ten',
};

/** Slack aliases that name the same emoji. */
const ALIASES: Record<string, string> = {
  thumbsup: '+1',
  thumbs_up: '+1',
  heavy_heart: 'heart',
  red_heart: 'heart',
};

/** The keycap names 1️⃣…🔟, in order, for digest-mode votes. */
export const KEYCAPS = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'keycap_ten',
] as const;

/**
 * The longest emoji name a platform event may carry, in UTF-16 units. Real names are far shorter (Slack's
 * `thumbsup::skin-tone-2`, a family emoji of 11 units, Discord's 32-character custom names); the bound keeps
 * a name padded with thousands of variation selectors, which still normalises to an upvote, out of the
 * archive.
 */
export const MAX_EMOJI_NAME_LENGTH = 100;

/** The default reading-list reaction: 📌. */
export const DEFAULT_READING_LIST_EMOJI = 'pushpin';

/** The default upvote set: 👍 ⬆️ 🔥 ❤️. */
export const DEFAULT_UPVOTE_EMOJI = ['+1', 'arrow_up', 'fire', 'heart'];

/** Normalises any platform's emoji to one lowercase name, without skin tone or variation selectors. */
export function normalizeEmoji(raw: string): string {
  let s = raw.trim();
  const custom = /^<a?:([\w~-]+):\d+>$/.exec(s);
  if (custom?.[1]) s = custom[1];
  s = s.replace(/^:|:$/g, '').replace(/::skin-tone-\d$/, '');
  // Drop variation selectors and skin-tone modifiers: 👍🏽 and ❤️ are still 👍 and ❤.
  const bare = s.replace(/[\u{FE0E}\u{FE0F}\u{1F3FB}-\u{1F3FF}]/gu, '');
  const named = UNICODE_TO_NAME[bare];
  if (named) return named;
  const lower = bare.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Parses a configured list like `+1, fire, 🚀` into normalised names. */
export function parseEmojiList(list: string): string[] {
  return [
    ...new Set(
      list
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(normalizeEmoji),
    ),
  ];
}

/** An emoji name as a person sees it in any chat: the Unicode character when known, else `:name:`. */
export function emojiGlyph(name: string): string {
  const found = Object.entries(UNICODE_TO_NAME).find(([, n]) => n === name)?.[0];
  if (!found) return `:${name}:`;
  // The table holds bare characters; text-default ones (⬆ ❤ keycaps) need the emoji variation selector.
  if (found.endsWith('\u20E3')) return `${found.slice(0, -1)}\uFE0F\u20E3`;
  return (found.codePointAt(0) ?? 0) < 0x10000 ? `${found}\uFE0F` : found;
}
