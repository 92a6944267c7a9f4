import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from './postgres-db.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;

function paper(i: number, title: string, abstract: string): Paper {
  const id = `2402.${String(10000 + i)}`;
  return {
    id,
    arxivId: id,
    title,
    abstract,
    authors: [`Author ${i % 5}`],
    authorCount: 1,
    organization: null,
    publishedAt: '2025-01-01',
    feedDate: '2025-01-01',
    upvotes: 0,
    comments: null,
  };
}

const filler = (n: number, seed: number) =>
  Array.from({ length: n }, (_, k) => `w${(seed * 7 + k) % 40}x`).join(' ');

/**
 * "diffusion" in every paper. Its best single-word scores go to papers holding it often but never twice in a
 * row; papers whose title says "diffusion diffusion" hold it less for their length, so they sit below a
 * short list's depth although they are the best matches of the phrase. Some papers also hold "survey",
 * many of them among the best for "diffusion".
 */
function archive(): Paper[] {
  const out: Paper[] = [];
  let i = 0;
  for (let k = 0; k < 12; k++)
    out.push(
      paper(
        i++,
        `Diffusion study ${k}`,
        `diffusion a diffusion b diffusion c ${filler(k, k)} ${k % 3 ? 'survey' : ''}`,
      ),
    );
  for (let k = 0; k < 4; k++)
    out.push(
      paper(
        i++,
        `Diffusion note ${k}`,
        `diffusion diffusion then diffusion d diffusion e survey ${filler(k + 1, k)}`,
      ),
    );
  for (let k = 0; k < 5; k++)
    out.push(paper(i++, `Diffusion diffusion ${k}`, `${filler(40 + 10 * k, k)} diffusion`));
  for (let k = 0; k < 2; k++)
    out.push(paper(i++, 'Diffusion diffusion', `diffusion diffusion ${filler(k, k)}`));
  for (let k = 0; k < 30; k++)
    out.push(paper(i++, `Paper ${k}`, `${filler(5 + k, k)} diffusion ${k % 4 === 0 ? 'survey' : ''}`));
  return out;
}

suite(
  available.ok
    ? 'PostgreSQL search from a word list, only when the list proves its answer'
    : `PostgreSQL search from a word list: skipped, ${available.ok || available.reason}`,
  () => {
    let fast: PostgresStore;
    let exact: PostgresStore;

    beforeAll(async () => {
      const url = await migratedDatabase();
      fast = await PostgresStore.open(url, { search: { exactLimit: 3, listSize: 6 } });
      exact = await PostgresStore.open(url, { search: { exactLimit: Number.POSITIVE_INFINITY } });
      await fast.upsertPapers(archive());
    });

    afterAll(async () => {
      await fast?.close();
      await exact?.close();
      await dropThrowawayDatabases();
    });

    const ranked = async (store: PostgresStore, text: string, limit: number) => {
      const parsed = parseSearchQuery(text);
      if (!parsed.ok) throw new Error(parsed.error);
      return (await store.search(parsed.query, limit)).map((h) => [h.paper.id, h.relevance.toFixed(6)]);
    };

    it('ranks a one-word phrase, a word with exclusions, and the word alone as scoring every match does', async () => {
      const queries = [
        'diffusion',
        '"diffusion diffusion"',
        'diffusion -survey',
        'diffusion -survey -study',
        'diffusion -note',
        '"diffusion diffusion" -survey',
        'diffusion diffusion',
      ];
      const ways = new Set<string>();
      for (const text of queries) {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        expect((await fast.planSearch(parsed.query)).kind, text).toBe('lists');
        for (const limit of [1, 2, 3, 4, 5, 6, 8, 10, 20]) {
          expect(await ranked(fast, text, limit), `${text}, ${limit}`).toEqual(
            await ranked(exact, text, limit),
          );
          ways.add(`${text} ${limit} ${await fast.searchWay(parsed.query, limit)}`);
        }
      }
      // Both ways were taken: the list proved the answers it holds enough of (a word with exclusions, while
      // the list's papers without them last); the others were ranked by scoring every match. A phrase's
      // scores stand far below its word's, so its list proves nothing (the bound's looseness, measured).
      expect(ways).toContain('diffusion 6 lists');
      expect(ways).toContain('diffusion -survey 5 lists');
      expect(ways).toContain('diffusion -survey 6 exact');
      expect(ways).toContain('diffusion -survey -study 4 lists');
      expect(ways).toContain('"diffusion diffusion" 1 exact');
    });

    it('still answers from the list when it proves the answer, as papers arrive', async () => {
      await fast.upsertPapers([paper(900, 'Diffusion diffusion diffusion', 'diffusion diffusion')]);
      for (const text of ['diffusion', '"diffusion diffusion"', 'diffusion -survey'])
        for (const limit of [1, 3, 10])
          expect(await ranked(fast, text, limit), `${text}, ${limit}`).toEqual(
            await ranked(exact, text, limit),
          );
    });

    it('ranks every one-word query with exclusions over varied papers as scoring every match does', async () => {
      // Papers of a few words in varied order, counts and fields (a fixed sequence, no randomness).
      const vocab = ['alpha', 'beta', 'gamma', 'delta'];
      let seed = 12345;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const words = (n: number) =>
        Array.from({ length: n }, () => (next(3) === 0 ? `f${next(50)}x` : vocab[next(4)])).join(' ');
      await fast.upsertPapers(
        Array.from({ length: 120 }, (_, k) => paper(1000 + k, words(1 + next(6)), words(2 + next(40)))),
      );
      let fromLists = 0;
      const queries = vocab.flatMap((a) => [
        a,
        `"${a} ${a}"`,
        ...vocab.filter((b) => b !== a).flatMap((b) => [`${a} -${b}`, `"${a} ${a}" -${b}`]),
        ...vocab
          .filter((b) => b !== a)
          .map(
            (b) =>
              `${a} ${vocab
                .filter((c) => c !== a && c !== b)
                .map((c) => `-${c}`)
                .join(' ')}`,
          ),
      ]);
      for (const text of queries) {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        for (const limit of [1, 2, 3, 5, 8, 13]) {
          expect(await ranked(fast, text, limit), `${text}, ${limit}`).toEqual(
            await ranked(exact, text, limit),
          );
          if ((await fast.searchWay(parsed.query, limit)) === 'lists') fromLists++;
        }
      }
      expect(fromLists).toBeGreaterThan(20);
    });
  },
);

suite(
  available.ok
    ? 'PostgreSQL search from a long word list, read shallow first'
    : `PostgreSQL search from a long word list: skipped, ${available.ok || available.reason}`,
  () => {
    let fast: PostgresStore;
    let exact: PostgresStore;

    beforeAll(async () => {
      const url = await migratedDatabase();
      // A list long enough (300) that a search reads its first 100 entries before the rest.
      fast = await PostgresStore.open(url, { search: { exactLimit: 3, listSize: 300 } });
      exact = await PostgresStore.open(url, { search: { exactLimit: Number.POSITIVE_INFINITY } });
      // "kappa" three times in 110 papers that also hold "omega", once in 150 that do not; fillers of
      // different lengths keep every paper's score apart.
      await fast.upsertPapers([
        ...Array.from({ length: 110 }, (_, k) =>
          paper(2000 + k, `Report ${k}`, `kappa kappa kappa omega ${filler(k, k)}`),
        ),
        ...Array.from({ length: 150 }, (_, k) => paper(3000 + k, `Note ${k}`, `kappa ${filler(k, k + 7)}`)),
      ]);
    });

    afterAll(async () => {
      await fast?.close();
      await exact?.close();
      await dropThrowawayDatabases();
    });

    it('reads the rest of the list when its first entries cannot prove the answer, and answers from it', async () => {
      for (const text of [
        'kappa -omega',
        'kappa -zeta',
        'kappa -omega -w3x',
        '"kappa kappa"',
        '"kappa kappa" -omega',
      ]) {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        for (const limit of [1, 5, 10]) {
          const got = (await fast.search(parsed.query, limit)).map((h) => [h.paper.id, h.relevance]);
          const want = (await exact.search(parsed.query, limit)).map((h) => [h.paper.id, h.relevance]);
          expect(got, `${text}, ${limit}`).toEqual(want);
          // Every paper among the first 100 holds "omega": only the whole list proves `kappa -omega`. (A
          // phrase of the word repeated scores below the word alone, so its list may prove nothing.)
          if (!text.startsWith('"'))
            expect(await fast.searchWay(parsed.query, limit), `${text}, ${limit}`).toBe('lists');
        }
      }
    });

    it("does not take a shallow read's answer when a paper further down the list scores higher for the query", async () => {
      // "lambda" six times apart in 95 papers and six times with one pair side by side in 10: the first 105
      // of its list. Then 30 short papers saying "lambda lambda" once: lower for the word alone, so further
      // down the list, but higher for the phrase, being shorter. A read of the first 100 entries finds the
      // 10 weak phrase matches; only the bound at that depth (the 101st entry) keeps it from answering.
      const apart = (k: number) => `lambda a${k}x lambda b lambda c lambda d lambda e lambda`;
      await fast.upsertPapers([
        ...Array.from({ length: 95 }, (_, k) => paper(4000 + k, `Apart ${k}`, apart(k))),
        ...Array.from({ length: 10 }, (_, k) =>
          paper(4100 + k, `Weak ${k}`, `lambda a${k}y lambda b lambda c lambda d lambda lambda`),
        ),
        ...Array.from({ length: 30 }, (_, k) =>
          paper(4200 + k, `Strong ${k}`, `lambda lambda ${filler(1 + (k % 3), k)}`),
        ),
      ]);
      const parsed = parseSearchQuery('"lambda lambda"');
      if (!parsed.ok) throw new Error(parsed.error);
      for (const limit of [1, 5, 10]) {
        const got = (await fast.search(parsed.query, limit)).map((h) => [h.paper.id, h.relevance]);
        const want = (await exact.search(parsed.query, limit)).map((h) => [h.paper.id, h.relevance]);
        expect(got, String(limit)).toEqual(want);
        // The best phrase matches are the short papers, below the shallow read.
        expect(got.every(([id]) => Number(String(id).slice(-5)) >= 14200)).toBe(true);
      }
    });
  },
);
