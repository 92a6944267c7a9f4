/**
 * The configured upvote emoji are normalised names (`+1`, `fire`, …) shared with Slack; Discord's
 * reaction endpoint wants the Unicode character itself, or `name:id` for a custom emoji.
 */
const NAME_TO_UNICODE: Record<string, string> = {
  '+1': '👍',
  thumbsup: '👍',
  arrow_up: '⬆️',
  arrow_up_small: '🔼',
  fire: '🔥',
  heart: '❤️',
  star: '⭐',
  eyes: '👀',
  rocket: '🚀',
  tada: '🎉',
  one: '1️⃣',
  two: '2️⃣',
  three: '3️⃣',
  four: '4️⃣',
  five: '5️⃣',
  six: '6️⃣',
  seven: '7️⃣',
  eight: '8️⃣',
  nine: '9️⃣',
  keycap_ten: '🔟',
};

/**
 * The path segment for `PUT …/reactions/{emoji}/@me`: URL-encoded Unicode, or `name:id` for a custom
 * `<:name:id>`. Null for a bare name this table does not know (a custom emoji needs its id).
 */
export function reactionPathEmoji(emoji: string): string | null {
  const custom = /^<(a?):([\w~-]+):(\d+)>$/.exec(emoji.trim());
  if (custom) return `${custom[1] ? 'a:' : ''}${custom[2]}:${custom[3]}`;
  const name = emoji.trim().replace(/^:|:$/g, '');
  const unicode = NAME_TO_UNICODE[name] ?? (/^[\x20-\x7e]*$/.test(name) ? null : name);
  return unicode ? encodeURIComponent(unicode) : null;
}
