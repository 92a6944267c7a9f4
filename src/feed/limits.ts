import { FeedFormatError } from '../papers/paper.ts';

/*
 * Bounds shared by the parsers, so that memory follows the size of the input text and never the number of
 * lines, separators or empty items in it. A parser holds the text, the papers it found and a bounded window;
 * anything it cannot fit in those is refused with one sentence.
 */

/**
 * Most items (papers plus skipped entries) one input may hold. A day of Daily Papers holds about a hundred and
 * an arXiv response at most two thousand, so only a broken or hostile file comes near; past it, memory would
 * grow with the item count (each item costs hundreds of bytes however few bytes of input it took).
 */
export const MAX_ITEMS = 200_000;

/** The refusal for an input past {@link MAX_ITEMS}; `what` names the items (`"items"`, `"entries"`). */
export function tooManyItems(what: string): FeedFormatError {
  return new FeedFormatError(
    `The input holds more than ${MAX_ITEMS} ${what}, more than any feed response; split it into smaller files.`,
  );
}

/**
 * True for the characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), so that
 * index-based scans agree with trim() without slicing.
 */
export function isTrimmable(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Index of the first character at or after `from` that trim() would keep; `text.length` when there is none. */
export function firstKept(text: string, from = 0): number {
  let i = from;
  while (i < text.length && isTrimmable(text.charCodeAt(i))) i++;
  return i;
}
