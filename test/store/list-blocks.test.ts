import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import { impact } from '../../src/store/sqlite/bm25.ts';
import {
  BlockCursor,
  BlockFormatError,
  decodeBlock,
  type Entry,
  encodeBlocks,
  mergeNext,
} from '../../src/store/sqlite/list-blocks.ts';

/** A list of `n` entries in its order (g descending, then rowid), g under `avgdl`. */
function list(n: number, avgdl: number, big = false): Entry[] {
  const random = rng(n);
  const entries: Entry[] = Array.from({ length: n }, (_, i) => {
    const f = 1 + Math.floor(random() * (big ? 100_000 : 40));
    const d = 20 + Math.floor(random() * (big ? 90_000 : 400));
    const rowid = (big ? 2 ** 33 : 1) + i * 7;
    return [rowid, impact(f, d, avgdl), f, d];
  });
  return entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

function blocksOf(entries: readonly Entry[], avgdl: number): Buffer[] {
  return encodeBlocks(
    {
      rowid: entries.map((e) => e[0]),
      f: entries.map((e) => e[2]),
      d: entries.map((e) => e[3]),
      length: entries.length,
    },
    avgdl,
  );
}

function readAll(blocks: readonly Buffer[]): Entry[] {
  const cursor = new BlockCursor((i) => blocks[i]);
  const out: Entry[] = [];
  for (let e = cursor.peek(); e; e = cursor.peek()) {
    out.push(e);
    cursor.take();
  }
  return out;
}

describe('impact list blocks', () => {
  it('give back every entry in order, g bit for bit, across blocks of a page each', () => {
    const avgdl = 187.31;
    const entries = list(1000, avgdl);
    const blocks = blocksOf(entries, avgdl);
    expect(blocks.length).toBe(3);
    for (const b of blocks) expect(b.length).toBeLessThanOrEqual(4061);
    // 8 bytes an entry where a row took 27.
    expect(blocks.reduce((n, b) => n + b.length, 0)).toBeLessThan(1000 * 8 + 3 * 16);
    expect(readAll(blocks)).toEqual(entries);
  });

  it('widen a list whose rowids pass 2³² − 1 or whose f or D pass 2¹⁶ − 1, losing nothing', () => {
    const avgdl = 40_000.5;
    const entries = list(300, avgdl, true);
    expect(readAll(blocksOf(entries, avgdl))).toEqual(entries);
  });

  it('refuse a block of a format this version does not know', () => {
    const [block] = blocksOf(list(5, 100), 100) as [Buffer];
    block[0] = 9;
    expect(() => decodeBlock(block)).toThrow(BlockFormatError);
    expect(() => decodeBlock(Buffer.alloc(3))).toThrow(BlockFormatError);
  });

  it('merge with the rows of a list in its order, chunk after chunk, each entry once', () => {
    const avgdl = 90;
    const all = list(700, avgdl);
    // Every third entry a row (read by keyset after the last taken), the rest in blocks.
    const rows = all.filter((_, i) => i % 3 === 0);
    const cursor = new BlockCursor(
      (i) =>
        blocksOf(
          all.filter((_, j) => j % 3 !== 0),
          avgdl,
        )[i],
    );
    const read: Entry[] = [];
    for (let chunk = 8; ; chunk = Math.min(chunk * 2, 128)) {
      const last = read.at(-1);
      const after = last ? rows.filter((r) => r[1] < last[1] || (r[1] === last[1] && r[0] > last[0])) : rows;
      const next = mergeNext(after.slice(0, chunk), cursor, chunk);
      read.push(...next);
      if (next.length < chunk) break;
    }
    expect(read).toEqual(all);
  });
});
