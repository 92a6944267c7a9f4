import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { FeedFormatError, type ParseResult, paperSchema } from '../../src/papers/paper.ts';

/** The recorded sources, read once. */
export const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

export const FIXTURES = {
  daily2024: fixture('hf-daily-papers-2024-10-25.json'),
  daily2026: fixture('hf-daily-papers-2026-03-06.json'),
  page: fixture('hf-papers-page.txt'),
  atom: fixture('arxiv-api-sample.xml'),
} as const;

/**
 * Runs a parser on hostile input and checks the boundary: it returns, or throws a FeedFormatError with a
 * message (RangeError only when `allowRangeError`, for a documented bad argument). Every paper it returns
 * is a whole Paper: it passes the schema and carries no key the schema does not know.
 */
export function expectSafeParse(run: () => ParseResult, allowRangeError = false): ParseResult | null {
  let result: ParseResult;
  try {
    result = run();
  } catch (error) {
    if (allowRangeError && error instanceof RangeError) return null;
    if (!(error instanceof FeedFormatError)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    return null;
  }
  for (const paper of result.papers) expect(paperSchema.parse(paper)).toEqual(paper);
  for (const item of result.skipped) {
    expect(typeof item.where).toBe('string');
    expect(item.reason.length).toBeGreaterThan(0);
  }
  return result;
}

/** Text-level damage to a source: what a flaky network, a bad proxy or a careless copy-paste does. */
export type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'bytes'; at: number; bytes: Uint8Array; decoding: 'utf-8' | 'latin1' }
  | { kind: 'line-endings'; choices: number[] }
  | { kind: 'blank-lines'; at: number[]; filler: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number };

const LINE_ENDINGS = ['\n', '\r\n', '\r'] as const;

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('bytes' as const),
    at: fc.nat(),
    // 0x80-0xff alone, lone continuation bytes and overlong starts are all invalid UTF-8.
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    decoding: fc.constantFrom('utf-8' as const, 'latin1' as const),
  }),
  fc.record({
    kind: fc.constant('line-endings' as const),
    choices: fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 50 }),
  }),
  fc.record({
    kind: fc.constant('blank-lines' as const),
    at: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
    filler: fc.constantFrom('', ' ', '\t', '   \t'),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('<', '>', '&', ']]>', '<!--', '"', '\\', '{', '[', '·', '\n\n·\n', '\u0000', '\uFEFF'),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
);

/** Applies one mutation; offsets are taken modulo the text's length so every value lands somewhere. */
export function applyTextMutation(text: string, m: TextMutation): string {
  const pos = (at: number) => (text.length === 0 ? 0 : at % (text.length + 1));
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, pos(m.at));
    case 'bytes': {
      const bytes = Buffer.from(text, 'utf8');
      const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
      // Splicing at a byte offset can also cut a multi-byte character in half.
      const spliced = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
      return m.decoding === 'utf-8' ? new TextDecoder('utf-8').decode(spliced) : spliced.toString('latin1');
    }
    case 'line-endings': {
      let i = 0;
      return text.replace(/\r\n|\r|\n/g, () => LINE_ENDINGS[m.choices[i++ % m.choices.length] ?? 0] ?? '\n');
    }
    case 'blank-lines': {
      const lines = text.split('\n');
      const at = new Set(m.at.map((a) => a % (lines.length + 1)));
      return lines.flatMap((line, i) => (at.has(i) ? [m.filler, line] : [line])).join('\n');
    }
    case 'insert': {
      const at = pos(m.at);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'delete': {
      const at = pos(m.at);
      return text.slice(0, at) + text.slice(at + m.length);
    }
  }
}

/** A fixture damaged by one to three text mutations. */
export function mutatedText(source: string): fc.Arbitrary<string> {
  return fc
    .array(textMutation, { minLength: 1, maxLength: 3 })
    .map((ms) => ms.reduce(applyTextMutation, source));
}

/** Length of a huge field: far beyond any real title or abstract, small enough to run many times. */
export const HUGE = 200_000;

/** A string of `length` characters made by repeating `unit` (a huge field). */
export function huge(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Text holding `depth` nested arrays (or objects), built as text: JSON.stringify would overflow the stack. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}

/** Arbitrary text of every kind: ASCII, any code point, lone surrogates, graphemes, control characters. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 }),
);
