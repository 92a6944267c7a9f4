import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../src/feed/arxiv-atom.ts';
import { type FeedFormat, parseFeed } from '../../src/feed/detect.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';
import { anyText, deepJson, expectSafeParse, FIXTURES, HUGE, huge, mutatedText } from './feed-arbitraries.ts';
import {
  applyJsonMutations,
  extraKeysOnly,
  HUGE_UNITS,
  type Json,
  jsonMutation,
  pathPools,
} from './json-mutations.ts';

/*
 * Every parser, fed arbitrary text and damaged real captures, returns whole papers or throws a
 * FeedFormatError; nothing else escapes, and nothing hangs (each test has a generous timeout).
 */

const AS_OF = { asOf: '2025-11-12' };
const FORMATS: (FeedFormat | undefined)[] = [undefined, 'hf-json', 'hf-text', 'arxiv-atom'];
const TIMEOUT = 60_000;

/** All four entry points on one input. */
function parseEverywhere(text: string): void {
  expectSafeParse(() => parseHfJson(text));
  expectSafeParse(() => parseHfPageText(text, AS_OF));
  expectSafeParse(() => parseArxivAtom(text));
  for (const format of FORMATS) expectSafeParse(() => parseFeed(text, format, AS_OF));
}

/** Text shaped enough like each source to get past the first checks. */
const sourceLike: fc.Arbitrary<string> = fc.oneof(
  anyText,
  fc.json({ maxDepth: 4 }),
  fc
    .array(
      fc.record({
        paper: fc.dictionary(
          fc.constantFrom('id', 'title', 'summary', 'authors', 'publishedAt', 'upvotes', 'organization'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        numComments: fc.jsonValue({ maxDepth: 1 }),
      }),
      { maxLength: 4 },
    )
    .map((items) => JSON.stringify(items)),
  fc
    .array(
      fc.oneof(anyText, fc.constantFrom('·', '• 3 authors', 'Dec 2, 2024 2', 'Jun 9', 'org Org Name', '')),
      {
        maxLength: 30,
      },
    )
    .map((lines) => lines.join('\n')),
  fc
    .array(
      fc
        .record({ id: anyText, title: anyText, summary: anyText, name: anyText })
        .map(
          (e) =>
            `<entry><id>${e.id}</id><title>${e.title}</title><summary>${e.summary}</summary><author><name>${e.name}</name></author></entry>`,
        ),
      { maxLength: 3 },
    )
    .map(
      (entries) =>
        `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${entries.join('')}</feed>`,
    ),
);

describe('feed parsers on arbitrary text', () => {
  it(
    'never throw anything but FeedFormatError, and return only whole papers',
    () => {
      fc.assert(fc.property(sourceLike, parseEverywhere), { numRuns: 800 });
    },
    TIMEOUT,
  );

  it(
    'parseHfPageText throws RangeError exactly when asOf is not YYYY-MM-DD',
    () => {
      const page = FIXTURES.page.slice(0, 4000);
      const asOf = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc
          .tuple(fc.nat({ max: 9999 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }))
          .map(([y, m, d]) =>
            [String(y).padStart(4, '0'), String(m).padStart(2, '0'), String(d).padStart(2, '0')].join('-'),
          ),
      );
      fc.assert(
        fc.property(asOf, (value) => {
          const valid = /^\d{4}-\d{2}-\d{2}$/.test(value);
          let threw: unknown = null;
          try {
            expectSafeParse(() => parseHfPageText(page, { asOf: value }));
          } catch (error) {
            threw = error;
          }
          expect(threw instanceof RangeError).toBe(!valid);
          if (valid) expect(threw).toBeNull();
        }),
        { numRuns: 200 },
      );
    },
    TIMEOUT,
  );
});

describe('feed parsers on damaged captures', () => {
  // Truncation, invalid UTF-8 bytes, line-ending changes, blank lines, inserted and deleted text.
  it.each([
    ['HF JSON 2024', FIXTURES.daily2024, parseHfJson, 100],
    ['HF JSON 2026', FIXTURES.daily2026, parseHfJson, 150],
    ['HF page text', FIXTURES.page, (t: string) => parseHfPageText(t, AS_OF), 100],
    ['arXiv Atom', FIXTURES.atom, parseArxivAtom, 200],
  ] as const)(
    '%s: never throws past the boundary, and every paper is whole',
    (_name, source, parse, numRuns) => {
      fc.assert(
        fc.property(mutatedText(source), (text) => {
          expectSafeParse(() => parse(text));
          expectSafeParse(() => parseFeed(text, undefined, AS_OF));
        }),
        { numRuns },
      );
    },
    TIMEOUT,
  );

  it.each([
    ['HF JSON 2024', FIXTURES.daily2024, 40],
    ['HF JSON 2026', FIXTURES.daily2026, 100],
  ] as const)(
    '%s with wrong types, huge fields, deep nesting, deleted and extra keys',
    (_name, source, numRuns) => {
      const value = JSON.parse(source) as Json;
      const pools = pathPools(value);
      fc.assert(
        fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 5 }), (mutations) => {
          const text = applyJsonMutations(value, pools, mutations);
          expectSafeParse(() => parseHfJson(text));
          expectSafeParse(() => parseFeed(text, undefined, AS_OF));
        }),
        { numRuns },
      );
    },
    TIMEOUT,
  );

  it(
    'HF JSON: a huge value in any field the parser reads is handled without hanging',
    () => {
      const value = JSON.parse(FIXTURES.daily2026) as Json;
      const pools = pathPools(value);
      const field = fc.nat({ max: pools.known.length - 1 });
      fc.assert(
        fc.property(
          field,
          fc.constantFrom(...HUGE_UNITS),
          fc.constantFrom('', 'x', '\nx'),
          (at, unit, suffix) => {
            const text = applyJsonMutations(value, pools, [
              { kind: 'huge', pool: 'known', at, unit, length: HUGE, suffix },
            ]);
            expectSafeParse(() => parseHfJson(text));
          },
        ),
        {
          numRuns: 40,
          // The paper id with a long run of `/` or `?` once took quadratic time in normalizeArxivId.
          examples: [
            [pools.known.findIndex((p) => p.at(-1) === 'id'), '/', 'x'],
            [pools.known.findIndex((p) => p.at(-1) === 'id'), '?', '\nx'],
          ],
        },
      );
    },
    TIMEOUT,
  );

  it(
    'Atom and page text: huge titles, abstracts, ids and author names are handled without hanging',
    () => {
      const atomFields = ['id', 'title', 'summary', 'name', 'published'];
      fc.assert(
        fc.property(
          fc.constantFrom(...atomFields),
          fc.constantFrom(...HUGE_UNITS.filter((u) => u !== '<' && u !== '&')),
          fc.constantFrom('', 'x', '\nx'),
          (field, unit, suffix) => {
            const body = huge(unit, HUGE) + suffix;
            // Only inside the entry: the feed has its own <id> and <title> above it.
            const start = FIXTURES.atom.indexOf('<entry');
            const text =
              FIXTURES.atom.slice(0, start) +
              FIXTURES.atom
                .slice(start)
                .replace(
                  new RegExp(`(<${field}[^>]*>)[\\s\\S]*?(</${field}>)`),
                  (_, open, close) => `${open}${body}${close}`,
                );
            expectSafeParse(() => parseArxivAtom(text));
            const page = FIXTURES.page.replace('NitroFusion: High-Fidelity', body);
            expectSafeParse(() => parseHfPageText(page, AS_OF));
          },
        ),
        {
          numRuns: 30,
          examples: [
            ['id', '/', 'x'],
            ['id', '?', '\nx'],
          ],
        },
      );
    },
    TIMEOUT,
  );
});

describe('feed parsers on deep nesting', () => {
  it(
    '10,000 nested arrays or elements, as the whole input or inside a field',
    () => {
      const depth = fc.integer({ min: 1, max: 12_000 });
      fc.assert(
        fc.property(depth, fc.constantFrom('array' as const, 'object' as const), (n, shape) => {
          const nested = deepJson(n, shape);
          parseEverywhere(nested);
          parseEverywhere(`[{"paper":{"id":"2410.17243","title":"T","summary":${nested}}}]`);
          parseEverywhere(`{"id":"2410.17243","title":"T","zz_extra":${nested}}`);
          const xml = `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
          parseEverywhere(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${xml}</feed>`);
          parseEverywhere(
            `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2410.17243</id><title>${xml}</title></entry></feed>`,
          );
        }),
        {
          numRuns: 15,
          examples: [
            [10_000, 'array'],
            [10_000, 'object'],
          ],
        },
      );
    },
    TIMEOUT,
  );
});

describe('what is skipped', () => {
  it(
    'HF JSON: every item that is not an object is skipped, saying what it is instead',
    () => {
      const notObject = fc
        .jsonValue({ maxDepth: 2 })
        .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v));
      fc.assert(
        fc.property(fc.array(notObject, { minLength: 1, maxLength: 5 }), (items) => {
          const { papers, skipped } = parseHfJson(JSON.stringify(items));
          expect(papers).toEqual([]);
          expect(skipped).toEqual(
            items.map((v, i) => ({
              where: `item ${i + 1}`,
              reason: `expected an object, got ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`,
            })),
          );
        }),
        { numRuns: 200 },
      );
    },
    TIMEOUT,
  );
});

describe('what must not change the papers', () => {
  it.each([
    ['HF JSON 2024', FIXTURES.daily2024, 25],
    ['HF JSON 2026', FIXTURES.daily2026, 100],
  ] as const)(
    '%s: unknown extra keys anywhere give the same papers',
    (_name, source, numRuns) => {
      const value = JSON.parse(source) as Json;
      const pools = pathPools(value);
      const expected = parseHfJson(source);
      expect(expected.papers.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(extraKeysOnly, (mutations) => {
          const text = applyJsonMutations(value, pools, mutations);
          expect(parseHfJson(text)).toEqual(expected);
        }),
        { numRuns },
      );
    },
    TIMEOUT,
  );

  it(
    'arXiv Atom: unknown extra elements in an entry give the same papers',
    () => {
      const expected = parseArxivAtom(FIXTURES.atom);
      const name = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/).map((s) => `zz${s}`);
      const content = anyText.map((s) =>
        // XML 1.0 allows neither most control characters nor lone surrogates; escape the markup characters.
        s
          .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;'),
      );
      fc.assert(
        fc.property(
          fc.array(fc.record({ name, prefix: fc.constantFrom('', 'arxiv:'), content }), {
            minLength: 1,
            maxLength: 5,
          }),
          (extras) => {
            const inserted = extras
              .map((e) => `<${e.prefix}${e.name}>${e.content}</${e.prefix}${e.name}>`)
              .join('');
            const text = FIXTURES.atom.replace(/<entry[^>]*>/, (open) => open + inserted);
            expect(parseArxivAtom(text)).toEqual(expected);
          },
        ),
        { numRuns: 100 },
      );
    },
    TIMEOUT,
  );

  it(
    'any source: one line-ending convention for the whole text gives the same papers',
    () => {
      const sources = [
        ['json', FIXTURES.daily2024],
        ['json', FIXTURES.daily2026],
        ['text', FIXTURES.page],
        ['atom', FIXTURES.atom],
      ] as const;
      const expected = sources.map(([, s]) => parseFeed(s, undefined, AS_OF).papers);
      fc.assert(
        fc.property(
          fc.nat({ max: sources.length - 1 }),
          fc.constantFrom('\r\n', '\r', '\n'),
          fc.boolean(),
          (i, eol, bom) => {
            const [, source] = sources[i] ?? sources[0];
            const text = (bom ? '\uFEFF' : '') + source.replace(/\r\n|\r|\n/g, eol);
            expect(parseFeed(text, undefined, AS_OF).papers).toEqual(expected[i]);
          },
        ),
        { numRuns: 24 },
      );
    },
    TIMEOUT,
  );

  it(
    'HF page text: extra blank (or whitespace-only) lines between paragraphs give the same papers',
    () => {
      const expected = parseHfPageText(FIXTURES.page, AS_OF).papers;
      const gaps = FIXTURES.page.split(/\n\s*\n/);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), fc.constantFrom('\n', ' \n', '\t\n', '\n\n\n', '\u00a0\n')), {
            minLength: 1,
            maxLength: 40,
          }),
          (inserts) => {
            const extra = new Map(inserts.map(([at, filler]) => [at % gaps.length, filler]));
            const text = gaps.map((para, i) => (extra.get(i) ?? '') + para).join('\n\n');
            expect(parseHfPageText(text, AS_OF).papers).toEqual(expected);
          },
        ),
        { numRuns: 30 },
      );
    },
    TIMEOUT,
  );
});
