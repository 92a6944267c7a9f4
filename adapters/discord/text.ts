import { escapeMarkdown } from 'discord.js';
import { displayText, percentEncodeControls } from '../../src/chat/display-text.ts';

/**
 * Text safety for Discord. Everything the core hands over is plain text, and titles and notes come from
 * outside (arXiv, the person sharing), so they are escaped before Discord's markdown renderer sees them.
 */

const ZWSP = '\u200b';

/**
 * Breaks every mention syntax with a zero-width space: `@everyone`, `@here`, `<@123>`, `<@!123>`,
 * `<@&123>` and `<#123>` then show as text. `allowedMentions` already stops the ping; this also stops
 * Discord from rendering a hostile title as a highlighted role or user mention.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#)(\d+)>/g, `<${ZWSP}$1$2>`);
}

/**
 * Escapes markdown (including masked links) and neutralises mentions, for text Discord renders; control and
 * bidi formatting characters are dropped first ({@link displayText}).
 */
export function safeMarkdown(text: string): string {
  return neutralizeMentions(
    escapeMarkdown(displayText(text), { maskedLink: true, heading: true, bulletedList: true }),
  );
}

/**
 * For text Discord shows without rendering markdown (embed author names, footers):
 * control and bidi formatting characters dropped and mentions neutralised, nothing escaped (escapes would show).
 */
export function safePlain(text: string): string {
  return neutralizeMentions(displayText(text));
}

/**
 * Cuts `text` to at most `max` UTF-16 units (Discord's limits are at least that generous), ending in `…`.
 * Never splits a surrogate pair or leaves a dangling markdown escape backslash.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  let head = text.slice(0, cut).trimEnd();
  while (head.endsWith('\\')) head = head.slice(0, -1);
  return `${head}…`;
}

/**
 * A URL safe to put inside a markdown link `[label](url)`: only http(s). Parentheses are encoded so the
 * link ends where it should; `<`, `>` and `@` so that none of it reads as a mention when a description
 * cut to Discord's limits ends inside the link and leaves its target as plain text; control and bidi
 * formatting characters are percent-encoded. Null for what does not parse as a URL.
 */
export function markdownUrl(url: string): string | null {
  if (!/^https?:\/\/\S+$/i.test(url)) return null;
  const safe = percentEncodeControls(url).replace(
    /[()<>@]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  // One that is no URL (a port out of range, a broken host) makes Discord refuse the whole message when it
  // is an embed's or a button's link; a feed's link is dropped instead.
  return URL.canParse(safe) ? safe : null;
}
