/**
 * Text paperboy did not write itself (paper titles and abstracts from the feeds, notes, display names,
 * command text) is cleaned of characters that change how the text *around* it is shown, before any
 * platform shows it:
 *
 * - C0 controls other than tab and line feed, DEL and the C1 controls. NUL and its neighbours show as
 *   nothing or as boxes, can cut a string short in clients written in C, steer terminals, and PostgreSQL
 *   refuses NUL in text outright. A carriage return becomes a line feed, so `\r\n` stays one line break.
 * - The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). A right-to-left
 *   override in a title reverses the rest of the line it is shown on ("Trojan Source"), so a sharer's
 *   name, a vote count or a link label after it would read differently from what it is.
 *
 * Right-to-left writing itself is untouched: Arabic and Hebrew letters carry their own direction and the
 * Unicode bidi algorithm orders them without explicit formatting characters. The directional marks
 * (LRM, RLM, ALM) stay too: they are invisible letters that cannot reorder anything beyond their neighbours.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const BIDI_FORMATTING = /[\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const ANY_CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without control characters (tab and line feed kept) and without bidi embeddings, overrides and isolates. */
export function displayText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, '').replace(BIDI_FORMATTING, '');
}

/**
 * A URL with every control and bidi formatting character percent-encoded (as UTF-8, the way a browser
 * sends it): the URL still names the same resource, and nothing in it can reorder the text it is shown in.
 */
export function percentEncodeControls(url: string): string {
  return url.replace(ANY_CONTROL_OR_BIDI, (c) => encodeURIComponent(c));
}
