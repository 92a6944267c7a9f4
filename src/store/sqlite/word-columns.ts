import type Database from 'better-sqlite3';
import { bm25Score } from './bm25.ts';
import { type MatchPlan, matches } from './match-plan.ts';

/**
 * Word columns: every paper holding one of the archive's most common words, in rowid order, with the
 * word's f in it and the paper's D. A query of several such words is then ranked exactly by walking their
 * columns side by side and scoring each paper that matches as FTS5's bm25 does (bm25.ts), at memory speed:
 * no FTS5 doclists or position lists, no random access per candidate.
 *
 * Why: the impact lists (impact-lists.ts) prove a top k from each word's best papers, and for two or three
 * very common words they often run out of list before they can (the best unread paper's bound stays a few
 * per cent above the k-th score), and FTS5 then ranks every match: hundreds of ms at a million papers.
 * Reading deeper lists costs a random forward-row lookup per candidate. A column holds a word's every
 * paper instead, 10 bytes each, read in one piece.
 *
 * Which words: those in at least a twentieth of the papers (FTS5's cost grows with the doclists it reads),
 * most common first, until the columns hold `budget` postings per paper in all (README.md, "Word columns").
 *
 * Layout of a column's blob: n rowids (uint32), n D (uint32), n f (uint16), in the machine's byte order.
 * A column built by a rebuild stays as it was; papers written since are kept in impact_column_changes (one
 * row per word and paper: its f and D now, f 0 when it no longer holds the word) and merged when read, and
 * folded into the column once they are many.
 */
export interface WordColumn {
  rowids: Uint32Array;
  d: Uint32Array;
  f: Uint16Array;
}

/** f above this (a word hundreds of times in a title) leaves the word without a column. */
const MAX_F = 0xffff;
const MAX_U32 = 0xffff_ffff;
/** Bytes per posting: rowid and D (4 each), f (2). */
const POSTING_BYTES = 10;
/** A build holds at most this many bytes of columns at once; more columns take more passes. */
const PASS_BYTES = 64 * 1024 * 1024;

export function encodeColumn(c: WordColumn): Buffer {
  const n = c.rowids.length;
  const out = Buffer.alloc(n * POSTING_BYTES);
  const buf = out.buffer;
  const at = out.byteOffset;
  // Buffer.alloc may hand out a slice of a shared pool; copy through byte views so alignment never matters.
  new Uint8Array(buf, at, 4 * n).set(new Uint8Array(c.rowids.buffer, c.rowids.byteOffset, 4 * n));
  new Uint8Array(buf, at + 4 * n, 4 * n).set(new Uint8Array(c.d.buffer, c.d.byteOffset, 4 * n));
  new Uint8Array(buf, at + 8 * n, 2 * n).set(new Uint8Array(c.f.buffer, c.f.byteOffset, 2 * n));
  return out;
}

export function decodeColumn(blob: Uint8Array): WordColumn {
  const n = Math.floor(blob.length / POSTING_BYTES);
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
  const cap = base.rowids.length + changes.length;
  const out: WordColumn = { rowids: new Uint32Array(cap), d: new Uint32Array(cap), f: new Uint16Array(cap) };
  let n = 0;
  let i = 0;
  const put = (rowid: number, f: number, d: number) => {
    if (f === 0) return;
    out.rowids[n] = rowid;
    out.f[n] = f;
    out.d[n] = d;
    n++;
  };
  for (const [rowid, f, d] of changes) {
    while (i < base.rowids.length && (base.rowids[i] as number) < rowid) {
      put(base.rowids[i] as number, base.f[i] as number, base.d[i] as number);
      i++;
    }
    if (i < base.rowids.length && base.rowids[i] === rowid) i++;
    put(rowid, f, d);
  }
  for (; i < base.rowids.length; i++) put(base.rowids[i] as number, base.f[i] as number, base.d[i] as number);
  return { rowids: out.rowids.subarray(0, n), d: out.d.subarray(0, n), f: out.f.subarray(0, n) };
}

/** Rowids held by any of the columns, ascending, each once. */
function union(columns: readonly WordColumn[]): Uint32Array {
  if (columns.length === 1) return (columns[0] as WordColumn).rowids;
  const all = new Uint32Array(columns.reduce((n, c) => n + c.rowids.length, 0));
  let n = 0;
  for (const c of columns) {
    all.set(c.rowids, n);
    n += c.rowids.length;
  }
  all.sort();
  let w = 0;
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[w - 1]) all[w++] = all[r] as number;
  return all.subarray(0, w);
}

/** A forward-only cursor over a column: where `rowid` is, or -1, for rowids asked in ascending order. */
class Cursor {
  private at = 0;
  constructor(readonly column: WordColumn) {}

  find(rowid: number): number {
    const ids = this.column.rowids;
    let lo = this.at;
    if (lo >= ids.length || (ids[lo] as number) >= rowid)
      return lo < ids.length && ids[lo] === rowid ? lo : -1;
    // Galloping: double the step until past rowid, then binary search the last step.
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
    this.at = hi;
    return hi < ids.length && ids[hi] === rowid ? hi : -1;
  }
}

export interface ColumnHit {
  rowid: number;
  relevance: number;
}

/**
 * The k best papers for a plan whose every phrase is one word with a column (`columns`, by phrase index),
 * scored exactly as FTS5's bm25 (idfs by phrase, 0 for an excluded one), best first, ties lower rowid first.
 * Candidates: in `all` mode the papers of the required term whose forms hold the fewest, otherwise the
 * papers of every positive word; each is matched against the whole plan.
 */
export function columnTopK(
  plan: MatchPlan,
  columns: readonly WordColumn[],
  idfs: readonly number[],
  avgdl: number,
  k: number,
): { hits: ColumnHit[]; candidates: number } {
  const formsOf = (group: readonly number[]) => group.map((i) => columns[i] as WordColumn);
  let driver: WordColumn[];
  if (plan.mode === 'all') {
    const size = (group: readonly number[]) => formsOf(group).reduce((n, c) => n + c.rowids.length, 0);
    const smallest = plan.terms.reduce((a, b) => (size(b) < size(a) ? b : a));
    driver = formsOf(smallest);
  } else driver = formsOf(plan.terms.flat());
  const candidates = union(driver);
  const cursors = columns.map((c) => new Cursor(c));
  const freqs = new Array<number>(columns.length).fill(0);
  const hits: ColumnHit[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const rowid = candidates[c] as number;
    let d = -1;
    for (let i = 0; i < cursors.length; i++) {
      const cursor = cursors[i] as Cursor;
      const at = cursor.find(rowid);
      if (at < 0) freqs[i] = 0;
      else {
        freqs[i] = cursor.column.f[at] as number;
        d = cursor.column.d[at] as number;
      }
    }
    if (!matches(plan, freqs)) continue;
    const relevance = bm25Score(idfs, freqs, d, avgdl);
    // Rowids come in ascending order: a paper that only ties the k-th comes after it, as FTS5 orders them.
    if (hits.length === k && relevance <= (hits[k - 1] as ColumnHit).relevance) continue;
    let at = hits.length;
    while (at > 0 && (hits[at - 1] as ColumnHit).relevance < relevance) at--;
    hits.splice(at, 0, { rowid, relevance });
    if (hits.length > k) hits.length = k;
  }
  return { hits, candidates: candidates.length };
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
 * Writes the columns of `words` (term id and df) from the forward rows (impact_docs), in as many passes
 * over them as {@link PASS_BYTES} needs. In the caller's write transaction, after the forward rows.
 * Returns the postings written.
 */
export function buildColumns(db: Database.Database, words: readonly { id: number; df: number }[]): number {
  db.prepare('DELETE FROM impact_column_changes').run();
  db.prepare('DELETE FROM impact_columns').run();
  const last = (db.prepare('SELECT MAX(paper_rowid) AS m FROM impact_docs').get() as { m: number | null }).m;
  if (words.length === 0 || last === null || last > MAX_U32) return 0;
  const add = db.prepare('INSERT INTO impact_columns (term_id, postings) VALUES (?, ?)');
  const rows = db.prepare('SELECT paper_rowid, d, terms FROM impact_docs ORDER BY paper_rowid');
  const highest = words.reduce((m, w) => Math.max(m, w.id), 0);
  let written = 0;
  for (let from = 0; from < words.length; ) {
    // One pass: as many words as fit in PASS_BYTES (at least one).
    const group: { id: number; df: number }[] = [];
    for (let bytes = 0; from < words.length; from++) {
      const w = words[from] as { id: number; df: number };
      if (group.length > 0 && bytes + w.df * POSTING_BYTES > PASS_BYTES) break;
      bytes += w.df * POSTING_BYTES;
      group.push(w);
    }
    const slot = new Int32Array(highest + 1).fill(-1);
    for (const [s, w] of group.entries()) slot[w.id] = s;
    const cols = group.map((w) => ({
      rowids: new Uint32Array(w.df),
      d: new Uint32Array(w.df),
      f: new Uint16Array(w.df),
    }));
    const filled = new Int32Array(group.length);
    const fits = new Uint8Array(group.length).fill(1);
    for (const [rowid, d, terms] of rows.raw().iterate() as IterableIterator<[number, number, Uint8Array]>) {
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
        if (s < 0) continue;
        const at = filled[s] as number;
        const col = cols[s] as WordColumn;
        if (at >= col.rowids.length || f > MAX_F || d > MAX_U32) {
          fits[s] = 0;
          continue;
        }
        col.rowids[at] = rowid;
        col.d[at] = d;
        col.f[at] = f;
        filled[s] = at + 1;
      }
    }
    for (const [s, w] of group.entries()) {
      // A column must hold every paper of its word (df is the index's own count), or none is kept.
      if (fits[s] === 0 || filled[s] !== w.df) continue;
      add.run(w.id, encodeColumn(cols[s] as WordColumn));
      written += w.df;
    }
  }
  return written;
}
