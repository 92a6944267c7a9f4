import { displayText, percentEncodeControls } from '../../src/chat/display-text.ts';
import type { UserRef } from '../../src/chat/platform.ts';

/**
 * Slack mrkdwn text helpers. Slack parses `<…>` as links and mentions (`<!channel>`, `<@U123>`) and `&` starts
 * an entity, so every piece of text that came from a paper or a person goes through {@link escapeText} before it
 * reaches a message. The only control sequences paperboy writes itself are links built by {@link link} and the
 * sharer mention built by {@link mention}.
 */

/** With the `u` flag a surrogate pair is one code point outside this range, so only lone halves match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;

/**
 * Escapes `&`, `<` and `>`, the three characters Slack asks senders to escape, and drops control and bidi
 * formatting characters ({@link displayText}). Escaping happens here exactly once, on the way out: the text
 * given is plain (the Slack edge decodes the entities Slack put into command text, see command-text.ts),
 * so `&lt;` in it is four characters a person typed and shows as such. A lone UTF-16 surrogate (a feed's
 * JSON can carry `\ud800`) becomes U+FFFD: the Web API form-encodes a message's text, and encoding a lone
 * surrogate throws, so one such title would make every post showing it fail.
 */
export function escapeText(raw: string): string {
  return displayText(raw)
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * Mrkdwn has no backslash escape, so formatting markers inside a bold, linked title are swapped for lookalikes:
 * `*`, `_`, `~` and a backtick would otherwise close the bold span or open italic, strike or code.
 */
const LOOKALIKES: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

/** Replaces mrkdwn formatting markers with lookalike characters (for titles shown inside `*…*`). */
export function neutralizeFormatting(text: string): string {
  return text.replace(/[*_~`]/g, (c) => LOOKALIKES[c] ?? c);
}

const ELLIPSIS = '…';

/**
 * Escapes `raw` and fits the result in `max` characters (UTF-16 units, Slack's count). Text that does not fit
 * is cut at the last word boundary that leaves room for an ellipsis; a single word longer than the budget is
 * cut inside the word. An escape sequence is never split. `max` must be at least 1.
 */
export function fitText(raw: string, max: number): string {
  const whole = escapeText(raw);
  if (whole.length <= max) return whole;
  const budget = max - ELLIPSIS.length;
  let used = 0;
  let cut = 0;
  let lastBreak = -1;
  for (const ch of raw) {
    const size = escapeText(ch).length;
    if (used + size > budget) break;
    used += size;
    cut += ch.length;
    if (/\s/.test(ch)) lastBreak = cut;
  }
  const end = lastBreak > 0 ? lastBreak : cut;
  const kept = raw
    .slice(0, end)
    .replace(/[\s,;:.\-–—]+$/u, '')
    .trimEnd();
  return `${escapeText(kept)}${ELLIPSIS}`;
}

/** The first sentence of `text` (up to `.`, `!` or `?` followed by a capital or the end), or all of it. */
export function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(?:\s+(?=[\p{Lu}\d])|$)/su.exec(text.trim());
  return (m?.[1] ?? text).trim();
}

/**
 * A URL made safe inside `<url|label>`: only http(s) URLs are kept (anything else gives null), and the
 * characters that would end the link or start a label are percent-encoded, as are control and bidi
 * formatting characters.
 */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url || !/^https?:\/\/[^\s/]+/i.test(url.trim())) return null;
  return percentEncodeControls(url.trim())
    .replace(/[<>|\s"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/&/g, '&amp;');
}

/**
 * `<url|label>`, or the label alone when the URL is unusable. `label` is mrkdwn the caller has already
 * escaped (e.g. from {@link fitText}); a `|` in it is harmless, as Slack splits at the first one only.
 */
export function link(url: string | null | undefined, label: string): string {
  const safe = safeUrl(url);
  return safe ? `<${safe}|${label}>` : label;
}

const SLACK_USER = /^slack:([UW][A-Z0-9]{2,30})$/;

/**
 * The Slack user id inside a platform-qualified ref (`slack:U123` → `U123`), or null when the ref is not a
 * well-formed Slack user id. Mentions are only ever built from ids that pass this check.
 */
export function slackUserId(ref: UserRef | null | undefined): string | null {
  return (ref && SLACK_USER.exec(ref)?.[1]) || null;
}

/** `<@U123>` for a valid Slack user ref, otherwise null. */
export function mention(ref: UserRef | null | undefined): string | null {
  const id = slackUserId(ref);
  return id ? `<@${id}>` : null;
}
