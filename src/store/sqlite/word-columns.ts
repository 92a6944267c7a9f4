import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { B, bm25Score, K1 } from './bm25.ts';
import {
  type LengthsTable,
  lengthsStamp,
  lengthsTableOnce,
  readLengthsTable,
  writeLengthsTable,
} from './lengths-table.ts';
import { type MatchPlan, matches } from './match-plan.ts';

/**
 * Word columns: every paper holding one of the archive's most common words, in rowid order, with the
 * word's f in it and the paper's D. What the impact lists (impact-lists.ts) do with them, all exact:
 * - several required words the threshold algorithm has not certified after two steps are finished by
 *   block-max pruning over their columns (`blockMaxTopK`, block-max.ts), seeded with its best papers;
 * - once loaded for several words, the columns replace forward rows as its random access ({@link lookUp});
 * - a query whose lists ran out, or whose abbreviation forms the lists leave uncertain after two steps, is
 *   finished from them ({@link completeFromColumns}).
 *
 * Why: the impact lists (impact-lists.ts) prove a top k from each word's best papers, and for two or three
 * very common words they often run out of list before they can (the best unread paper's bound stays a few
 * per cent above the k-th score), and FTS5 then ranks every match: hundreds of ms at a million papers.
 * Reading deeper lists costs a random forward-row lookup per candidate. A column holds a word's every
 * paper instead, read in one piece.
 *
 * Which words: those in at least a twentieth of the papers (FTS5's cost grows with the doclists it reads),
 * most common first, until the columns hold `budget` postings per paper in all (README.md, "Word columns").
 *
 * A column is stored in segments of up to 2·SEGMENT papers by rowid (impact_columns, one row each), each a
 * blob packed as narrow as its values allow ({@link encodeColumn}): about 2 bytes a paper as a build
 * writes it (its papers' D in the lengths table, lengths-table.ts), 4 with D, read back into
 * the arrays a search walks, about 5 bytes a paper, each paper's D kept once for every column
 * ({@link readColumn}, {@link PaperLengths}). Papers written since are
 * kept in impact_column_changes (one row per word and paper: its f and D now, f 0 when it no longer holds the
 * word), merged when the column is read, and folded into it once they are many; papers inserted since are
 * appended as small segments of their own (a write's new papers have the highest rowids), which a fold
 * merges into the segment before. So a fold rewrites the last segments, not the whole column.
 */
export interface WordColumn {
  rowids: Uint32Array;
  d: Uint32Array | Uint16Array;
  f: Uint16Array | Uint8Array;
}

/**
 * A column as a search holds it ({@link readColumn}): its papers' rowids and f, uint8 when every f fits.
 * Their D are not in it but in {@link PaperLengths}, by rowid: a paper's D is the same in every column, and
 * kept once it leaves 5 bytes a posting in memory against 7, so the column cache holds 40% more papers.
 */
export interface ColumnPostings {
  rowids: Uint32Array;
  f: Uint16Array | Uint8Array;
}

/** The highest rowid PaperLengths holds: 64 million papers, 128 MB of D (256 MB past 16 bits). */
export const MAX_LENGTHS_ROWID = 2 ** 26;

/**
 * Each paper's D by rowid, for the papers of the columns read since this was made: each read writes its
 * papers' D (its changes' last), so after it every paper it holds has its D now. A value is only read for a
 * paper of a column read since the archive last changed (the column cache is cleared then), so values
 * older than that, left for papers no such column holds, are never read.
 *
 * Segments a build wrote without D (their papers' D in the lengths table, lengths-table.ts) write nothing:
 * the table is read into the values first, at the first column read since the archive last changed
 * ({@link PaperLengths.forgetTable}) when it was written since it was last read, before that read or any
 * after it writes a change's D. The table holds
 * each paper's D as that build saw it; a paper changed since has a change row in every column holding it
 * (or was folded into a segment with D), so every column read that holds it writes its D now over the
 * table's. Read at any later point, the table would put back the old D of a changed paper.
 */
export class PaperLengths {
  /** uint16 until a D needs more. 2 bytes a paper at most, once the columns read cover every rowid. */
  values: Uint16Array | Uint32Array = new Uint16Array(0);
  /** The highest rowid of the lengths table as last read, and its stamp (lengths-table.ts). */
  private read: { last: number; stamp: Buffer | null } | undefined;
  /**
   * The rowids up to the table's last (as last read) it gives no D, ascending: papers without a forward
   * row, or none at all. No segment without D holds one (a build writes such segments only for papers
   * the table holds), so a segment can be checked against these few instead of paper by paper.
   */
  holes: Uint32Array = new Uint32Array(0);
  /** Whether the table is to be checked before the next column (the archive changed since). */
  private checked = false;

  /**
   * The archive changed (the column cache was cleared): before the next column the table's stamp is
   * checked, and the table read again if it was written since it was last read.
   */
  forgetTable(): void {
    this.checked = false;
  }

  /**
   * The lengths table read into the values, once for every time it was written, checked once since
   * forgetTable(); returns its highest rowid (0 when it is empty, -1 when it is damaged: then nothing of
   * it was written, a segment without D is not read, and columns holding their own D are, until a build
   * writes the table again). Not read again while its stamp is the same: the values it gave hold each
   * paper's D then or, for a paper changed since, its D now (a change row's, written over it).
   */
  table(stmt: Prepare): number {
    if (!this.checked || !this.read) {
      const stamp = lengthsStamp(stmt);
      if (!this.read || stamp === null || this.read.stamp === null || !stamp.equals(this.read.stamp)) {
        this.read = undefined;
        const last = readLengthsTable(stmt, (n, wide) => {
          this.reserve(n, wide);
          // Rowids the table skips (a stored row of zeros is left out) read as 0 here, not as whatever an
          // earlier read left: holes below are found from these values. Nothing written before this read
          // is read again (above).
          this.values.fill(0, 0, n + 1);
          return this.values;
        });
        this.holes = last === null ? new Uint32Array(0) : holesOf(this.values, last);
        this.read = { last: last ?? -1, stamp };
      }
      this.checked = true;
    }
    return this.read.last;
  }

  /**
   * Room for rowids up to `last`, and for D past 16 bits when `wide`; the values so far are kept. A rowid
   * past MAX_LENGTHS_ROWID is a ColumnFormatError: the array would take hundreds of MB (an archive's
   * rowids run from 1 without gaps, as papers are never deleted), so its column is searched without.
   */
  reserve(last: number, wide: boolean): void {
    if (last > MAX_LENGTHS_ROWID)
      throw new ColumnFormatError(
        `a word column holds rowid ${last}, past the ${MAX_LENGTHS_ROWID} kept in memory`,
      );
    const grow = last >= this.values.length;
    const widen = wide && this.values instanceof Uint16Array;
    if (!grow && !widen) return;
    // A quarter more than asked: a day's new papers then rarely copy the array again.
    const size = grow ? Math.max(last + 1, Math.ceil(this.values.length * 1.25)) : this.values.length;
    const next = wide || this.values instanceof Uint32Array ? new Uint32Array(size) : new Uint16Array(size);
    next.set(this.values);
    this.values = next;
  }
}

/**
 * A stored segment this version cannot read: its length is not what its header says (written by a
 * paperboy from before migration 18 after the archive was migrated, or damaged), or it holds no D and the
 * lengths table lacks one of its papers (or is damaged). The column is derived data: its word can do
 * without it (impact-lists.ts drops it), and a build writes it again.
 */
export class ColumnFormatError extends Error {}

/** f above this (a word hundreds of times in a title) leaves the word without a column. */
const MAX_F = 0xffff;
const MAX_U32 = 0xffff_ffff;
/** Bytes per posting in the layout before packing (migration 18): rowid and D (4 each), f (2). */
const UNPACKED_BYTES = 10;
/**
 * A packed segment's header: flags (1 byte), the bitmap's bytes (3 bytes, uint24; 0 without one), papers
 * (uint32), first rowid (uint32).
 */
const HEADER_BYTES = 12;
/**
 * Flags: rowids as uint16 gaps from the one before; D as uint16; f as uint8; rowids as uint8 gaps (a
 * segment sets at most one of the two gap flags). A version from before the uint8 gaps reads a segment
 * with them as not the length its header says (ColumnFormatError): its word is searched without a column.
 */
const NARROW_GAPS = 1;
const NARROW_D = 2;
const NARROW_F = 4;
const BYTE_GAPS = 8;
/** No D: the segment's papers' D are in the lengths table (lengths-table.ts), as the build that wrote it saw them. */
const NO_D = 16;
/**
 * Rowids as a bitmap, one bit for each rowid from the first on, written last: a word in more than an
 * eighth of the papers spends less on a bit per rowid than on a byte per paper (`model`, in 95% of them:
 * 8.6 KB a segment against 65.5). A version from before reads such a segment as not the length its header
 * says (ColumnFormatError), and searches its word without the column.
 */
const BITMAP = 32;
/** The most bytes a segment's bitmap can have: its size is a uint24 in the header. */
const MAX_BITMAP_BYTES = 0xff_ffff;
/** Papers per stored segment of a column as built; a fold splits a segment grown past twice this. */
const SEGMENT = 65_536;

type Prepare = (sql: string) => Database.Statement;

/** The parts of a column from `start` to `end`, as a column of their own (views, not copies). */
function slice(c: WordColumn, start: number, end: number): WordColumn {
  return { rowids: c.rowids.subarray(start, end), d: c.d.subarray(start, end), f: c.f.subarray(start, end) };
}

/**
 * Writes a column (or the part of one from a segment's start on) as segments of SEGMENT papers: a word's
 * from the forward rows, a phrase's from postings a build set aside (abbreviation-columns.ts).
 */
export function writeColumn(stmt: Prepare, id: number, c: WordColumn, table?: Lengths): void {
  for (let at = 0; at < c.rowids.length; at += SEGMENT)
    writeSegment(stmt, id, slice(c, at, Math.min(c.rowids.length, at + SEGMENT)), table);
}

/**
 * One segment's row: its blob, and its papers beside it so a fold sizes segments without unpacking them.
 * (Migration 18 added `papers` after the blob, so SQLite follows the blob's overflow pages to read it: a
 * few ms for a common word's segments. Summing it over every column reads them all.)
 */
function writeSegment(stmt: Prepare, id: number, c: WordColumn, table?: Lengths): void {
  stmt('INSERT INTO impact_columns (term_id, first_rowid, papers, postings) VALUES (?, ?, ?, ?)').run(
    id,
    c.rowids[0] as number,
    c.rowids.length,
    encodeColumn(c, table),
  );
}

/** The changes to a word's column since it was last built or folded, in rowid order: [rowid, f, D]. */
function changesOf(stmt: Prepare, id: number, from = 0): [number, number, number][] {
  return stmt(
    'SELECT paper_rowid, f, d FROM impact_column_changes WHERE term_id = ? AND paper_rowid >= ? ORDER BY paper_rowid',
  )
    .raw()
    .all(id, from) as [number, number, number][];
}

/**
 * Where a column read from the archive is unpacked: arrays for at least `papers` postings, f as uint8 when
 * `narrowF` (column-cache.ts hands out views of memory it reuses).
 */
export type ColumnMemory = (papers: number, narrowF: boolean) => ColumnPostings;

/** Arrays of their own, allocated for the column. */
export const freshColumnMemory: ColumnMemory = (papers, narrowF) => ({
  rowids: new Uint32Array(papers),
  f: narrowF ? new Uint8Array(papers) : new Uint16Array(papers),
});

/** Bytes of memory a column of `papers` postings takes, f as narrow as given (a multiple of 8). */
export function columnMemoryBytes(papers: number, narrowF: boolean): number {
  const bytes = papers * (4 + (narrowF ? 1 : 2));
  return Math.ceil(bytes / 8) * 8;
}

/**
 * A word's column as it is now (its segments joined, its changes merged), or undefined if it has none, in
 * arrays from `memory`, f as narrow as every stored segment and change allows, and its papers' D written
 * to `lengths` (5 bytes a paper in all, against 10 before packing, so the column cache holds more words).
 * A segment without D takes its papers' D from the lengths table, which `lengths` reads first (once since
 * the archive last changed); a paper of such a segment the table does not hold is a ColumnFormatError.
 */
export function readColumn(
  stmt: Prepare,
  id: number,
  lengths: PaperLengths,
  memory: ColumnMemory = freshColumnMemory,
): ColumnPostings | undefined {
  const blobs = stmt('SELECT postings FROM impact_columns WHERE term_id = ? ORDER BY first_rowid')
    .pluck()
    .all(id) as Buffer[];
  if (blobs.length === 0) return undefined;
  // Every segment's header checked before any memory is asked for or any D written (ColumnFormatError);
  // a segment without D the lengths table lacks a paper of, after its rowids are unpacked, before any D.
  const segments = blobs.map(segmentViews);
  // Before any D is written (PaperLengths explains).
  const tableLast = lengths.table(stmt);
  const changes = changesOf(stmt, id);
  const n = segments.reduce((a, s) => a + s.n, 0);
  const narrowD = segments.every((s) => s.flags & (NARROW_D | NO_D)) && changes.every((c) => c[2] <= 0xffff);
  const narrowF = segments.every((s) => s.flags & NARROW_F) && changes.every((c) => c[1] <= 0xff);
  const out = memory(n + changes.length, narrowF);
  // Each segment unpacked once, straight into the joined arrays, after room for the changes: they are
  // merged in place (mergeInPlace), without a second copy of the column.
  let at = changes.length;
  for (const segment of segments) {
    unpackRowids(segment, out.rowids, at);
    // set() widens a uint8 array into a uint16 one natively.
    out.f.set(segment.f, at);
    if (segment.flags & NO_D) {
      if (segment.flags & (BITMAP | NARROW_GAPS | BYTE_GAPS))
        sortedCoveredByTable(out.rowids, at, segment.n, tableLast, lengths.holes);
      else coveredByTable(out.rowids, at, segment.n, tableLast, lengths.values);
    }
    at += segment.n;
  }
  // The lengths grown once for the whole column (each growth is a copy into memory not touched yet).
  lengths.reserve(Math.max(n > 0 ? (out.rowids[at - 1] as number) : 0, changes.at(-1)?.[0] ?? 0), !narrowD);
  const values = lengths.values;
  at = changes.length;
  const pending = { changes, next: 0 };
  for (const segment of segments) at += scatterLengths(segment, out.rowids, at, values, pending);
  // A removal's D is not the paper's (0): its D stays as the columns still holding it wrote it.
  for (const [rowid, f, d] of changes) if (f > 0) values[rowid] = d;
  return mergeInPlace(out, changes.length, n, changes, undefined);
}

/**
 * Whether a posting fits a column (f within 16 bits, D and the rowid within 32): one that does not leaves
 * the word without one.
 */
export function fitsColumn(rowid: number, f: number, d: number): boolean {
  return f <= MAX_F && d <= MAX_U32 && rowid <= MAX_U32;
}

/**
 * New papers' postings of a word (`[rowid, f, D]` flat, in any order), appended to its column as segments
 * of their own. Only for papers above every rowid the column and its changes hold (papers just inserted:
 * rowids only grow, since papers are never deleted). One row per word and write, where a change row per
 * paper and word cost a day's ingest about 110 ms at a million papers (49,000 rows); foldColumn merges
 * the small segments into the one before.
 */
export function appendPostings(stmt: Prepare, id: number, postings: readonly number[]): void {
  const n = postings.length / 3;
  if (n === 0) return;
  const order = Array.from({ length: n }, (_, i) => 3 * i).sort(
    (a, b) => (postings[a] as number) - (postings[b] as number),
  );
  const c: WordColumn = { rowids: new Uint32Array(n), d: new Uint32Array(n), f: new Uint16Array(n) };
  for (const [i, at] of order.entries()) {
    c.rowids[i] = postings[at] as number;
    c.f[i] = postings[at + 1] as number;
    c.d[i] = postings[at + 2] as number;
  }
  writeColumn(stmt, id, c);
}

/** Drops a word's column, its segments and changes (a posting too large for it came: fitsColumn). */
export function dropColumn(stmt: Prepare, id: number): void {
  stmt('DELETE FROM impact_columns WHERE term_id = ?').run(id);
  stmt('DELETE FROM impact_column_changes WHERE term_id = ?').run(id);
}

/**
 * Folds a word's changes into its column and merges the small segments appended since (appendPostings)
 * into the segment before them, up to 2·SEGMENT papers: only the segments changed or merged are rewritten
 * (with today's papers, the last few), a segment grown past 2·SEGMENT is split, and the change rows are
 * deleted.
 */
export function foldColumn(
  stmt: Prepare,
  id: number,
  table: () => LengthsTable | null = lengthsTableOnce(stmt),
): void {
  const segments = stmt(
    'SELECT first_rowid, papers FROM impact_columns WHERE term_id = ? ORDER BY first_rowid',
  )
    .raw()
    .all(id) as [number, number][];
  if (segments.length === 0) return;
  // Groups of segments rewritten as one: a small segment (under SEGMENT papers), and the small ones after
  // it while they fit beside it. A full segment is never rewritten to take in the small ones after it.
  const groups: [number, number][][] = [];
  let size = 0;
  for (const segment of segments) {
    const group = groups.at(-1);
    const small = segment[1] < SEGMENT && (group?.[0]?.[1] ?? SEGMENT) < SEGMENT;
    if (group && small && size + segment[1] <= 2 * SEGMENT) {
      group.push(segment);
      size += segment[1];
    } else {
      groups.push([segment]);
      size = segment[1];
    }
  }
  const changes = changesOf(stmt, id);
  const read = stmt('SELECT postings FROM impact_columns WHERE term_id = ? AND first_rowid = ?').pluck();
  const drop = stmt('DELETE FROM impact_columns WHERE term_id = ? AND first_rowid = ?');
  let c = 0;
  for (const [i, group] of groups.entries()) {
    // Changes before the first group belong to it; each group takes those up to the next one's start.
    const next = groups[i + 1]?.[0]?.[0] ?? Number.POSITIVE_INFINITY;
    const mine: [number, number, number][] = [];
    while (c < changes.length && (changes[c] as [number, number, number])[0] < next)
      mine.push(changes[c++] as [number, number, number]);
    if (mine.length === 0 && group.length === 1) continue;
    const parts = group.map(([first]) => decodeColumn(read.get(id, first) as Buffer, table));
    for (const [first] of group) drop.run(id, first);
    const merged = withChanges(joined(parts), mine);
    if (merged.rowids.length === 0) continue;
    if (merged.rowids.length <= 2 * SEGMENT) writeSegment(stmt, id, merged);
    else writeColumn(stmt, id, merged);
  }
  stmt('DELETE FROM impact_column_changes WHERE term_id = ?').run(id);
}

/** Columns in rowid order, one after the other, as one. */
function joined(parts: readonly WordColumn[]): WordColumn {
  if (parts.length === 1) return parts[0] as WordColumn;
  const n = parts.reduce((a, p) => a + p.rowids.length, 0);
  const out: WordColumn = { rowids: new Uint32Array(n), d: new Uint32Array(n), f: new Uint16Array(n) };
  let at = 0;
  for (const p of parts) {
    out.rowids.set(p.rowids, at);
    out.d.set(p.d, at);
    out.f.set(p.f, at);
    at += p.rowids.length;
  }
  return out;
}

/**
 * A segment's blob, each array as narrow as its values allow: the rowids as uint8 gaps (a column word is
 * in at least a twentieth of the papers, so its papers are a few dozen rowids apart, and a gap past 255 in
 * a segment of 65,536 is rare), else uint16, D as uint16, f as uint8, each wide only when a value needs it,
 * and no D at all when `table` (the lengths table a build writes) holds every paper's D as the column does.
 * About 2 bytes a paper without D, 4 with, against 10: a search that misses the column cache reads it from
 * SQLite at about 0.6 ms a MB when the file is in the OS's cache and several times that when it is not,
 * and three common words are 10-20 MB unpacked at a million papers. Laid out header first (little-endian),
 * then the 4-byte arrays, the 2-byte, the 1-byte (in the machine's byte order, as the layout before), so
 * each starts aligned for its typed array.
 */
export function encodeColumn(c: WordColumn, table?: Lengths): Buffer {
  const n = c.rowids.length;
  let gaps = 0;
  let maxD = 0;
  let maxF = 0;
  // Without D when the lengths table holds every paper's D as the column does (only a build passes it).
  let tableHolds = table !== undefined;
  for (let i = 0; i < n; i++) {
    if (tableHolds && (c.d[i] === 0 || table?.[c.rowids[i] as number] !== c.d[i])) tableHolds = false;
    const gap = i > 0 ? (c.rowids[i] as number) - (c.rowids[i - 1] as number) : 1;
    // Every writer sorts first; a gap that is not positive would be packed into a wrong column.
    if (gap <= 0) throw new Error('a word column segment must hold its rowids in ascending order');
    gaps = Math.max(gaps, gap);
    maxD = Math.max(maxD, c.d[i] as number);
    maxF = Math.max(maxF, c.f[i] as number);
  }
  const gapFlag = gaps <= 0xff ? BYTE_GAPS : gaps <= 0xffff ? NARROW_GAPS : 0;
  // The rowids as a bitmap when it is the smaller: a bit per rowid of the span against the gaps' bytes.
  const bitmapBytes = n > 0 ? Math.ceil(((c.rowids[n - 1] as number) - (c.rowids[0] as number) + 1) / 8) : 0;
  const gapBytes = n * (gapFlag === BYTE_GAPS ? 1 : gapFlag === NARROW_GAPS ? 2 : 4);
  const bitmap = n > 0 && bitmapBytes < gapBytes && bitmapBytes <= MAX_BITMAP_BYTES;
  const flags =
    (bitmap ? BITMAP : gapFlag) |
    (tableHolds ? NO_D : maxD <= 0xffff ? NARROW_D : 0) |
    (maxF <= 0xff ? NARROW_F : 0);
  const out = Buffer.alloc(packedBytes(n, flags, bitmap ? bitmapBytes : 0));
  // Buffer.alloc may hand out a slice of a shared pool: written through byte views and a DataView, so
  // alignment never matters here.
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(0, flags);
  if (bitmap) {
    view.setUint16(1, bitmapBytes & 0xffff, true);
    view.setUint8(3, bitmapBytes >>> 16);
  }
  view.setUint32(4, n, true);
  view.setUint32(8, n > 0 ? (c.rowids[0] as number) : 0, true);
  const bytes = (a: Uint32Array | Uint16Array | Uint8Array) =>
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let at = HEADER_BYTES;
  const put = (a: Uint32Array | Uint16Array | Uint8Array) => {
    out.set(bytes(a), at);
    at += a.byteLength;
  };
  const gapsOf = (g: Uint16Array | Uint8Array) => {
    for (let i = 1; i < n; i++) g[i] = (c.rowids[i] as number) - (c.rowids[i - 1] as number);
    return g;
  };
  if (!(flags & (NARROW_GAPS | BYTE_GAPS | BITMAP))) put(c.rowids);
  if (!(flags & (NARROW_D | NO_D))) put(c.d);
  if (flags & NARROW_GAPS) put(gapsOf(new Uint16Array(n)));
  if (flags & NARROW_D) put(Uint16Array.from(c.d));
  if (!(flags & NARROW_F)) put(c.f);
  else put(Uint8Array.from(c.f));
  // Last, after f of either width: the layout of the segments written before these gaps is unchanged.
  if (flags & BYTE_GAPS) put(gapsOf(new Uint8Array(n)));
  // Last of all: bit r of the bitmap (byte r >> 3, bit r & 7) is the rowid first + r.
  if (flags & BITMAP) {
    const first = c.rowids[0] as number;
    for (let i = 0; i < n; i++) {
      const r = (c.rowids[i] as number) - first;
      out[at + (r >>> 3)] = (out[at + (r >>> 3)] as number) | (1 << (r & 7));
    }
  }
  return out;
}

function packedBytes(n: number, flags: number, bitmapBytes: number): number {
  const gaps = flags & BITMAP ? 0 : flags & BYTE_GAPS ? 1 : flags & NARROW_GAPS ? 2 : 4;
  const d = flags & NO_D ? 0 : flags & NARROW_D ? 2 : 4;
  const f = flags & NARROW_F ? 1 : 2;
  return HEADER_BYTES + n * (gaps + d + f) + bitmapBytes;
}

/**
 * A segment's flags and papers, from its header, once its length is checked against them: a blob too short
 * for a header, or not the length its header says, is a ColumnFormatError, never a column read wrong (nor
 * an array sized from a damaged count).
 */
function headerOf(blob: Uint8Array): { flags: number; n: number; bitmapBytes: number } {
  if (blob.byteLength < HEADER_BYTES)
    throw new ColumnFormatError('a word column segment is shorter than its header');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const flags = view.getUint8(0);
  const n = view.getUint32(4, true);
  const bitmapBytes = flags & BITMAP ? view.getUint16(1, true) | (view.getUint8(3) << 16) : 0;
  if ((flags & NARROW_GAPS ? 1 : 0) + (flags & BYTE_GAPS ? 1 : 0) + (flags & BITMAP ? 1 : 0) > 1)
    throw new ColumnFormatError('a word column segment claims two layouts for its rowids');
  if (flags & NARROW_D && flags & NO_D)
    throw new ColumnFormatError('a word column segment claims D both held and not');
  if (blob.byteLength !== packedBytes(n, flags, bitmapBytes))
    throw new ColumnFormatError('a word column segment is not the length its header says');
  return { flags, n, bitmapBytes };
}

/** A segment's arrays as stored, viewed in place (an unaligned blob is copied once). */
function segmentViews(blob: Uint8Array): {
  flags: number;
  n: number;
  first: number;
  /** The rowids: as uint16 or uint8 gaps from the one before (from `first`), or as they are. */
  gaps: Uint16Array | Uint8Array | null;
  /** Or as a bitmap from `first` (BITMAP). */
  bitmap: Uint8Array | null;
  rowids: Uint32Array | null;
  /** Null for a segment without D (lengths-table.ts holds them). */
  d: Uint16Array | Uint32Array | null;
  f: Uint8Array | Uint16Array;
} {
  const { flags, n, bitmapBytes } = headerOf(blob);
  // Typed arrays need their element's alignment: a blob not so placed is copied once.
  const b = blob.byteOffset % 4 === 0 ? blob : Uint8Array.from(blob);
  // Each array's byte offset in b's buffer, in the order encodeColumn wrote them.
  let pos = b.byteOffset + HEADER_BYTES;
  const next = (size: number) => {
    const offset = pos;
    pos += size * n;
    return offset;
  };
  const rowids = flags & (NARROW_GAPS | BYTE_GAPS | BITMAP) ? null : new Uint32Array(b.buffer, next(4), n);
  const wideD = flags & (NARROW_D | NO_D) ? null : new Uint32Array(b.buffer, next(4), n);
  const shortGaps = flags & NARROW_GAPS ? new Uint16Array(b.buffer, next(2), n) : null;
  const d = flags & NO_D ? null : (wideD ?? new Uint16Array(b.buffer, next(2), n));
  const f = flags & NARROW_F ? new Uint8Array(b.buffer, next(1), n) : new Uint16Array(b.buffer, next(2), n);
  const gaps = flags & BYTE_GAPS ? new Uint8Array(b.buffer, next(1), n) : shortGaps;
  const bitmap = flags & BITMAP ? new Uint8Array(b.buffer, pos, bitmapBytes) : null;
  const first = new DataView(b.buffer, b.byteOffset, HEADER_BYTES).getUint32(8, true);
  return { flags, n, first, gaps, bitmap, rowids, d, f };
}

/**
 * A segment's rowids into `rowids` from position `at`. Each layout's loop is a function of its own: V8
 * optimizes one for the layouts it has seen run, and a shared loop meeting another layout later was thrown
 * back to the interpreter for the rest of that column.
 */
function unpackRowids(segment: ReturnType<typeof segmentViews>, rowids: Uint32Array, at: number): void {
  const { n, gaps, bitmap } = segment;
  if (bitmap) {
    // As many papers as the header says, or the segment is damaged: the read is then refused whole, so
    // rowids written past this segment's place (the next segment's) go unused.
    if (unpackBitmap(bitmap, segment.first, rowids, at) !== at + n)
      throw new ColumnFormatError('a word column bitmap holds another count of papers than its header');
    return;
  }
  if (!gaps) rowids.set(segment.rowids as Uint32Array, at);
  else unpackGaps(gaps, segment.first, n, rowids, at);
}

/** Each set bit a paper, in order, from `at`: bit r (byte r >> 3, bit r & 7) is `first` + r. Returns the end. */
function unpackBitmap(bitmap: Uint8Array, first: number, rowids: Uint32Array, at: number): number {
  let w = at;
  for (let byte = 0; byte < bitmap.length; byte++) {
    let bits = bitmap[byte] as number;
    while (bits !== 0) {
      const low = bits & -bits;
      rowids[w++] = first + byte * 8 + (31 - Math.clz32(low));
      bits ^= low;
    }
  }
  return w;
}

/** n rowids from gaps, each from the one before (the first from `first`), from `at`. */
function unpackGaps(
  gaps: Uint16Array | Uint8Array,
  first: number,
  n: number,
  rowids: Uint32Array,
  at: number,
): void {
  let rowid = first;
  for (let i = 0; i < n; i++) {
    rowid += gaps[i] as number;
    rowids[at + i] = rowid;
  }
}

/**
 * A segment's blob as a column of its own. A segment without D takes them from `table` (the lengths
 * table, asked for only then): a ColumnFormatError when there is none, or it lacks one of the papers.
 */
export function decodeColumn(blob: Uint8Array, table?: () => LengthsTable | null): WordColumn {
  const segment = segmentViews(blob);
  const out = wideColumn(segment.n);
  unpackRowids(segment, out.rowids, 0);
  // set() widens a uint16 or uint8 array into the wider one natively.
  if (segment.d) out.d.set(segment.d);
  else {
    const lengths = table?.();
    if (!lengths) throw new ColumnFormatError('a word column segment without D, and no lengths table');
    coveredByTable(out.rowids, 0, segment.n, lengths.last, lengths.values);
    for (let i = 0; i < segment.n; i++) out.d[i] = lengths.values[out.rowids[i] as number] as number;
  }
  out.f.set(segment.f);
  return out;
}

/**
 * Checks that the lengths table (`last` its highest rowid, its values in `values`) holds the D of every
 * paper of `rowids` from `at` to `at + n` (a paper has at least one token): a ColumnFormatError otherwise,
 * never a paper scored with another's D or none.
 */
function coveredByTable(rowids: Uint32Array, at: number, n: number, last: number, values: Lengths): void {
  for (let i = at; i < at + n; i++) {
    const rowid = rowids[i] as number;
    if (rowid > last || values[rowid] === 0)
      throw new ColumnFormatError(
        `a word column segment without D holds rowid ${rowid}, not in the lengths table`,
      );
  }
}

/**
 * coveredByTable for a segment whose rowids were unpacked from a bitmap or gaps, so are ascending (each
 * at least the one before): checked at its ends and against the table's holes in between, each looked for
 * in the segment, not paper by paper (1.4-1.8 ms of a common word's 4-5 ms read at a million papers).
 */
function sortedCoveredByTable(
  rowids: Uint32Array,
  at: number,
  n: number,
  last: number,
  holes: Uint32Array,
): void {
  if (n === 0) return;
  const lowest = rowids[at] as number;
  const highest = rowids[at + n - 1] as number;
  const refuse = (rowid: number) => {
    throw new ColumnFormatError(
      `a word column segment without D holds rowid ${rowid}, not in the lengths table`,
    );
  };
  if (lowest < 1) refuse(lowest);
  if (highest > last) refuse(highest);
  for (let h = lowerBound(holes, 0, holes.length, lowest); h < holes.length; h++) {
    const hole = holes[h] as number;
    if (hole > highest) break;
    const i = lowerBound(rowids, at, at + n, hole);
    if (i < at + n && rowids[i] === hole) refuse(hole);
  }
}

/** The first position in [from, to) of ascending `values` whose value is at least `value`. */
function lowerBound(values: Uint32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The rowids from 1 to `last` whose value is 0, ascending. Found by the arrays' own indexOf: run once per
 * read of the table, a loop of a million steps would mostly run before V8 had optimized it.
 */
function holesOf(values: Lengths, last: number): Uint32Array {
  const holes: number[] = [];
  for (let at = values.indexOf(0, 1); at !== -1 && at <= last; at = values.indexOf(0, at + 1)) holes.push(at);
  return Uint32Array.from(holes);
}

/**
 * A segment's papers' D (their rowids unpacked from `at` in `rowids`) into `values`, unless the column's
 * changes (`pending`, in rowid order, read from `next` on as the segments come in order) hold the paper:
 * its stored D may be old then, and another column may have written its D now. Returns its papers.
 */
function scatterLengths(
  segment: ReturnType<typeof segmentViews>,
  rowids: Uint32Array,
  at: number,
  values: Lengths,
  pending: { changes: readonly [number, number, number][]; next: number },
): number {
  const { n, d } = segment;
  const { changes } = pending;
  let next = pending.next;
  if (!d) {
    // The table gave these papers' D (PaperLengths.table); their changes are written after.
    const end = rowids[at + n - 1] as number;
    while (next < changes.length && (changes[next] as [number, number, number])[0] <= end) next++;
    pending.next = next;
    return n;
  }
  // No change among the segment's papers (nearly always: a fold takes them in): a plain copy by rowid.
  if (
    next >= changes.length ||
    (changes[next] as [number, number, number])[0] > (rowids[at + n - 1] as number)
  ) {
    for (let i = 0; i < n; i++) values[rowids[at + i] as number] = d[i] as number;
    return n;
  }
  // A change falls among the segment's papers (so there is one at `next`).
  let changed = (changes[next] as [number, number, number])[0];
  for (let i = 0; i < n; i++) {
    const rowid = rowids[at + i] as number;
    while (changed >= 0 && changed < rowid)
      changed = ++next < changes.length ? (changes[next] as [number, number, number])[0] : -1;
    if (changed !== rowid) values[rowid] = d[i] as number;
  }
  pending.next = next;
  return n;
}

/**
 * A segment's blob in the layout before packing (n rowids as uint32, n D as uint32, n f as uint16, in the
 * machine's byte order), as a column: for migration 18, which packs the segments stored before it.
 */
export function decodeUnpacked(blob: Uint8Array): WordColumn {
  const n = Math.floor(blob.length / UNPACKED_BYTES);
  // A copy, aligned, so the typed arrays can view it directly.
  const bytes = new Uint8Array(blob.length);
  bytes.set(blob);
  return {
    rowids: new Uint32Array(bytes.buffer, 0, n),
    d: new Uint32Array(bytes.buffer, 4 * n, n),
    f: new Uint16Array(bytes.buffer, 8 * n, n),
  };
}

/** A column with `changes` (rowid, f, D in rowid order) applied: a change replaces the paper's posting,
 * and f 0 removes it. */
export function withChanges(base: WordColumn, changes: readonly [number, number, number][]): WordColumn {
  if (changes.length === 0) return base;
  const c = changes.length;
  const out = wideColumn(base.rowids.length + c);
  out.rowids.set(base.rowids, c);
  out.d.set(base.d, c);
  out.f.set(base.f, c);
  return mergeInPlace(out, c, base.rowids.length, changes, out.d) as WordColumn;
}

/** A column's arrays for `papers` postings, D and f wide (for folds and builds). */
function wideColumn(papers: number): WordColumn {
  return { rowids: new Uint32Array(papers), d: new Uint32Array(papers), f: new Uint16Array(papers) };
}

/**
 * Merges `changes` (rowid, f, D in rowid order; f 0 removes the paper) into the `n` postings held in `out`
 * from position `from`, writing the result from position 0; returns it (views of `out`, with `d` when
 * given: a column for a search keeps its D in PaperLengths). Safe in place as long as `from` is at least
 * the number of changes: the write position never passes the next posting still to read.
 */
function mergeInPlace(
  out: ColumnPostings,
  from: number,
  n: number,
  changes: readonly [number, number, number][],
  d: Uint32Array | Uint16Array | undefined,
): ColumnPostings | WordColumn {
  const { rowids, f } = out;
  if (changes.length > from) throw new Error('mergeInPlace needs room for every change before the postings');
  // Nothing to merge: the postings as they lie (not copied onto themselves, 2-3 ms for a common word).
  if (changes.length === 0) {
    if (!d) return { rowids: rowids.subarray(from, from + n), f: f.subarray(from, from + n) };
    return {
      rowids: rowids.subarray(from, from + n),
      d: d.subarray(from, from + n),
      f: f.subarray(from, from + n),
    };
  }
  let w = 0;
  let i = from;
  const end = from + n;
  const copyUpTo = (rowid: number) => {
    for (; i < end && (rowids[i] as number) < rowid; i++, w++) {
      rowids[w] = rowids[i] as number;
      if (d) d[w] = d[i] as number;
      f[w] = f[i] as number;
    }
  };
  for (const [rowid, fc, dc] of changes) {
    copyUpTo(rowid);
    if (i < end && rowids[i] === rowid) i++;
    if (fc === 0) continue;
    rowids[w] = rowid;
    f[w] = fc;
    if (d) d[w] = dc;
    w++;
  }
  copyUpTo(Number.POSITIVE_INFINITY);
  // Built as one shape or the other, property for property: the search's loops see one shape only.
  if (!d) return { rowids: rowids.subarray(0, w), f: f.subarray(0, w) };
  return { rowids: rowids.subarray(0, w), d: d.subarray(0, w), f: f.subarray(0, w) };
}

/** Where each rowid is in a column (or -1), for rowids asked in ascending order. */
export interface ColumnCursor {
  find(rowid: number): number;
}

/**
 * A cursor over `column` (ColumnCursor). An object of one class, not a closure: a loop calling one call's
 * closure had its optimized code thrown out by the next call's ("wrong call target").
 */
export function lookUpCursor(column: ColumnPostings): ColumnCursor {
  return new Cursor(column);
}

/** A forward-only cursor over a column: where `rowid` is, or -1, for rowids asked in ascending order. */
class Cursor {
  private at = 0;
  constructor(readonly column: ColumnPostings) {}

  find(rowid: number): number {
    const ids = this.column.rowids;
    this.at = seek(ids, this.at, rowid);
    return this.at < ids.length && ids[this.at] === rowid ? this.at : -1;
  }
}

/**
 * The first position from `from` in `ids` (ascending) whose rowid is at least `rowid`: galloping (the step
 * doubled until past it, then a binary search of the last step), as rowids are asked in ascending order.
 */
export function seek(ids: Uint32Array, from: number, rowid: number): number {
  let lo = from;
  if (lo >= ids.length || (ids[lo] as number) >= rowid) return lo;
  let step = 1;
  let hi = lo + step;
  while (hi < ids.length && (ids[hi] as number) < rowid) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > ids.length) hi = ids.length;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as number) < rowid) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Each paper's D by rowid ({@link PaperLengths}' values), as the search functions below read them. */
export type Lengths = Uint16Array | Uint32Array;

/**
 * A paper's f in each column (0 where absent) and its D (-1 when no column holds it), by binary search:
 * the threshold algorithm's random access once the columns are loaded.
 */
export function lookUp(
  columns: readonly ColumnPostings[],
  lengths: Lengths,
  rowid: number,
): { freqs: number[]; d: number } {
  const freqs = new Array<number>(columns.length).fill(0);
  let d = -1;
  for (let i = 0; i < columns.length; i++) {
    const { rowids, f } = columns[i] as ColumnPostings;
    const lo = lowerBound(rowids, 0, rowids.length, rowid);
    if (lo < rowids.length && rowids[lo] === rowid) {
      freqs[i] = f[lo] as number;
      d = lengths[rowid] as number;
    }
  }
  return { freqs, d };
}

export interface ColumnHit {
  rowid: number;
  relevance: number;
}

/**
 * Completes a top k the impact lists have not certified, from the columns of the query's phrases
 * (`columns`, by phrase index; `idfs` 0 for an excluded phrase). Every paper read from a list was scored or
 * proved unable to enter (`seen`); a paper not read from list j has there an impact of at most `outside[j]`
 * (the list's bound under today's avgdl: θ once it was read to its end). The drivers' columns (in `all` mode
 * the forms of the required term with the fewest papers, since every match holds one; in `any` mode every
 * positive form) are merged in rowid order, each paper met once with its exact impact for every driver:
 * with the other terms' `outside` bounds added, below the k-th score it is passed over without looking it up
 * in any other column. The rest are scored exactly (bm25.ts) and offered to `keep`. The merge is a tight
 * loop over typed arrays; few papers survive it. Returns how many were scored.
 */
export function completeFromColumns(
  plan: MatchPlan,
  columns: readonly ColumnPostings[],
  lengths: Lengths,
  idfs: readonly number[],
  avgdl: number,
  outside: readonly number[],
  seen: ReadonlySet<number>,
  kth: () => number,
  keep: (hit: ColumnHit) => void,
): number {
  const positive = plan.terms.flat();
  // Every match holds a form of each required term (all) or of some term (any): the forms of the term with
  // the fewest papers, or every form, find them all.
  const papersOf = (forms: number[]) =>
    forms.reduce((n, i) => n + (columns[i] as ColumnPostings).rowids.length, 0);
  const drivers =
    plan.mode === 'all' ? plan.terms.reduce((a, b) => (papersOf(b) < papersOf(a) ? b : a)) : positive;
  // A paper not read from list j has there an impact at most `outside[j]`. Drivers whose bounds together
  // (with the other terms') cannot reach the k-th score are looked up, not walked (MaxScore): a paper
  // holding none but them cannot enter. (`llm OR "large language models"`: llm, in half the papers, weighs
  // little beside the long form, so only the long form's papers are walked.)
  const weight = (j: number) => (idfs[j] as number) * (outside[j] as number);
  const isDriver = new Uint8Array(columns.length);
  for (const i of drivers) isDriver[i] = 1;
  let others = 0;
  for (const j of positive) if (isDriver[j] === 0) others += weight(j);
  const walkedForms: number[] = [];
  for (const i of [...drivers].sort((a, b) => weight(a) - weight(b)))
    if (walkedForms.length === 0 && (others + weight(i)) * (1 + 1e-9) < kth()) others += weight(i);
    else walkedForms.push(i);
  const isWalked = new Uint8Array(columns.length);
  for (const i of walkedForms) isWalked[i] = 1;
  // The other phrases (the other terms, the drivers not walked, exclusions) are looked up only for papers
  // that could enter.
  const cursors = columns.map((c, j) => (isWalked[j] === 1 ? null : new Cursor(c)));
  const heads = new Array<number>(walkedForms.length).fill(0);
  const freqs = new Array<number>(columns.length).fill(0);
  let scored = 0;
  // impact(f, D) = f(k1+1) / (f + k1(1-b) + k1·b·D/avgdl), as bm25.ts computes it (the bound needs no last bit).
  const k1b = K1 * (1 - B);
  const perToken = (K1 * B) / avgdl;
  // The drivers' arrays on their own: the loop below reads them once per paper of every driver.
  const walked = walkedForms.map((i) => columns[i] as ColumnPostings);
  const ids = walked.map((c) => c.rowids);
  const fs = walked.map((c) => c.f);
  const weights = walkedForms.map((i) => (idfs[i] as number) * (K1 + 1));
  // The k-th score changes only when a paper is kept.
  let least = kth();
  // The drivers' papers merged in rowid order, each paper once, its drivers' f read as the merge passes.
  for (;;) {
    let rowid = Number.POSITIVE_INFINITY;
    for (let t = 0; t < ids.length; t++) {
      const rowids = ids[t] as Uint32Array;
      const h = heads[t] as number;
      if (h < rowids.length && (rowids[h] as number) < rowid) rowid = rowids[h] as number;
    }
    if (rowid === Number.POSITIVE_INFINITY) break;
    let exact = 0;
    const dp = lengths[rowid] as number;
    for (let t = 0; t < ids.length; t++) {
      const rowids = ids[t] as Uint32Array;
      const h = heads[t] as number;
      if (h < rowids.length && rowids[h] === rowid) {
        const fp = (fs[t] as Uint16Array)[h] as number;
        exact += ((weights[t] as number) * fp) / (fp + k1b + perToken * dp);
        freqs[walkedForms[t] as number] = fp;
        heads[t] = h + 1;
      } else freqs[walkedForms[t] as number] = 0;
    }
    if ((exact + others) * (1 + 1e-9) < least || seen.has(rowid)) continue;
    scored++;
    for (let j = 0; j < cursors.length; j++) {
      const cursor = cursors[j];
      if (!cursor) continue;
      const at = cursor.find(rowid);
      freqs[j] = at < 0 ? 0 : (cursor.column.f[at] as number);
    }
    if (!matches(plan, freqs)) continue;
    const relevance = bm25Score(idfs, freqs, dp, avgdl);
    if (relevance >= least) {
      keep({ rowid, relevance });
      least = kth();
    }
  }
  return scored;
}

/**
 * The words to give columns: at least `minDf` papers each, most common first, while the columns' postings
 * stay within `budget` per paper (a word that would pass it is skipped, rarer ones may still fit).
 */
export function columnWords<T extends { df: number }>(
  words: readonly T[],
  minDf: number,
  papers: number,
  budget: number,
): T[] {
  let room = budget * papers;
  const out: T[] = [];
  for (const w of [...words].filter((x) => x.df >= minDf).sort((a, b) => b.df - a.df)) {
    if (w.df > room) continue;
    room -= w.df;
    out.push(w);
  }
  return out;
}

/**
 * Replaces every column with those of `words` (term id and df), from the forward rows (impact_docs), in one
 * pass over them (ColumnSpill holds what does not fit in memory). In the caller's write transaction, after
 * the forward rows. Returns the postings written.
 */
export function buildColumns(
  db: Database.Database,
  stmt: Prepare,
  words: readonly { id: number; df: number }[],
): number {
  db.prepare('DELETE FROM impact_column_changes').run();
  db.prepare('DELETE FROM impact_columns').run();
  db.prepare('DELETE FROM impact_lengths').run();
  const last = (db.prepare('SELECT MAX(paper_rowid) AS m FROM impact_docs').get() as { m: number | null }).m;
  if (words.length === 0 || last === null || last > MAX_LENGTHS_ROWID) return 0;
  // Each paper's D from its forward row, stored once (lengths-table.ts): the columns written below hold
  // none where it agrees with theirs, as it does for every paper of this one pass.
  const table = new Uint32Array(last + 1);
  const rows = db.prepare('SELECT paper_rowid, d, terms FROM impact_docs ORDER BY paper_rowid');
  const highest = words.reduce((m, w) => Math.max(m, w.id), 0);
  const slot = new Int32Array(highest + 1).fill(-1);
  for (const [s, w] of words.entries()) slot[w.id] = s;
  const spill = new ColumnSpill(words.length, ColumnSpill.placeFor(db));
  try {
    for (const [rowid, d, terms] of rows.raw().iterate() as IterableIterator<[number, number, Uint8Array]>) {
      table[rowid] = d;
      let i = 0;
      while (i < terms.length) {
        let id = 0;
        for (;;) {
          const byte = terms[i++] as number;
          id = id * 128 + (byte & 0x7f);
          if ((byte & 0x80) === 0 || i >= terms.length) break;
        }
        let f = 0;
        for (;;) {
          const byte = terms[i++] as number;
          f = f * 128 + (byte & 0x7f);
          if ((byte & 0x80) === 0 || i >= terms.length) break;
        }
        const s = id <= highest ? (slot[id] as number) : -1;
        if (s >= 0) spill.add(s, rowid, d, f);
      }
    }
    writeLengthsTable(stmt, table);
    let written = 0;
    for (const [s, w] of words.entries()) {
      // A column must hold every paper of its word (df is the index's own count), or none is kept.
      const column = spill.column(s, w.df);
      if (!column) continue;
      writeColumn(stmt, w.id, column, table);
      written += w.df;
    }
    return written;
  } finally {
    spill.close();
  }
}

/** Postings a column holds in memory while a build collects it; past that they go to its file. */
const SPILL_CHUNK = 8192;

/**
 * Many columns' postings collected at once, each in rowid order: a chunk of each in memory, the rest in a
 * temporary file per column (beside the archive). Why: a build reads the forward rows once for every column (at a million
 * papers, 287 columns and 52M postings, 520 MB), where holding them all in memory would pass the import's
 * memory budget, and reading the forward rows again per 64 MB of columns took nine passes (40 s). A build
 * also sets aside the abbreviations' long forms' postings in one as it counts the papers
 * (abbreviation-columns.ts).
 */
export class ColumnSpill {
  /**
   * Beside the archive's file, where a database of that size already has room; not the system's temporary
   * directory, which may be memory (tmpfs), where the files would take as much memory as the columns.
   * An archive in memory spills there all the same.
   */
  static placeFor(db: Database.Database): string {
    return db.memory || db.name === '' ? tmpdir() : dirname(resolve(db.name));
  }

  private dir: string | null = null;
  /** Per column: [rowid, D, f] triplets, `held` of them. */
  private readonly chunks: Uint32Array[];
  private readonly held: Int32Array;
  private readonly spilled: Float64Array;
  private readonly files: (number | null)[];
  /** 0 for a column with a posting no column holds (an f over 65,535, a D over 2^32 - 1). */
  private readonly fits: Uint8Array;

  /**
   * `under`: the directory for the files (ColumnSpill.placeFor). `chunk`: the postings a column holds in
   * memory at most (12 bytes each), so the spill's memory is at most columns × chunk × 12 bytes.
   */
  constructor(
    columns: number,
    private readonly under: string,
    private readonly chunk = SPILL_CHUNK,
  ) {
    this.chunks = Array.from({ length: columns }, () => new Uint32Array(0));
    this.held = new Int32Array(columns);
    this.spilled = new Float64Array(columns);
    this.files = new Array(columns).fill(null);
    this.fits = new Uint8Array(columns).fill(1);
  }

  add(s: number, rowid: number, d: number, f: number): void {
    if (this.fits[s] === 0) return;
    if (!fitsColumn(rowid, f, d)) {
      this.fits[s] = 0;
      return;
    }
    let chunk = this.chunks[s] as Uint32Array;
    let at = this.held[s] as number;
    if (3 * at === chunk.length) {
      if (chunk.length < 3 * this.chunk) {
        const wider = new Uint32Array(Math.min(3 * this.chunk, Math.max(3 * 64, 2 * chunk.length)));
        wider.set(chunk);
        chunk = this.chunks[s] = wider;
      } else {
        this.write(s, chunk);
        at = 0;
      }
    }
    chunk[3 * at] = rowid;
    chunk[3 * at + 1] = d;
    chunk[3 * at + 2] = f;
    this.held[s] = at + 1;
  }

  private write(s: number, chunk: Uint32Array): void {
    let fd = this.files[s] as number | null;
    if (fd === null) {
      this.dir ??= mkdtempSync(join(this.under, '.paperboy-columns-'));
      fd = this.files[s] = openSync(join(this.dir, String(s)), 'w+');
    }
    if (writeSync(fd, chunk) !== chunk.byteLength)
      throw new Error('a column spill file could not be written');
    this.spilled[s] = (this.spilled[s] as number) + chunk.length / 3;
  }

  /** Column s as collected, or null when it is not `length` postings or one did not fit. */
  column(s: number, length: number): WordColumn | null {
    const spilled = this.spilled[s] as number;
    const held = this.held[s] as number;
    if (this.fits[s] === 0 || spilled + held !== length) return null;
    const c: WordColumn = {
      rowids: new Uint32Array(length),
      d: new Uint32Array(length),
      f: new Uint16Array(length),
    };
    let at = 0;
    const take = (part: Uint32Array, n: number) => {
      for (let i = 0; i < n; i++, at++) {
        c.rowids[at] = part[3 * i] as number;
        c.d[at] = part[3 * i + 1] as number;
        c.f[at] = part[3 * i + 2] as number;
      }
    };
    const fd = this.files[s] as number | null;
    if (fd !== null) {
      const part = new Uint32Array(3 * this.chunk);
      for (let position = 0, left = spilled; left > 0; ) {
        const n = Math.min(left, this.chunk);
        const bytes = readSync(fd, part, 0, 12 * n, position);
        if (bytes !== 12 * n) throw new Error('a column spill file was cut short');
        take(part, n);
        position += bytes;
        left -= n;
      }
    }
    take(this.chunks[s] as Uint32Array, held);
    return c;
  }

  close(): void {
    try {
      for (const fd of this.files)
        if (fd !== null)
          try {
            closeSync(fd);
          } catch {
            // Closed or not, the directory goes below.
          }
    } finally {
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
