import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

/**
 * Each paper's D (its tokens over every column of the index) as the last build of the word columns saw it,
 * stored once (impact_lengths, migration 19) so the segments that build writes need not hold it: a column
 * segment without D (word-columns.ts) takes its papers' D from here. 2 bytes a paper, 2 MB at a million
 * papers, against 2 bytes a posting in every column (52 million postings).
 *
 * Stored in rows of up to ROWS papers by rowid, each a blob: a byte giving the width of its values (2 or
 * 4), three bytes of padding, then one value per rowid from the row's first on, in the machine's byte
 * order (as the column segments' arrays). 0 stands for a rowid without a paper, or whose paper has no
 * forward row: no column holds such a paper. A row at first_rowid -1 holds a stamp, new at every write of
 * the table, so a reader that read it once can tell whether it has been written again since.
 */

type Prepare = (sql: string) => Database.Statement;

/** Rowids per stored row. */
const ROWS = 65_536;
const HEADER = 4;
const STAMP_ROW = -1;

/** The values of a table read back: `values[rowid]` for every rowid up to `last`. */
export interface LengthsTable {
  values: Uint16Array | Uint32Array;
  last: number;
}

/**
 * Replaces the table with `values` (`values[rowid]` is the paper's D, 0 for none), in the caller's
 * transaction. Each row is as narrow as its values allow.
 */
export function writeLengthsTable(stmt: Prepare, values: Uint32Array): void {
  stmt('DELETE FROM impact_lengths').run();
  const insert = stmt('INSERT INTO impact_lengths (first_rowid, d) VALUES (?, ?)');
  insert.run(STAMP_ROW, randomBytes(16));
  for (let first = 0; first < values.length; first += ROWS) {
    const part = values.subarray(first, Math.min(values.length, first + ROWS));
    let most = 0;
    for (const v of part) if (v > most) most = v;
    if (most === 0) continue;
    const width = most <= 0xffff ? 2 : 4;
    const blob = Buffer.alloc(HEADER + part.length * width);
    blob[0] = width;
    const array = width === 2 ? Uint16Array.from(part) : part;
    blob.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), HEADER);
    insert.run(first, blob);
  }
}

/** The table's stamp (new at every write of it), or null when it has none (empty). */
export function lengthsStamp(stmt: Prepare): Buffer | null {
  return (stmt('SELECT d FROM impact_lengths WHERE first_rowid = ?').pluck().get(STAMP_ROW) ??
    null) as Buffer | null;
}

/**
 * The table's rows, each as [first rowid, values], or null when one is damaged (a width other than 2 or
 * 4, or a length that is not a whole number of values): no segment without D is then read (those with
 * their own D are), until a build writes the table again.
 */
function rowsOf(stmt: Prepare): [number, Uint16Array | Uint32Array][] | null {
  const rows = stmt('SELECT first_rowid, d FROM impact_lengths WHERE first_rowid >= 0 ORDER BY first_rowid')
    .raw()
    .all() as [number, Buffer][];
  const out: [number, Uint16Array | Uint32Array][] = [];
  for (const [first, blob] of rows) {
    const width = blob[0];
    if ((width !== 2 && width !== 4) || (blob.length - HEADER) % width !== 0) return null;
    // A copy, aligned for its typed array (a blob from SQLite may sit anywhere in its buffer).
    const bytes = Uint8Array.from(blob.subarray(HEADER));
    out.push([first, width === 2 ? new Uint16Array(bytes.buffer) : new Uint32Array(bytes.buffer)]);
  }
  return out;
}

/**
 * Calls `into(last, wide)` once for room for every rowid the table holds (D past 16 bits when `wide`),
 * then writes each value into the array it returns. Returns the highest rowid held (0 for an empty
 * table), or null when the table is damaged (nothing is written then).
 */
export function readLengthsTable(
  stmt: Prepare,
  into: (last: number, wide: boolean) => Uint16Array | Uint32Array,
): number | null {
  const rows = rowsOf(stmt);
  if (rows === null) return null;
  const tail = rows.at(-1);
  if (!tail) return 0;
  const last = tail[0] + tail[1].length - 1;
  const values = into(
    last,
    rows.some(([, v]) => v instanceof Uint32Array),
  );
  for (const [first, v] of rows) values.set(v, first);
  return last;
}

/** The table as one array by rowid (for a fold of a segment without D), or null when damaged. */
export function lengthsTable(stmt: Prepare): LengthsTable | null {
  let values: Uint16Array | Uint32Array = new Uint16Array(0);
  const last = readLengthsTable(stmt, (n, wide) => {
    values = wide ? new Uint32Array(n + 1) : new Uint16Array(n + 1);
    return values;
  });
  return last === null ? null : { values, last };
}

/**
 * The lengths table, read at the first call and kept: for a fold of a segment without D (the segments a
 * fold writes keep their D). One for every fold of a write: a day's write folds dozens of columns, and
 * the table is 2 MB at a million papers. Only within one transaction: a build may write it again after.
 */
export function lengthsTableOnce(stmt: Prepare): () => LengthsTable | null {
  let held: LengthsTable | null | undefined;
  return () => {
    if (held === undefined) held = lengthsTable(stmt);
    return held;
  };
}
