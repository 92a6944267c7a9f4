import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../src/feed/arxiv-atom.ts';
import { type FeedFormat, parseFeed } from '../../src/feed/detect.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';
import { MAX_ITEMS } from '../../src/feed/limits.ts';
import { MAX_PARA_CHARS } from '../../src/feed/page-paragraphs.ts';
import type { ParseResult } from '../../src/papers/paper.ts';
import { expectSafeParse } from './feed-arbitraries.ts';

/*
 * Text made of long runs of one small unit (blank lines, separators, brackets, tags, lone meta anchors),
 * wrapped in the start and end of each format: every parser, whichever format detection picks, returns
 * whole papers within its bounds or throws one FeedFormatError. The sizes here keep each run quick; the
 * limits themselves are tested at their edges in test/feed/limits.test.ts and on 64 MiB files in
 * test/cli/degenerate-input.test.ts.
 */

const AS_OF = { asOf: '2025-11-12' };
const FORMATS: (FeedFormat | undefined)[] = [undefined, 'hf-json', 'hf-text', 'arxiv-atom'];
const TIMEOUT = 120_000;

const UNITS = [
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '\u00a0',
  '\u2028',
  '·\n',
  '·\n\n',
  'a\n',
  'a\n\n',
  '• 3 authors\n',
  'Dec 2, 2024\n',
  'T\n\nA\n·\n\n',
  '[',
  ']',
  '{',
  '}',
  ',',
  '0,',
  '{},',
  '"',
  '\\',
  '<',
  '>',
  '<a>',
  '</a>',
  '<entry/>',
  '<entry>',
  '<!---->',
  'x',
];
const WRAPPERS: [string, string][] = [
  ['', ''],
  ['[', ']'],
  ['{"title":"T","x":[', ']}'],
  ['<feed xmlns="http://www.w3.org/2005/Atom">', '</feed>'],
  ['<?xml version="1.0"?>\n<feed>', '</feed>\n'],
  ['Daily Papers\n\nNov 12\n\n', 'Title\n\nAbstract\n\n• 2 authors\n·\nOct 1\n'],
  ['\uFEFF', ''],
];

const degenerate = fc
  .tuple(
    fc.constantFrom(...WRAPPERS),
    fc.array(fc.tuple(fc.constantFrom(...UNITS), fc.integer({ min: 1, max: 10_000 })), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([[head, tail], runs]) => head + runs.map(([unit, n]) => unit.repeat(n)).join('') + tail);

/** The bounds every result keeps, beyond expectSafeParse's whole-paper check. */
function expectBounded(result: ParseResult | null, pageText: boolean): void {
  if (!result) return;
  expect(result.papers.length + result.skipped.length).toBeLessThanOrEqual(MAX_ITEMS);
  if (!pageText) return;
  for (const p of result.papers) {
    expect(p.title.length).toBeLessThanOrEqual(MAX_PARA_CHARS);
    expect(p.abstract.length).toBeLessThanOrEqual(MAX_PARA_CHARS);
  }
}

describe('feed parsers on long runs of one unit', () => {
  it(
    'return bounded, whole papers or throw one FeedFormatError, whatever the format',
    () => {
      fc.assert(
        fc.property(degenerate, (text) => {
          expectBounded(
            expectSafeParse(() => parseHfJson(text)),
            false,
          );
          expectBounded(
            expectSafeParse(() => parseHfPageText(text, AS_OF)),
            true,
          );
          expectBounded(
            expectSafeParse(() => parseArxivAtom(text)),
            false,
          );
          for (const format of FORMATS) {
            expectBounded(
              expectSafeParse(() => parseFeed(text, format, AS_OF)),
              format === 'hf-text',
            );
          }
        }),
        { numRuns: 60 },
      );
    },
    TIMEOUT,
  );
});
