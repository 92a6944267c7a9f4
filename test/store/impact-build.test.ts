import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPapers, syntheticPapers } from '../../bench/synthetic.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { BestImpacts } from '../../src/store/sqlite/best-impacts.ts';
import { impact } from '../../src/store/sqlite/bm25.ts';
import { listEntries } from '../../src/store/sqlite/list-blocks.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { unicodePapers } from './unicode-papers.ts';

/** Everything a build writes, in key order. */
function built(store: SqliteStore): unknown[][][] {
  const db = store.rawDatabase;
  return [
    db.prepare('SELECT * FROM impact_terms ORDER BY id').raw().all(),
    // Each list's entries, whatever their layout (list-blocks.ts).
    (db.prepare('SELECT id FROM impact_terms ORDER BY id').pluck().all() as number[]).flatMap((id) =>
      listEntries(db, id).map((e) => [id, ...e]),
    ),
    db.prepare('SELECT * FROM impact_docs ORDER BY paper_rowid').raw().all(),
    db.prepare('SELECT * FROM impact_columns ORDER BY term_id, first_rowid').raw().all(),
    db.prepare('SELECT synced FROM impact_state').raw().all(),
  ] as unknown[][][];
}

/**
 * Each table's row count and a digest of its values, blobs byte for byte: comparing megabytes of rows
 * value by value took most of each test's time, near its timeout on two loaded cores.
 */
function fingerprint(tables: unknown[][][]): string[] {
  return tables.map((rows) => {
    const hash = createHash('sha256');
    for (const row of rows)
      for (const v of row) {
        if (v instanceof Uint8Array) hash.update(`b${v.length}:`).update(v);
        else hash.update(`${typeof v}:${String(v)}`);
        hash.update('\0');
      }
    return `${rows.length} rows ${hash.digest('hex')}`;
  });
}

describe('impact lists built with the papers counted on other threads', () => {
  let dir: string;
  let expected: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-impact-build-'));
    const store = SqliteStore.open(join(dir, 'a.db'), {
      impact: { minDf: 60, listSize: 40, buildThreads: 0 },
    });
    try {
      // Rowids with gaps, so pages of the rowid range are uneven and some empty.
      await store.upsertPapers([...syntheticPapers(3200, 7), ...unicodePapers]);
      store.rawDatabase.prepare('DELETE FROM papers WHERE rowid BETWEEN 1200 AND 2300').run();
      await store.refreshSearchLists();
      expected = fingerprint(built(store));
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 3])(
    'writes the same lists, θ, forward rows and word columns with %i counting threads',
    async (threads) => {
      const store = SqliteStore.open(join(dir, 'a.db'), {
        impact: { minDf: 60, listSize: 40, buildThreads: threads, buildThreadsFrom: 0 },
      });
      try {
        await store.refreshSearchLists();
        const got = built(store);
        expect((got[1] as unknown[]).length).toBeGreaterThan(1000);
        expect((got[3] as unknown[]).length).toBeGreaterThan(10);
        expect(fingerprint(got)).toEqual(expected);
      } finally {
        await store.close();
      }
    },
  );
});

describe('a list built where papers tie', () => {
  it('keeps the lowest rowids among equal impacts, though a page counts its non-ASCII papers last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-impact-ties-'));
    const store = SqliteStore.open(join(dir, 'a.db'), {
      impact: { minDf: 10, listSize: 2, buildThreads: 0 },
    });
    try {
      // Papers alike but for one two-letter title word, so every paper's f for "graph" and its D are the
      // same: the first written (lowest rowid) has the non-ASCII one, which the build counts after the rest.
      const base = realPapers()[0] as Paper;
      const paper = (i: number, word: string): Paper => ({
        ...base,
        id: `2698.000${10 + i}`,
        arxivId: `2698.000${10 + i}`,
        title: `Graph study ${word}`,
      });
      await store.upsertPapers([paper(0, 'bé')]);
      await store.upsertPapers(
        Array.from({ length: 26 }, (_, i) => paper(i + 1, `q${String.fromCharCode(97 + i)}`)),
      );
      await store.refreshSearchLists();
      const db = store.rawDatabase;
      const rowidOf = (id: string) => db.prepare('SELECT rowid FROM papers WHERE id = ?').pluck().get(id);
      const graph = db.prepare("SELECT id FROM impact_terms WHERE term = 'graph'").pluck().get() as number;
      const list = listEntries(db, graph).map(([rowid]) => rowid);
      expect(list).toEqual([rowidOf('2698.00010'), rowidOf('2698.00011')]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a list's heap during a build", () => {
  it('keeps the best entries by g then rowid, widening f and D past 2 bytes, and gives g back bit for bit', () => {
    const avgdl = 173.25;
    const entries: [number, number, number][] = [];
    for (let rowid = 1; rowid <= 500; rowid++)
      entries.push([rowid, 1 + ((rowid * 7) % 40), 20 + ((rowid * 13) % 400)]);
    // Past 2 bytes, late, once the heap is full: f and D, and a tie on g with a lower rowid.
    entries.push([501, 70_000, 90_000], [502, 3, 100_000], [503, 200_000, 5], [504, 0.5, 12]);
    entries.push([600, 40, 20], [7, 40, 20]);
    const heap = new BestImpacts(50, avgdl, false);
    for (const [rowid, f, d] of entries) heap.offer(impact(f, d, avgdl), rowid, f, d);
    const { at, g } = heap.ranked();
    const got = at.map((slot) => [heap.rowidAt(slot), heap.fAt(slot), heap.dAt(slot), g[slot]]);
    const byRowid = new Map(entries.map((e) => [e[0], e]));
    const expected = [...byRowid.values()]
      .map(([rowid, f, d]) => [rowid, f, d, impact(f, d, avgdl)] as const)
      .sort((a, b) => b[3] - a[3] || a[0] - b[0])
      .slice(0, 50);
    expect(got).toEqual(expected);
    expect(got.map((e) => e[0])).toContain(503);
  });

  it('keeps the best of a run of offers in random order, at every point it is read (its floor kept current)', () => {
    const avgdl = 150;
    // mulberry32: a seeded generator whose low bits are as random as its high ones.
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    // Offered in shuffled rowid order: a build meets a page's other papers after its ASCII ones, so a tie
    // with the floor may come with a lower rowid, and must then win. Two runs: g spread wide, and g of nine
    // values only, so most offers tie someone, the floor included.
    const run = (entry: (rowid: number) => [number, number, number]) => {
      const entries = Array.from({ length: 1500 }, (_, i) => entry(i + 1));
      for (let i = entries.length - 1; i > 0; i--) {
        const j = next(i + 1);
        [entries[i], entries[j]] = [
          entries[j] as [number, number, number],
          entries[i] as [number, number, number],
        ];
      }
      return entries;
    };
    const runs = [
      run((rowid) => [rowid, 1 + next(30), 10 + next(600)]),
      run((rowid) => [rowid, 1 + next(3), 100 * (1 + next(3))]),
    ];
    for (const entries of runs)
      for (const cap of [1, 2, 7, 50, 300]) {
        const heap = new BestImpacts(cap, avgdl, false);
        // The best `cap` so far, kept sorted by hand: whenever it is read, the list must hold exactly these.
        const best: { rowid: number; g: number }[] = [];
        for (const [n, [rowid, f, d]] of entries.entries()) {
          const g = impact(f, d, avgdl);
          heap.offer(g, rowid, f, d);
          best.push({ rowid, g });
          best.sort((a, b) => b.g - a.g || a.rowid - b.rowid);
          best.length = Math.min(best.length, cap);
          // Checked now and then, so the list also runs long stretches on its own between checks.
          if (n % 37 !== 36 && n !== entries.length - 1) continue;
          const { at } = heap.ranked();
          expect(at.map((slot) => heap.rowidAt(slot))).toEqual(best.map((e) => e.rowid));
        }
      }
  });
});

describe("a list's floor, tied", () => {
  it('lets a paper that ties the floor in, over the later rowid it ties, when it comes after it', () => {
    // One page's ASCII papers 10-18, then its other paper 3: every g the same.
    const heap = new BestImpacts(1, 100, false);
    const floors: number[] = [];
    for (const rowid of [10, 11, 12, 13, 14, 15, 16, 17, 18, 3])
      floors.push(heap.offer(impact(2, 100, 100), rowid, 2, 100));
    const { at } = heap.ranked();
    expect(at.map((slot) => heap.rowidAt(slot))).toEqual([3]);
    // The floor it hands back is the g to reach: an equal g still goes by rowid.
    expect(floors.at(-1)).toBe(impact(2, 100, 100));
  });
});

describe('two-word phrases found from a sample of the papers', () => {
  it('lists only pairs it then counted in every paper: the same lists as a build that read them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-impact-pairs-'));
    const lists = async (impact: Record<string, number>) => {
      const store = SqliteStore.open(join(dir, 'a.db'), {
        impact: { minDf: 60, listSize: 40, buildThreads: 0, ...impact },
      });
      try {
        await store.refreshSearchLists();
        const db = store.rawDatabase;
        const terms = db
          .prepare("SELECT id, term, df, theta, size FROM impact_terms WHERE term LIKE '% %'")
          .all() as { id: number; term: string; df: number; theta: number; size: number }[];
        return new Map(
          terms.map((t) => [
            t.term,
            { df: t.df, theta: t.theta, size: t.size, entries: listEntries(db, t.id) },
          ]),
        );
      } finally {
        await store.close();
      }
    };
    try {
      const store = SqliteStore.open(join(dir, 'a.db'));
      await store.upsertPapers(syntheticPapers(2500, 5));
      await store.close();
      // Every pair of listed words held by at least one paper, each counted in every paper.
      const every = await lists({ shortMinDf: 1, shortListSize: 20 });
      // Pairs held by about 30 papers, estimated from 1,000 of the 2,500.
      const sampled = await lists({ shortMinDf: 30, pairSample: 1000, shortListSize: 20 });
      expect(sampled.size).toBeGreaterThan(10);
      expect(sampled.size).toBeLessThan(every.size);
      for (const [term, list] of sampled) {
        expect(list.df, term).toBeGreaterThan(0);
        expect(list, term).toEqual(every.get(term));
      }
      // Mostly the pairs a full count puts at 30 papers or more.
      const counted = [...every].filter(([, l]) => l.df >= 30).map(([t]) => t);
      const found = counted.filter((t) => sampled.has(t)).length;
      expect(found / counted.length).toBeGreaterThan(0.8);
      // Capped, the most common pairs are the ones listed, each list the same as uncapped (no
      // abbreviations' long forms, which are listed as phrases too, whatever the cap).
      const pairs = await lists({ shortMinDf: 1, shortListSize: 20, abbreviationPhrases: 0 });
      const capped = await lists({ shortMinDf: 1, shortListSize: 20, abbreviationPhrases: 0, maxPairs: 15 });
      expect(pairs.size).toBeGreaterThan(30);
      expect(capped.size).toBe(15);
      const least = Math.min(...[...capped.values()].map((l) => l.df));
      for (const [term, list] of pairs) {
        if (capped.has(term)) expect(capped.get(term), term).toEqual(list);
        else expect(list.df, term).toBeLessThanOrEqual(least);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
