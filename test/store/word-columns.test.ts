import { describe, expect, it } from 'vitest';
import { bm25Score, impact, K1 } from '../../src/store/sqlite/bm25.ts';
import type { MatchPlan } from '../../src/store/sqlite/match-plan.ts';
import {
  blockMaxTopK,
  columnWords,
  completeFromColumns,
  decodeColumn,
  encodeColumn,
  type WordColumn,
  withChanges,
} from '../../src/store/sqlite/word-columns.ts';

/** A column from [rowid, f, D] postings. */
const column = (postings: [number, number, number][]): WordColumn => ({
  rowids: Uint32Array.from(postings.map((p) => p[0])),
  f: Uint16Array.from(postings.map((p) => p[1])),
  d: Uint32Array.from(postings.map((p) => p[2])),
});
const postings = (c: WordColumn) => [...c.rowids].map((r, i) => [r, c.f[i], c.d[i]]);

describe('word columns', () => {
  it('round-trips through its blob, whatever the alignment of the bytes it is read from', () => {
    const c = column([
      [1, 3, 120],
      [7, 65535, 4_000_000_000],
      [4_294_967_295, 1, 9],
    ]);
    const blob = encodeColumn(c);
    expect(blob.length).toBe(30);
    const shifted = Buffer.alloc(blob.length + 3);
    blob.copy(shifted, 3);
    expect(postings(decodeColumn(shifted.subarray(3)))).toEqual(postings(c));
  });

  it('merges the papers written since it was built: new, changed, and no longer holding the word', () => {
    const base = column([
      [2, 1, 10],
      [5, 2, 20],
      [9, 1, 30],
    ]);
    const merged = withChanges(base, [
      [1, 4, 11], // new, before every other
      [5, 0, 0], // no longer holds the word
      [9, 6, 31], // changed
      [12, 1, 40], // new, after every other
    ]);
    expect(postings(merged)).toEqual([
      [1, 4, 11],
      [2, 1, 10],
      [9, 6, 31],
      [12, 1, 40],
    ]);
    expect(withChanges(base, [])).toBe(base);
  });

  it('gives columns to the most common words first, within the budget of postings per paper', () => {
    const words = [
      { term: 'a', df: 900 },
      { term: 'b', df: 500 },
      { term: 'c', df: 450 },
      { term: 'd', df: 60 },
      { term: 'e', df: 40 },
    ];
    // 1,000 papers, 1.5 postings each: a (900) and b (500) fit, c would pass 1,500, d fits; e is too rare.
    expect(columnWords(words, 50, 1000, 1.5).map((w) => w.term)).toEqual(['a', 'b', 'd']);
    expect(columnWords(words, 50, 1000, 10).map((w) => w.term)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('completes a top k from the columns: the same papers as scoring every match, seen ones skipped', () => {
    // Two required words and an excluded one; papers 1-40 hold a, the odd ones b, 5 and 21 x.
    const a = column(
      Array.from({ length: 40 }, (_, i) => [i + 1, 1 + (i % 3), 100 + i] as [number, number, number]),
    );
    const b = column(
      Array.from({ length: 20 }, (_, i) => [2 * i + 1, 1 + (i % 2), 100 + 2 * i] as [number, number, number]),
    );
    const x = column([
      [5, 1, 104],
      [21, 2, 120],
    ]);
    const plan: MatchPlan = {
      phrases: [['a'], ['b'], ['x']],
      sources: [['a'], ['b'], ['x']],
      terms: [[0], [1]],
      excluded: [2],
      mode: 'all',
    };
    const idfs = [0.5, 1.5, 0];
    const avgdl = 110;
    const score = (rowid: number) =>
      bm25Score(idfs, [1 + ((rowid - 1) % 3), 1 + (((rowid - 1) / 2) % 2), 0], 99 + rowid, avgdl);
    const all = Array.from({ length: 20 }, (_, i) => 2 * i + 1)
      .filter((r) => r !== 5 && r !== 21)
      .map((rowid) => ({ rowid, relevance: score(rowid) }))
      .sort((p, q) => q.relevance - p.relevance || p.rowid - q.rowid);
    const topK = (seen: Set<number>, outside: number[], k: number) => {
      const hits: { rowid: number; relevance: number }[] = [];
      // What the lists scored (the papers in `seen`), then the columns.
      for (const rowid of seen) {
        const hit = all.find((h) => h.rowid === rowid);
        if (hit) hits.push(hit);
      }
      const kth = () => (hits.length >= k ? (hits[k - 1] as { relevance: number }).relevance : -1);
      const keep = (hit: { rowid: number; relevance: number }) => {
        hits.push(hit);
        hits.sort((p, q) => q.relevance - p.relevance || p.rowid - q.rowid);
        hits.length = Math.min(hits.length, k);
      };
      hits.sort((p, q) => q.relevance - p.relevance || p.rowid - q.rowid);
      hits.length = Math.min(hits.length, k);
      const scored = completeFromColumns(plan, [a, b, x], idfs, avgdl, outside, seen, kth, keep);
      return { hits, scored };
    };
    // Nothing seen, bounds no paper can reach (an impact is below k1 + 1): every match scored.
    const loose = topK(new Set(), [K1 + 1, K1 + 1, 0], 5);
    expect(loose.hits).toEqual(all.slice(0, 5));
    // The best three seen already; the bounds are the best impacts among the others: fewer scored, same top.
    const seen = new Set(all.slice(0, 3).map((h) => h.rowid));
    const best = (c: WordColumn) =>
      Math.max(
        ...[...c.rowids].flatMap((r, i) =>
          seen.has(r) ? [] : [impact(c.f[i] as number, c.d[i] as number, avgdl)],
        ),
      );
    const tight = topK(seen, [best(a), best(b), 0], 5);
    expect(tight.hits).toEqual(all.slice(0, 5));
    expect(tight.scored).toBeLessThan(loose.scored);
    // Block-max pruning over the columns alone: the same top k, for every k.
    for (const k of [1, 5, 17, 40])
      expect(blockMaxTopK(plan, [a, b, x], idfs, avgdl, k).hits).toEqual(all.slice(0, k));
    // Any of the words, less the excluded one: all 40 papers but 5 and 21, each looked up once.
    const kept: number[] = [];
    const looked = completeFromColumns(
      { ...plan, mode: 'any' },
      [a, b, x],
      idfs,
      avgdl,
      [K1 + 1, K1 + 1, 0],
      new Set(),
      () => -1,
      (hit) => kept.push(hit.rowid),
    );
    expect(looked).toBe(40);
    expect(kept.sort((p, q) => p - q)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1).filter((r) => r !== 5 && r !== 21),
    );
  });
});
