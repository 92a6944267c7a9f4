import { FeedFormatError, type ParseResult } from '../papers/paper.ts';
import { parseArxivAtom } from './arxiv-atom.ts';
import { parseHfJson } from './hf-json.ts';
import { parseHfPageText } from './hf-page-text.ts';
import { firstKept } from './limits.ts';

/** The sources paperboy can parse: HF API JSON, the text of an HF papers page, and arXiv API Atom. */
export type FeedFormat = 'hf-json' | 'hf-text' | 'arxiv-atom';

/**
 * Guesses the format from the first characters: JSON opens with `[` or `{` and then a JSON value or key
 * (so a markdown copy of a page, opening with a link `[Hugging Face](…)`, is page text), Atom with `<?xml` or `<feed`,
 * anything else is page text. Throws FeedFormatError for empty input, binary data and HTML pages (an HTML
 * body usually means a login, error or rate-limit page came back instead of a feed).
 */
export function detectFormat(text: string): FeedFormat {
  // Only the first 4 KiB after any leading whitespace are looked at: trimming or copying the whole text would
  // cost as much memory again for an input of blank lines.
  const start = firstKept(text);
  const head = text.slice(start, start + 4096);
  if (head === '') throw new FeedFormatError('The input is empty: it holds no feed.');
  if (looksBinary(text)) throw new FeedFormatError('The input is binary data, not a feed.');
  if (looksLikeHtml(head)) throw new FeedFormatError('The input is an HTML page, not a feed.');
  if (looksLikeJson(head)) return 'hf-json';
  // XML, or a markdown copy that opens with a tag (an anchor, a comment a converter left): Atom only when an
  // XML declaration or a feed element says so.
  // Past comments however many (walked in the whole text: linear, with indexOf).
  const body = afterComments(text, start);
  if (head.startsWith('<?xml') || /^<feed[\s/>]/.test(text.slice(body, body + 64))) return 'arxiv-atom';
  return 'hf-text';
}

/**
 * Parses `text` in `format`, or in the detected format when `format` is undefined. `asOf` (YYYY-MM-DD) dates
 * page text whose card dates omit the year. `feedDate` (YYYY-MM-DD), for HF JSON only, is the day a saved
 * `/api/daily_papers?date=` response was requested for; every paper of it gets that feed day. Binary input
 * is refused whatever the format, so that bytes never turn into papers.
 */
export function parseFeed(
  text: string,
  format: FeedFormat | undefined,
  opts: { asOf: string; feedDate?: string | undefined },
): ParseResult & { format: FeedFormat } {
  if (looksBinary(text)) throw new FeedFormatError('The input is binary data, not a feed.');
  const chosen = format ?? detectFormat(text);
  switch (chosen) {
    case 'hf-json':
      return { ...parseHfJson(text, { feedDate: opts.feedDate }), format: chosen };
    case 'hf-text':
      return { ...parseHfPageText(text, { asOf: opts.asOf }), format: chosen };
    case 'arxiv-atom':
      return { ...parseArxivAtom(text), format: chosen };
  }
}

/**
 * `[` (one or more) then a value, `]` or nothing more; `{` then a key, `}` or nothing more: a truncated body
 * is still JSON, and its parser says what is wrong with it.
 */
function looksLikeJson(head: string): boolean {
  if (head.startsWith('[')) {
    const rest = head.replace(/^[[\s]+/, '');
    // A number is JSON when a comma or the array's end follows it, and that end is not a markdown link's
    // (`[101](https://…)`: a vote button, as a markdown copy of a page may open).
    if (/^[\d-]/.test(rest)) return /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*(?:$|,|\](?!\())/.test(rest);
    return rest === '' || /^(?:[{\]"]|(?:true|false|null)\b)/.test(rest);
  }
  const next = head.slice(1).trimStart().charAt(0);
  return head.startsWith('{') && (next === '' || next === '"' || next === '}');
}

/** Share of control characters (other than tab and line breaks) or U+FFFD above which text is binary. */
const BINARY_SHARE = 0.05;
const SAMPLE = 8192;

/**
 * A NUL anywhere, or many control characters or U+FFFD in the first 8 KiB: the signature of bytes that were
 * not UTF-8 text (an image, a gzip body read as text, a PDF).
 */
function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const sample = text.slice(0, SAMPLE);
  if (sample.length === 0) return false;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f || c === 0xfffd)
      odd++;
  }
  return odd / sample.length > BINARY_SHARE;
}

/**
 * An HTML document: a doctype or `<html>` at the top, possibly after an XML declaration and comments. Walked
 * with indexOf rather than one regex: `(?:<!--[\s\S]*?-->\s*)*` backtracks exponentially over a run of
 * comments that is not followed by HTML.
 */
function looksLikeHtml(head: string): boolean {
  let i = 0;
  if (head.startsWith('<?xml')) {
    const end = head.indexOf('>');
    if (end < 0) return false;
    i = firstKept(head, end + 1);
  }
  i = afterComments(head, i);
  return /^<(?:!doctype\s+html|html|head|body)\b/i.test(head.slice(i, i + 64));
}

/** Where what follows the comments (and whitespace) at `i` starts: the text's length if one is not closed. */
function afterComments(head: string, i: number): number {
  while (head.startsWith('<!--', i)) {
    const end = head.indexOf('-->', i + 4);
    if (end < 0) return head.length;
    i = firstKept(head, end + 3);
  }
  return i;
}
