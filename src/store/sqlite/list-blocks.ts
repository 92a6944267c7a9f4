import type Database from 'better-sqlite3';
import { impact } from './bm25.ts';

/**
 * A list's entries as a build writes them: packed into blocks of about a page each (impact_blocks,
 * migration 23), in the list's order (g descending, then rowid), instead of a row each in impact_postings.
 * Writing 14.6 million entries as rows took a million-paper build 10-13 s, one SQLite row (five bound
 * values) an entry; as blocks it is the encoding's time and 30,000 blobs (bench/RUNS.md, "Run 64"), and
 * the lists take 8 bytes an entry on disk instead of 27.
 *
 * Blocks are written once and never changed. What changes a list afterwards keeps working on rows, as it
 * always has: new entries go to the list's recent part (impact_postings under the negated id), and the
 * rare change that must remove or cut an entry (a paper's text changed, a list cut back: trim) first turns
 * the list's blocks into rows under its id ({@link ListBlocks.toRows}), so a list is blocks, rows under its
 * id, and rows under its negated id, read merged in impact order; an archive built before the blocks is
 * rows alone and is read as before.
 *
 * An entry holds the paper's rowid, f and D; g is computed again from them under the avgdl the build used
 * (kept in the block's header), the same arithmetic on the same values as the build's, so the same bits.
 */

/** Bytes of a block's header: its format (1 byte) and the avgdl its entries' g are computed with (8). */
const HEADER = 9;
/** Narrow: rowid in 4 bytes, f and D in 2 each. Wide (a rowid past 2³² − 1, an f or D past 2¹⁶ − 1): doubles. */
const NARROW = 1;
const WIDE = 2;
const NARROW_BYTES = 8;
const WIDE_BYTES = 24;
/**
 * A block's entries, so it fits one 4 KiB page's cell (at most 4,061 bytes of a table leaf's payload): a
 * block read is a page read, with no overflow page behind it.
 */
const BLOCK_BYTES = 3840;

/** A list's entries in its order: parallel arrays, rowid, f and D as the build kept them. */
export interface ListEntries {
  rowid: ArrayLike<number>;
  f: ArrayLike<number>;
  d: ArrayLike<number>;
  length: number;
}

/** One decoded block: its entries with their g. */
interface Block {
  rowid: Float64Array;
  g: Float64Array;
  f: Float64Array;
  d: Float64Array;
}

function fitsNarrow(e: ListEntries): boolean {
  for (let i = 0; i < e.length; i++) {
    const rowid = e.rowid[i] as number;
    const f = e.f[i] as number;
    const d = e.d[i] as number;
    if (rowid > 0xffff_ffff || f > 0xffff || d > 0xffff) return false;
    if (!Number.isInteger(rowid) || !Number.isInteger(f) || !Number.isInteger(d)) return false;
  }
  return true;
}

/** The blocks of a list (entries in its order) whose g were computed under `avgdl`. */
export function encodeBlocks(e: ListEntries, avgdl: number): Buffer[] {
  const narrow = fitsNarrow(e);
  const size = narrow ? NARROW_BYTES : WIDE_BYTES;
  const perBlock = Math.floor(BLOCK_BYTES / size);
  const blocks: Buffer[] = [];
  for (let from = 0; from < e.length; from += perBlock) {
    const n = Math.min(perBlock, e.length - from);
    const out = Buffer.allocUnsafe(HEADER + n * size);
    out[0] = narrow ? NARROW : WIDE;
    out.writeDoubleLE(avgdl, 1);
    for (let i = 0, at = HEADER; i < n; i++, at += size) {
      const k = from + i;
      if (narrow) {
        out.writeUInt32LE(e.rowid[k] as number, at);
        out.writeUInt16LE(e.f[k] as number, at + 4);
        out.writeUInt16LE(e.d[k] as number, at + 6);
      } else {
        out.writeDoubleLE(e.rowid[k] as number, at);
        out.writeDoubleLE(e.f[k] as number, at + 8);
        out.writeDoubleLE(e.d[k] as number, at + 16);
      }
    }
    blocks.push(out);
  }
  return blocks;
}

/** Thrown for a block this version cannot read (a newer format): the list is not to be trusted. */
export class BlockFormatError extends Error {}

export function decodeBlock(blob: Buffer): Block {
  const format = blob[0];
  const size = format === NARROW ? NARROW_BYTES : format === WIDE ? WIDE_BYTES : 0;
  if (size === 0 || blob.length < HEADER || (blob.length - HEADER) % size !== 0)
    throw new BlockFormatError(`an impact list block of format ${format} and ${blob.length} bytes`);
  const avgdl = blob.readDoubleLE(1);
  const n = (blob.length - HEADER) / size;
  const block: Block = {
    rowid: new Float64Array(n),
    g: new Float64Array(n),
    f: new Float64Array(n),
    d: new Float64Array(n),
  };
  for (let i = 0, at = HEADER; i < n; i++, at += size) {
    const narrow = format === NARROW;
    const rowid = narrow ? blob.readUInt32LE(at) : blob.readDoubleLE(at);
    const f = narrow ? blob.readUInt16LE(at + 4) : blob.readDoubleLE(at + 8);
    const d = narrow ? blob.readUInt16LE(at + 6) : blob.readDoubleLE(at + 16);
    block.rowid[i] = rowid;
    block.f[i] = f;
    block.d[i] = d;
    block.g[i] = impact(f, d, avgdl);
  }
  return block;
}

/** One entry of a list as search reads it: [rowid, g, f, D]. */
export type Entry = [number, number, number, number];

/**
 * A list's blocks read in order, one block at a time, from the first: `peek` is the next entry not yet
 * taken, `take` moves past it. Search takes entries strictly in the list's order, so no keyset is needed.
 */
export class BlockCursor {
  private block: Block | null = null;
  private next = 0;
  private at = 0;
  private ended = false;

  constructor(private readonly readBlock: (block: number) => Buffer | undefined) {}

  /** The next entry not yet taken, or null at the list's end (its blocks' end). */
  peek(): Entry | null {
    if (this.ended) return null;
    while (!this.block || this.at >= this.block.rowid.length) {
      const blob = this.readBlock(this.next);
      if (!blob) {
        this.ended = true;
        return null;
      }
      this.block = decodeBlock(blob);
      this.next++;
      this.at = 0;
    }
    const b = this.block;
    const i = this.at;
    return [b.rowid[i] as number, b.g[i] as number, b.f[i] as number, b.d[i] as number];
  }

  take(): void {
    this.at++;
  }
}

/** Whether entry a comes before entry b in a list's order (g descending, then rowid ascending). */
function before(a: Entry, b: Entry): boolean {
  return a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
}

/**
 * The next `n` entries of a list after those taken: the rows (read by the caller from the list's keyset,
 * already in order, at least `n` of them unless they ran out) merged with the blocks' next entries, whose
 * cursor moves past those taken.
 */
export function mergeNext(rows: readonly Entry[], blocks: BlockCursor, n: number): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  while (out.length < n) {
    const b = blocks.peek();
    const r = rows[i];
    if (!b && !r) break;
    if (r && (!b || before(r, b))) {
      out.push(r);
      i++;
    } else {
      out.push(b as Entry);
      blocks.take();
    }
  }
  return out;
}

/** The impact_blocks table, through the store's statement cache. */
export class ListBlocks {
  constructor(private readonly stmt: (sql: string) => Database.Statement) {}

  /** Writes a list's entries (in its order) as its blocks; g computed under `avgdl`. */
  write(termId: number, entries: ListEntries, avgdl: number): void {
    const insert = this.stmt('INSERT INTO impact_blocks (term_id, block, entries) VALUES (?, ?, ?)');
    for (const [i, blob] of encodeBlocks(entries, avgdl).entries()) insert.run(termId, i, blob);
  }

  /** A cursor over a list's blocks (none: a list of rows alone, read as before). */
  cursor(termId: number): BlockCursor {
    const read = this.stmt('SELECT entries FROM impact_blocks WHERE term_id = ? AND block = ?').pluck();
    return new BlockCursor((block) => read.get(termId, block) as Buffer | undefined);
  }

  /** Every entry in a list's blocks, in its order. */
  entries(termId: number): Entry[] {
    const out: Entry[] = [];
    const c = this.cursor(termId);
    for (let e = c.peek(); e; e = c.peek()) {
      out.push(e);
      c.take();
    }
    return out;
  }

  /** The ids of the lists held as blocks. */
  listed(): number[] {
    return this.stmt('SELECT DISTINCT term_id FROM impact_blocks').pluck().all() as number[];
  }

  /**
   * Turns a list's blocks into rows under its id (the layout before blocks), for a change that removes or
   * cuts entries: the rows' g are the blocks' own, bit for bit. Returns whether it had blocks.
   */
  toRows(termId: number): boolean {
    const entries = this.entries(termId);
    if (entries.length === 0) return false;
    const insert = this.stmt(
      'INSERT OR REPLACE INTO impact_postings (term_id, g, paper_rowid, f, d) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [rowid, g, f, d] of entries) insert.run(termId, g, rowid, f, d);
    this.stmt('DELETE FROM impact_blocks WHERE term_id = ?').run(termId);
    return true;
  }

  clear(): void {
    this.stmt('DELETE FROM impact_blocks').run();
  }
}

/**
 * Every entry of a list, both parts and its blocks, in its order ([rowid, g, f, D]): what tests and tools
 * compare a list by, whatever its layout.
 */
export function listEntries(db: Database.Database, termId: number): Entry[] {
  const rows = db
    .prepare('SELECT paper_rowid, g, f, d FROM impact_postings WHERE term_id IN (?, ?)')
    .raw()
    .all(termId, -termId) as Entry[];
  const blocks = new ListBlocks((sql) => db.prepare(sql)).entries(termId);
  return [...rows, ...blocks].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
