import { describe, expect, it } from 'vitest';
import { ColumnCache } from '../../src/store/sqlite/column-cache.ts';
import {
  type ColumnMemory,
  type ColumnPostings,
  columnMemoryBytes,
} from '../../src/store/sqlite/word-columns.ts';

/** Postings of a column `papers` long for word `id`: rowids and f both derived from id, so a column
 * overwritten by another's bytes is caught. */
const postingsOf = (id: number, papers: number) =>
  Array.from({ length: papers }, (_, i) => [id * 100_000 + 3 * i, 1 + ((id + i) % 200)]);

/** A `read` for ColumnCache.load that fills the memory it is given, as readColumn does; counts its calls. */
function reader(papers: number, reads: number[]) {
  return (id: number) =>
    (memory: ColumnMemory): ColumnPostings => {
      reads.push(id);
      const c = memory(papers, true);
      for (const [i, [rowid, f]] of postingsOf(id, papers).entries()) {
        c.rowids[i] = rowid as number;
        c.f[i] = f as number;
      }
      return c;
    };
}

const rows = (c: ColumnPostings | undefined) => (c ? [...c.rowids].map((r, i) => [r, c.f[i]]) : []);

describe('the column cache', () => {
  const papers = 1_000;
  const one = columnMemoryBytes(papers, true);

  it('keeps columns for later searches, and drops the oldest first when its buffer is full', () => {
    const reads: number[] = [];
    const read = reader(papers, reads);
    // Room for three columns.
    const cache = new ColumnCache(3 * one, () => 3 * one);
    for (const id of [1, 2, 3]) {
      cache.startSearch();
      expect(rows(cache.load(id, read(id)))).toEqual(postingsOf(id, papers));
    }
    cache.startSearch();
    expect(rows(cache.get(1))).toEqual(postingsOf(1, papers));
    expect(reads).toEqual([1, 2, 3]);
    // A fourth goes where the first was.
    cache.startSearch();
    expect(rows(cache.load(4, read(4)))).toEqual(postingsOf(4, papers));
    expect(cache.has(1)).toBe(false);
    for (const id of [2, 3, 4]) expect(rows(cache.get(id))).toEqual(postingsOf(id, papers));
  });

  it('never overwrites a column the running search took, and still gives the new one', () => {
    const reads: number[] = [];
    const read = reader(papers, reads);
    const cache = new ColumnCache(2 * one, () => 2 * one);
    cache.startSearch();
    const first = cache.load(1, read(1));
    const second = cache.load(2, read(2));
    // Same search: a third column would land on the first, so it gets memory of its own, not kept.
    const third = cache.load(3, read(3));
    expect(rows(third)).toEqual(postingsOf(3, papers));
    expect(rows(first)).toEqual(postingsOf(1, papers));
    expect(rows(second)).toEqual(postingsOf(2, papers));
    expect(cache.has(3)).toBe(false);
    // The next search may drop the first for it.
    cache.startSearch();
    expect(rows(cache.load(3, read(3)))).toEqual(postingsOf(3, papers));
    expect(cache.has(3)).toBe(true);
    expect(cache.has(1)).toBe(false);
    expect(rows(cache.get(2))).toEqual(postingsOf(2, papers));
  });

  it('gives a column larger than its buffer memory of its own, and keeps the others', () => {
    const reads: number[] = [];
    const cache = new ColumnCache(2 * one, () => 2 * one);
    cache.startSearch();
    cache.load(1, reader(papers, reads)(1));
    cache.startSearch();
    const big = cache.load(9, reader(5 * papers, reads)(9));
    expect(rows(big)).toEqual(postingsOf(9, 5 * papers));
    expect(cache.has(9)).toBe(false);
    expect(rows(cache.get(1))).toEqual(postingsOf(1, papers));
  });

  it('refuses a read that asks for memory twice, which would leave its first region unguarded', () => {
    const cache = new ColumnCache(4 * one, () => 4 * one);
    cache.startSearch();
    expect(() =>
      cache.load(7, (memory) => {
        memory(papers, true);
        return memory(papers, true);
      }),
    ).toThrow('once');
    expect(cache.has(7)).toBe(false);
  });

  it('keeps nothing for a read that fails or finds no column', () => {
    const cache = new ColumnCache(4 * one, () => 4 * one);
    cache.startSearch();
    expect(() =>
      cache.load(5, (memory) => {
        memory(papers, true);
        throw new Error('damaged');
      }),
    ).toThrow('damaged');
    expect(cache.load(6, () => undefined)).toBeUndefined();
    expect(cache.has(5)).toBe(false);
    expect(cache.has(6)).toBe(false);
  });

  it('drops every column when cleared, and takes a larger buffer once the archive has more columns', () => {
    const reads: number[] = [];
    const read = reader(papers, reads);
    let wanted = one;
    const cache = new ColumnCache(8 * one, () => wanted);
    cache.startSearch();
    cache.load(1, read(1));
    cache.startSearch();
    cache.load(2, read(2));
    // A buffer taken for one column (and a quarter) holds one at a time.
    expect(cache.has(1)).toBe(false);
    // Cleared before the archive grows (a build clears, then writes the new columns): the size is decided
    // when the buffer is next needed, not when it was cleared.
    cache.clear();
    expect(cache.has(2)).toBe(false);
    wanted = 4 * one;
    for (const id of [1, 2, 3]) {
      cache.startSearch();
      cache.load(id, read(id));
    }
    for (const id of [1, 2, 3]) expect(rows(cache.get(id))).toEqual(postingsOf(id, papers));
  });
});
