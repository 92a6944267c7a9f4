/*
 * Finds the values of a JSON text without building them, so that a parser can refuse or skip a value before
 * JSON.parse spends memory on it. JSON.parse costs tens of bytes per value whatever the value's size: a
 * file of `[0,0,0,…]` or `[[[[…` takes gigabytes. The scan tracks only strings and bracket depth; JSON.parse
 * still checks each value it is given.
 */

/** Where one JSON value lies in a text, and an upper bound on how many values it holds. */
export interface JsonSpan {
  start: number;
  /** Index just past the value. */
  end: number;
  /** One plus the brackets and commas inside it: at least the number of values JSON.parse would build. */
  values: number;
}

/** Index of the first character at or after `i` that is not JSON whitespace (space, tab, LF, CR). */
export function skipJsonWhitespace(text: string, i: number): number {
  let j = i;
  for (
    let c = text.charCodeAt(j);
    c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
    c = text.charCodeAt(j)
  )
    j++;
  return j;
}

/**
 * The value starting at `start` (a non-whitespace character): a string, an array or object up to its closing
 * bracket, or a bare word or number up to the next delimiter. Returns null when the text ends inside it.
 */
export function scanJsonValue(text: string, start: number): JsonSpan | null {
  const first = text.charCodeAt(start);
  if (first === 0x22) {
    const end = stringEnd(text, start);
    return end < 0 ? null : { start, end, values: 1 };
  }
  if (first !== 0x5b && first !== 0x7b) {
    let end = start;
    while (end < text.length && !isDelimiter(text.charCodeAt(end))) end++;
    return { start, end: Math.max(end, start + 1), values: 1 };
  }
  let depth = 0;
  let values = 1;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i) - 1;
      if (i < 0) return null;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      values++;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return { start, end: i + 1, values };
    } else if (c === 0x2c) values++;
  }
  return null;
}

/** Index just past the string whose opening quote is at `quote`, or -1 when the text ends inside it. */
function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** Characters that end a bare word or number: whitespace, `,`, `]`, `}` and `:`. */
function isDelimiter(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0x2c ||
    c === 0x5d ||
    c === 0x7d ||
    c === 0x3a
  );
}
