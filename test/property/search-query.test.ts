import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Paper, titleKeyId } from '../../src/papers/paper.ts';
import { searchPapers } from '../../src/papers/search.ts';
import {
  MAX_PHRASE_TOKENS,
  MAX_PHRASES,
  parseSearchQuery,
  type SearchQuery,
} from '../../src/papers/search-query.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { toTsQuery } from '../../src/store/postgres/tsquery.ts';
import { toFtsMatch } from '../../src/store/sqlite/fts-match.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from '../store/postgres-db.ts';
import { anyText, huge } from './feed-arbitraries.ts';

/*
 * Whatever a person types as a search, the query translation keeps full-text syntax out of the engine:
 * store.search never throws, and only stored papers come back.
 */

const TIMEOUT = 60_000;

/** Words and syntax that mean something to FTS5, tsquery or the query parser. */
const SYNTAX = [
  '"',
  '""',
  "'",
  '*',
  '^',
  ':',
  '(',
  ')',
  '-',
  '+',
  '!',
  '&',
  '|',
  '<->',
  ':*',
  'NEAR',
  'NEAR(',
  'NEAR/2',
  'AND',
  'OR',
  'NOT',
  'title:',
  'abstract:',
  '{title abstract}:',
  '“',
  '”',
  '„',
  '«',
  '»',
  '\\',
  '\u0000',
  ';',
  '--',
  "' OR 1=1 --",
  'rowid',
  'near',
];

const WORDS = [
  'unlearning',
  'diffusion',
  'near',
  'and',
  'not',
  'café',
  'naïve',
  'модель',
  'نموذج',
  '模型',
  '😀',
  'x',
];

/** Query text: syntax, real words, emoji, right-to-left text and arbitrary code points, in any mix. */
const queryText: fc.Arbitrary<string> = fc.oneof(
  anyText,
  fc
    .array(fc.oneof(fc.constantFrom(...SYNTAX), fc.constantFrom(...WORDS), anyText), { maxLength: 30 })
    .chain((parts) =>
      fc
        .array(fc.constantFrom(' ', '', '\t', '\u00a0', '\u200f', '\u202e'), {
          minLength: parts.length,
          maxLength: parts.length,
        })
        .map((gaps) => parts.map((p, i) => p + (gaps[i] ?? '')).join('')),
    ),
  fc
    .tuple(
      fc.constantFrom(...SYNTAX, ...WORDS, 'ab ', '"a" ', '-b '),
      fc.integer({ min: 1_000, max: 10_000 }),
    )
    .map(([unit, n]) => huge(unit, n)),
);

const STORED: Paper[] = [
  ['2410.00001', 'Machine Unlearning Near the Boundary', 'We study unlearning AND forgetting; NOT a survey.'],
  ['2410.00002', 'Diffusion Models: a “Café” Tour', 'Naïve diffusion (*) with ^ and : everywhere.'],
  ['2410.00003', 'Модель и نموذج and 模型 😀', 'Multilingual abstract, right-to-left ‏text‏ included.'],
  [null, 'OR NOT AND NEAR', 'Operators as plain words: title: abstract: rowid.'],
].map(([arxivId, title, abstract]) => ({
  id: arxivId ?? titleKeyId(title as string),
  arxivId: arxivId ?? null,
  title: title as string,
  abstract: abstract as string,
  authors: ['Ada Lovelace', 'NEAR Author'],
  authorCount: 2,
  organization: null,
  publishedAt: '2024-10-22',
  feedDate: '2024-10-25',
  upvotes: 3,
  comments: 0,
}));
const STORED_IDS = new Set(STORED.map((p) => p.id));

/** The structure parseSearchQuery promises: lowercase letter/digit tokens, bounded counts, a non-empty must. */
function expectWellFormed(q: SearchQuery): void {
  expect(q.must.length).toBeGreaterThan(0);
  expect(q.must.length + q.exclude.length).toBeLessThanOrEqual(MAX_PHRASES);
  for (const phrase of [...q.must, ...q.exclude]) {
    expect(phrase.length).toBeGreaterThan(0);
    expect(phrase.length).toBeLessThanOrEqual(MAX_PHRASE_TOKENS);
    for (const token of phrase) {
      expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
      expect(token).toBe(token.toLowerCase());
    }
  }
}

/** store.search with both modes: no throw, only stored papers, each once, relevance > 0. */
async function expectSafeSearch(store: PaperStore, q: SearchQuery): Promise<void> {
  for (const mode of ['all', 'any'] as const) {
    const hits = await store.search({ ...q, mode }, 20);
    const ids = hits.map((h) => h.paper.id);
    for (const id of ids) expect(STORED_IDS.has(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const h of hits) {
      expect(Number.isFinite(h.relevance)).toBe(true);
      expect(h.relevance).toBeGreaterThan(0);
    }
  }
}

/** Property: any text either fails to parse with a message, or searches safely (see expectSafeSearch). */
function searchNeverThrows(store: () => PaperStore, numRuns: number): Promise<void> {
  return fc.assert(
    fc.asyncProperty(queryText, async (text) => {
      const parsed = parseSearchQuery(text);
      if (parsed.ok) await expectSafeSearch(store(), parsed.query);
    }),
    { numRuns },
  );
}

/** Property: a stored title wrapped in the engine's own syntax characters still finds its paper. */
function titleWithSyntaxFindsPaper(
  store: () => PaperStore,
  before: string[],
  after: string[],
  numRuns: number,
): Promise<void> {
  return fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...STORED),
      fc.constantFrom(...before),
      fc.constantFrom(...after),
      async (paper, b, a) => {
        const out = await searchPapers(store(), `${b}${paper.title}${a}`, { limit: 5, today: '2025-11-12' });
        expect(out.ok && out.results.map((r) => r.paper.id)).toContain(paper.id);
      },
    ),
    { numRuns },
  );
}

describe('parseSearchQuery on arbitrary text', () => {
  it(
    'returns a well-formed query or a one-sentence error, and never throws',
    () => {
      fc.assert(
        fc.property(queryText, (text) => {
          const parsed = parseSearchQuery(text);
          if (parsed.ok) expectWellFormed(parsed.query);
          else expect(parsed.error).toMatch(/^[A-Z][^\n]*[.]$|^[A-Z][^\n]*: \/papers [^\n]+$/);
        }),
        { numRuns: 500 },
      );
    },
    TIMEOUT,
  );

  it(
    'toFtsMatch quotes every token: outside quotes only the operators it writes itself remain',
    () => {
      fc.assert(
        fc.property(queryText, fc.constantFrom(undefined, 'title'), (text, column) => {
          const parsed = parseSearchQuery(text);
          if (!parsed.ok) return;
          for (const mode of ['all', 'any'] as const) {
            const match = toFtsMatch({ ...parsed.query, mode }, column);
            const outside = match.replace(/"(?:[^"]|"")*"/g, '');
            expect(outside).toMatch(/^(?:[\s()+]|AND|OR|NOT|title :)*$/);
          }
        }),
        { numRuns: 300 },
      );
    },
    TIMEOUT,
  );

  it(
    'toTsQuery passes every phrase as a parameter: the SQL holds only its own operators and placeholders',
    () => {
      fc.assert(
        fc.property(queryText, fc.integer({ min: 1, max: 5 }), (text, first) => {
          const parsed = parseSearchQuery(text);
          if (!parsed.ok) return;
          const { sql, params } = toTsQuery(parsed.query, first);
          const { must, alternatives, exclude } = parsed.query;
          const forms = must.flatMap((p, i) => [p, ...(alternatives?.[i] ?? [])]);
          expect(params).toEqual([...forms, ...exclude].map((p) => p.join(' ')));
          expect(sql.replace(/phraseto_tsquery\('paperboy_en', \$\d+\)/g, '')).toMatch(/^[\s()&|!]*$/);
        }),
        { numRuns: 300 },
      );
    },
    TIMEOUT,
  );
});

describe('SQLite search on arbitrary text', () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-property-'));
    store = SqliteStore.open(join(dir, 'archive.db'));
    await store.upsertPapers(STORED);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'store.search never throws and returns only stored papers',
    () => searchNeverThrows(() => store, 1000),
    TIMEOUT,
  );

  it(
    'searchPapers never throws on any text, up to 100,000 characters',
    async () => {
      const long = fc
        .tuple(
          fc.constantFrom(...SYNTAX, ...WORDS, 'ab ', '"a b" '),
          fc.integer({ min: 10_000, max: 100_000 }),
        )
        .map(([unit, n]) => huge(unit, n));
      await fc.assert(
        fc.asyncProperty(fc.oneof(queryText, long), async (text) => {
          const out = await searchPapers(store, text, { limit: 5, today: '2025-11-12' });
          if (out.ok) {
            expect(out.results.length).toBeLessThanOrEqual(5);
            for (const r of out.results) expect(STORED_IDS.has(r.paper.id)).toBe(true);
          } else expect(out.error.length).toBeGreaterThan(0);
        }),
        { numRuns: 200 },
      );
    },
    TIMEOUT,
  );

  it(
    'a stored title, typed with syntax around it, still finds its paper',
    () =>
      titleWithSyntaxFindsPaper(
        () => store,
        ['', '"', '(', '*', 'NEAR(', '^', '-- ', '“'],
        ['', '"', ')', '*', ':', ')^', '”'],
        60,
      ),
    TIMEOUT,
  );
});

const available = await postgresAvailable();
const pgSuite = available.ok ? describe : describe.skip;

// Without a reachable server the block is reported as skipped, with the reason in its name.
pgSuite(
  available.ok ? 'PostgreSQL search on arbitrary text' : `PostgreSQL search: skipped, ${available.reason}`,
  () => {
    let store: PostgresStore;
    beforeAll(async () => {
      store = await PostgresStore.open(await migratedDatabase());
      await store.upsertPapers(STORED);
    });
    afterAll(async () => {
      await store?.close();
      await dropThrowawayDatabases();
    });

    it(
      'store.search never throws and returns only stored papers',
      () => searchNeverThrows(() => store, 200),
      TIMEOUT,
    );

    it(
      'a stored title, typed with syntax around it, still finds its paper',
      () =>
        titleWithSyntaxFindsPaper(
          () => store,
          ['', '"', '(', '!', '&', ':*', "'"],
          ['', '"', ')', ':*', '|', '<->'],
          20,
        ),
      TIMEOUT,
    );
  },
);
