import { describe, expect, it } from 'vitest';
import { bm25Score } from '../../src/store/sqlite/bm25.ts';
import type { MatchPlan } from '../../src/store/sqlite/match-plan.ts';
import {
  columnTopK,
  columnWords,
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

  it('ranks every paper that matches, by bm25, best first and ties by rowid, within k', () => {
    // Two required words and an excluded one; papers 1-40.
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
    const { hits } = columnTopK(plan, [a, b, x], idfs, 110, 5);
    // The same from first principles: every odd paper but 5 and 21, scored, sorted.
    const expected = Array.from({ length: 20 }, (_, i) => 2 * i + 1)
      .filter((r) => r !== 5 && r !== 21)
      .map((rowid) => {
        const i = rowid - 1;
        const fa = 1 + (i % 3);
        const fb = 1 + (((rowid - 1) / 2) % 2);
        return { rowid, relevance: bm25Score(idfs, [fa, fb, 0], 100 + i, 110) };
      })
      .sort((p, q) => q.relevance - p.relevance || p.rowid - q.rowid)
      .slice(0, 5);
    expect(hits).toEqual(expected);
    // Any of the words, not excluded: the union of both columns.
    const any = columnTopK({ ...plan, mode: 'any' }, [a, b, x], idfs, 110, 100);
    expect(any.hits.map((h) => h.rowid).sort((p, q) => p - q)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1).filter((r) => r !== 5 && r !== 21),
    );
  });
});
