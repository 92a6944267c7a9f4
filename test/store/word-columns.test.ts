import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, syntheticPapers } from '../../bench/synthetic.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import { LongFormPostings } from '../../src/store/sqlite/abbreviation-columns.ts';
import { blockMaxTopK } from '../../src/store/sqlite/block-max.ts';
import { bm25Score, impact, K1 } from '../../src/store/sqlite/bm25.ts';
import { ColumnCache } from '../../src/store/sqlite/column-cache.ts';
import { lengthsTable, writeLengthsTable } from '../../src/store/sqlite/lengths-table.ts';
import { ListBlocks } from '../../src/store/sqlite/list-blocks.ts';
import { encodeTerms } from '../../src/store/sqlite/listed-counts.ts';
import { type MatchPlan, matches } from '../../src/store/sqlite/match-plan.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import {
  appendPostings,
  buildColumns,
  ColumnFormatError,
  type ColumnMemory,
  type ColumnPostings,
  columnWords,
  completeFromColumns,
  decodeColumn,
  encodeColumn,
  foldColumn,
  MAX_LENGTHS_ROWID,
  PaperLengths,
  readColumn,
  type WordColumn,
  withChanges,
  writeColumn,
} from '../../src/store/sqlite/word-columns.ts';

/** A column from [rowid, f, D] postings. */
const column = (postings: [number, number, number][]): WordColumn => ({
  rowids: Uint32Array.from(postings.map((p) => p[0])),
  f: Uint16Array.from(postings.map((p) => p[1])),
  d: Uint32Array.from(postings.map((p) => p[2])),
});
const postings = (c: WordColumn) => [...c.rowids].map((r, i) => [r, c.f[i], c.d[i]]);

type Posting = [rowid: number, f: number, d: number];

/** `n` postings from rowid `first`, a gap of 1-40 between them (a paper in about 20 rowids), f and D at random. */
function randomPostings(seed: number, n: number, first: number): Posting[] {
  const random = rng(seed);
  const out: Posting[] = [];
  for (let i = 0, rowid = first; i < n; i++, rowid += 1 + Math.floor(random() * 40))
    out.push([rowid, 1 + Math.floor(random() * 30), 20 + Math.floor(random() * 400)]);
  return out;
}

/** The rowid gap before posting `i`. */
const gapAt = (c: readonly Posting[], i: number) => (c[i] as Posting)[0] - (c[i - 1] as Posting)[0];

/** `blob` decodes to `expected` read from each byte offset given (typed arrays need their alignment). */
function expectDecodedFrom(offsets: readonly number[], blob: Buffer, expected: unknown): void {
  for (const offset of offsets) {
    const shifted = Buffer.alloc(blob.length + offset);
    blob.copy(shifted, offset);
    expect(postings(decodeColumn(shifted.subarray(offset)))).toEqual(expected);
  }
}

/** A column as a search reads it (readColumn), as [rowid, f, D] postings: D from the lengths it wrote. */
function readRows(
  stmt: Parameters<typeof readColumn>[0],
  id: number,
  lengths = new PaperLengths(),
  memory?: ColumnMemory,
) {
  return rowsOf(readColumn(stmt, id, lengths, memory), lengths);
}

const rowsOf = (c: ColumnPostings | undefined, lengths: PaperLengths) =>
  c && [...c.rowids].map((r, i) => [r, c.f[i], lengths.values[r]]);

/**
 * Runs `test` on a scratch store's raw database and statements (for columns written and read by hand),
 * closed and removed after.
 */
async function withScratchStore(
  test: (db: SqliteStore['rawDatabase'], stmt: Parameters<typeof readColumn>[0]) => void | Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-columns-'));
  const store = SqliteStore.open(join(dir, 'c.db'));
  try {
    const db = store.rawDatabase;
    await test(db, (sql) => db.prepare(sql));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Small lists and columns, so 1,500 papers give words with columns and papers beyond the lists. */
const LENGTHS_ARCHIVE = {
  impact: { minDf: 60, listSize: 40, shortListSize: 30, shortMinDf: 30, columnBudget: 100 },
};

const query = (text: string) => {
  const q = parseSearchQuery(text);
  if (!q.ok) throw new Error(q.error);
  return q.query;
};

/**
 * Checks the store's top 150 for `text` against FTS5 scoring every match (the same papers, the same
 * scores) and returns the path it took. 150 reaches beyond the papers the lists hold (40 a word), which a
 * search scores from their entries, so some are scored with the D the columns' reads leave by rowid.
 */
function sameAsExact(s: SqliteStore, text: string): string {
  const ours = s.rank(query(text), 150);
  const path = s.lastSearchPath;
  const exact = s.exactRank(query(text), 150);
  expect(
    ours.map((h) => h.rowid),
    text,
  ).toEqual(exact.map((h) => h.rowid));
  for (const [i, h] of ours.entries())
    expect(h.relevance, text).toBeCloseTo((exact[i] as { relevance: number }).relevance, 9);
  return path;
}

/** A paper whose text grows by words no query here holds: its D, and so its scores, change. */
const grown = <P extends { abstract: string }>(paper: P): P => ({
  ...paper,
  abstract: `${paper.abstract} ${'tangential remark '.repeat(40)}`,
});

/** Another connection (another instance) writes `paper` as given and builds the lists again. */
async function rebuiltElsewhere(file: string, paper: Paper): Promise<void> {
  const other = SqliteStore.open(file, LENGTHS_ARCHIVE);
  try {
    await other.upsertPapers([paper]);
    await other.refreshSearchLists();
  } finally {
    await other.close();
  }
}

/**
 * 1,500 synthetic papers at `file` with their lists and columns built; a query of two words the columns
 * answer, and the paper ranked 100th for it (outside the lists' heads).
 */
async function columnsArchive(file: string) {
  const store = SqliteStore.open(file, LENGTHS_ARCHIVE);
  const papers = syntheticPapers(1500, 9);
  await store.upsertPapers(papers);
  await store.refreshSearchLists();
  const db = store.rawDatabase;
  // Two words with columns in under half the papers (a word in more has idf 1e-6: its D would move a
  // score by millionths), as stored stems, which the tokenizer keeps as they are.
  const stems = db
    .prepare(
      `SELECT t.term FROM impact_terms t WHERE t.term GLOB '[a-z]*' AND t.term NOT LIKE '% %'
         AND t.df BETWEEN 150 AND 700 AND EXISTS (SELECT 1 FROM impact_columns c WHERE c.term_id = t.id)
       ORDER BY t.df DESC`,
    )
    .pluck()
    .all() as string[];
  const pairs = stems.flatMap((a, i) => stems.slice(i + 1).map((b) => `${a} ${b}`));
  const text = pairs.find((t) => sameAsExact(store, t) === 'columns') as string;
  expect(text).toBeDefined();
  const best = store.exactRank(query(text), 100)[99]?.rowid as number;
  const id = db.prepare('SELECT id FROM papers WHERE rowid = ?').pluck().get(best) as string;
  const paper = papers.find((p) => p.id === id) as (typeof papers)[number];
  return { store, papers, text, best, paper };
}

/** Each paper's D by rowid, as readColumn writes them, from columns that agree on every paper's D. */
function lengthsOf(columns: readonly WordColumn[]): Uint32Array {
  const out = new Uint32Array(1 + Math.max(0, ...columns.flatMap((c) => [...c.rowids])));
  for (const c of columns) for (const [i, r] of c.rowids.entries()) out[r] = c.d[i] as number;
  return out;
}

describe('word columns', () => {
  it('round-trips through its blob, whatever the alignment of the bytes it is read from', () => {
    const c = column([
      [1, 3, 120],
      [7, 65535, 4_000_000_000],
      [4_294_967_295, 1, 9],
    ]);
    const blob = encodeColumn(c);
    // Every array wide: a 12-byte header and 10 bytes a paper.
    expect(blob.length).toBe(12 + 3 * 10);
    expectDecodedFrom([3], blob, postings(c));
  });

  it('packs each array as narrow as its values allow, and widens only the one a value does not fit', () => {
    const base = randomPostings(11, 5_000, 5);
    // Each narrow limit reached exactly (a gap of 65,535, a D of 65,535, an f of 255): still narrow.
    const shift = 65_535 - gapAt(base, 100);
    const atLimits = base.map(([r, f, d], i): [number, number, number] => [
      i >= 100 ? r + shift : r,
      i === 4_999 ? 255 : f,
      i === 7 ? 65_535 : d,
    ]);
    expect(gapAt(atLimits, 100)).toBe(65_535);
    const packed = encodeColumn(column(atLimits));
    // Gaps and D in 2 bytes, f in 1.
    expect(packed.length).toBe(12 + 5_000 * 5);
    // Read back from any alignment of the bytes.
    expectDecodedFrom([0, 1, 2, 3], packed, atLimits);
    // One value past each: a gap of 65,536, a D of 65,536, an f of 256.
    const gap = atLimits.map(([r, f, d], i): [number, number, number] => [i >= 100 ? r + 1 : r, f, d]);
    const long = atLimits.map(([r, f, d], i): [number, number, number] => [r, f, i === 7 ? 65_536 : d]);
    const often = atLimits.map(([r, f, d], i): [number, number, number] => [r, i === 4_999 ? 256 : f, d]);
    expect(gapAt(gap, 100)).toBe(65_536);
    for (const [wider, bytes] of [
      [gap, 4 + 2 + 1],
      [long, 2 + 4 + 1],
      [often, 2 + 2 + 2],
    ] as const) {
      const blob = encodeColumn(column([...wider]));
      expect(blob.length).toBe(12 + 5_000 * bytes);
      expectDecodedFrom([0, 2], blob, wider);
    }
    // A blob cut short is refused, never read as a shorter column; rowids out of order are never packed.
    expect(() => decodeColumn(packed.subarray(0, packed.length - 5))).toThrow(/length/);
    expect(() => decodeColumn(packed.subarray(0, 6))).toThrow(ColumnFormatError);
    expect(() =>
      encodeColumn(
        column([
          [10, 1, 5],
          [5, 1, 5],
        ]),
      ),
    ).toThrow(/order/);
  });

  it('keeps rowid gaps of up to 255 in one byte, after f of either width, and refuses a header claiming both', async () => {
    // A paper in about 20 rowids: sparse enough that gaps, not a bitmap, are the smaller.
    const base = randomPostings(12, 4_000, 3);
    // One gap exactly 255: every gap still fits a byte, D in 2 bytes, f in 1.
    const shift = 255 - gapAt(base, 50);
    const at255 = base.map(([r, f, d], i): [number, number, number] => [i >= 50 ? r + shift : r, f, d]);
    expect(gapAt(at255, 50)).toBe(255);
    const narrow = encodeColumn(column(at255));
    expect(narrow.length).toBe(12 + 4_000 * 4);
    // One more: the gaps take 2 bytes. An f past a byte: 2 bytes for f, the gaps' byte after it.
    const past = at255.map(([r, f, d], i): [number, number, number] => [i >= 50 ? r + 1 : r, f, d]);
    const wideF = at255.map(([r, f, d], i): [number, number, number] => [r, i === 9 ? 300 : f, d]);
    for (const [c, bytes] of [
      [at255, 1 + 2 + 1],
      [past, 2 + 2 + 1],
      [wideF, 1 + 2 + 2],
    ] as const) {
      const blob = encodeColumn(column([...c]));
      expect(blob.length).toBe(12 + 4_000 * bytes);
      expectDecodedFrom([0, 1, 2, 3], blob, c);
    }
    // Flags 1 and 8 together (2-byte and 1-byte gaps) describe no layout: refused, never read.
    const both = Buffer.from(narrow);
    both[0] = (both[0] as number) | 1;
    expect(() => decodeColumn(both)).toThrow(ColumnFormatError);
    // A store's column of segments packed both ways reads as one column, in rowid order.
    await withScratchStore(async (db, stmt) => {
      const last = (past.at(-1) as number[])[0] as number;
      const next = at255.map(([r, f, d]): [number, number, number] => [r + last, f, d]);
      db.transaction(() => {
        writeColumn(stmt, 1, column(past));
        writeColumn(stmt, 1, column(next));
      })();
      expect(readRows(stmt, 1)).toEqual([...past, ...next]);
    });
  });

  it('keeps the rowids of a word in more than an eighth of the papers as a bitmap, and refuses a damaged one', async () => {
    const random = rng(21);
    const every = (step: number, n: number, from = 7): [number, number, number][] =>
      Array.from({ length: n }, (_, i) => [from + i * step, 1 + (i % 9), 30 + (i % 300)]);
    // A paper every 8th rowid: the bitmap (a byte a paper) is no smaller than the gaps, which stay.
    expect(encodeColumn(column(every(8, 800))).length).toBe(12 + 800 * (1 + 2 + 1));
    // Every 7th: the bitmap, 700 bytes for 800 papers, in place of the gaps.
    const seventh = every(7, 800);
    const sparse = encodeColumn(column(seventh));
    expect(sparse.length).toBe(12 + 800 * (2 + 1) + Math.ceil((799 * 7 + 1) / 8));
    // Every rowid, and a third of them at random with f and D past 16 and 8 bits, rowids past 2^24.
    const dense = every(1, 5_000);
    const third: [number, number, number][] = [];
    for (let rowid = 2 ** 24 + 5; third.length < 3_000; rowid++)
      if (random() < 0.33)
        third.push([rowid, third.length === 7 ? 400 : 1, third.length === 9 ? 70_000 : 55]);
    for (const c of [seventh, dense, third]) {
      const blob = encodeColumn(column(c));
      expectDecodedFrom([0, 1, 2, 3], blob, c);
    }
    // Without D (the lengths table holds them) as well.
    const table = new Uint32Array(5_010);
    for (const [r, , d] of dense) table[r] = d;
    const withoutD = encodeColumn(column(dense), table);
    expect(withoutD.length).toBe(12 + 5_000 + Math.ceil(5_000 / 8));
    expect(postings(decodeColumn(withoutD, () => ({ values: table, last: 5_009 })))).toEqual(dense);
    // A bit cleared or one set past the papers the header counts: refused, never read as another column.
    const fewer = Buffer.from(sparse);
    fewer[fewer.length - 1] = 0;
    expect(() => decodeColumn(fewer)).toThrow(ColumnFormatError);
    const more = Buffer.from(sparse);
    more[more.length - 3] = 0xff;
    expect(() => decodeColumn(more)).toThrow(ColumnFormatError);
    // A bitmap beside a gaps flag describes no layout; a bitmap whose size disagrees with the blob's: refused.
    const twoLayouts = Buffer.from(sparse);
    twoLayouts[0] = (twoLayouts[0] as number) | 8;
    expect(() => decodeColumn(twoLayouts)).toThrow(ColumnFormatError);
    const resized = Buffer.from(sparse);
    resized[1] = (resized[1] as number) + 1;
    expect(() => decodeColumn(resized)).toThrow(ColumnFormatError);
    // A store's column of a bitmap segment and a gaps segment reads as one column, in rowid order.
    await withScratchStore(async (db, stmt) => {
      const after = every(30, 500, 20_000);
      db.transaction(() => {
        writeColumn(stmt, 1, column(dense));
        writeColumn(stmt, 1, column(after));
      })();
      expect(readRows(stmt, 1)).toEqual([...dense, ...after]);
    });
  });

  it("leaves D out of a segment only where the lengths table holds every paper's D as it does", () => {
    const c = column([
      [3, 2, 40],
      [9, 1, 55],
      [20, 4, 70],
    ]);
    const table = new Uint32Array(21);
    table[3] = 40;
    table[9] = 55;
    table[20] = 70;
    const without = encodeColumn(c, table);
    // Gaps and f in a byte each, no D.
    expect(without.length).toBe(12 + 3 * 2);
    expect(postings(decodeColumn(without, () => ({ values: table, last: 20 })))).toEqual(postings(c));
    // Read without the table, or with one lacking a paper: refused, never read with another D.
    expect(() => decodeColumn(without)).toThrow(ColumnFormatError);
    expect(() => decodeColumn(without, () => ({ values: table.subarray(0, 10), last: 9 }))).toThrow(
      ColumnFormatError,
    );
    // One paper's D not the table's: the segment keeps every D.
    table[9] = 56;
    const kept = encodeColumn(c, table);
    expect(kept.length).toBe(12 + 3 * 4);
    expect(postings(decodeColumn(kept))).toEqual(postings(c));
  });

  it("reads each paper's D from the lengths table a build wrote, again whenever another build wrote it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-lengths-'));
    const file = join(dir, 'a.db');
    const built = await columnsArchive(file);
    let store = built.store;
    const { papers, text, best, paper } = built;
    try {
      const db = store.rawDatabase;
      const stmt = (sql: string) => db.prepare(sql);
      // Every word's segment the build wrote holds no D (flag 16; a long form's keeps its own, written from
      // the postings set aside); the table holds each paper's, as its forward row does.
      const blobs = db
        .prepare(
          `SELECT c.postings FROM impact_columns c JOIN impact_terms t ON t.id = c.term_id
           WHERE t.term NOT LIKE '% %'`,
        )
        .pluck()
        .all() as Buffer[];
      expect(blobs.length).toBeGreaterThan(5);
      expect(blobs.every((b) => ((b[0] as number) & 16) !== 0)).toBe(true);
      const table = lengthsTable(stmt);
      const docs = db.prepare('SELECT paper_rowid, d FROM impact_docs').raw().all() as [number, number][];
      expect(docs.length).toBe(papers.length);
      for (const [rowid, d] of docs) expect(table?.values[rowid]).toBe(d);
      // Its text grows by words the query lacks (D changes, and so its score), then the lists are built
      // again: the new table holds its new D, and no change row does. A search that kept the table it read
      // before would score it with its old D.
      await store.upsertPapers([grown(paper)]);
      await store.refreshSearchLists();
      expect(lengthsTable(stmt)?.values[best]).toBeGreaterThan(table?.values[best] as number);
      expect(sameAsExact(store, text)).toBe('columns');
      // Through another connection (another instance), the paper's text as it was (its D back to the first)
      // and a build: seen at the next search here, which would otherwise score the paper with the D of the
      // table it read last.
      await rebuiltElsewhere(file, paper);
      expect(sameAsExact(store, text)).toBe('columns');
      // A damaged table: the columns are not read (searched without them, exactly), never read with wrong D.
      db.prepare("UPDATE impact_lengths SET d = X'03000000' WHERE first_rowid = 0").run();
      await store.close();
      store = SqliteStore.open(file, LENGTHS_ARCHIVE);
      expect(sameAsExact(store, text)).not.toBe('columns');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads ahead of the first search (prepareForSearch: the lengths table, the largest column), and a paper changed since its build is still scored with its D now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-lengths-'));
    const file = join(dir, 'a.db');
    const built = await columnsArchive(file);
    await built.store.close();
    const { text, best, paper } = built;
    // A process starting on the archive: nothing read yet.
    const store = SqliteStore.open(file, LENGTHS_ARCHIVE);
    try {
      const stmt = (sql: string) => store.rawDatabase.prepare(sql);
      const builtD = lengthsTable(stmt)?.values[best] as number;
      // The paper grows with no build after: the table keeps its old D; its change rows hold the new one.
      await store.upsertPapers([grown(paper)]);
      expect(lengthsTable(stmt)?.values[best]).toBe(builtD);
      await store.prepareForSearch();
      expect(sameAsExact(store, text)).toBe('columns');
      // Asked again with the columns held: reading the table again now would put the paper's old D back
      // under the columns held, which a change row's D was written over.
      await store.prepareForSearch();
      expect(sameAsExact(store, text)).toBe('columns');
      // Another instance builds again: the next search here reads the new table, whatever was read ahead.
      await rebuiltElsewhere(file, paper);
      await store.prepareForSearch();
      expect(lengthsTable(stmt)?.values[best]).toBe(builtD);
      expect(sameAsExact(store, text)).toBe('columns');
      // An archive with no lists built has nothing to read ahead, and is searched as before.
      const bare = SqliteStore.open(join(dir, 'bare.db'), LENGTHS_ARCHIVE);
      try {
        await bare.upsertPapers(syntheticPapers(50, 3));
        await bare.prepareForSearch();
        expect(sameAsExact(bare, 'model')).not.toBe('columns');
      } finally {
        await bare.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads columns holding their own D when the lengths table is damaged, never one without D', async () => {
    await withScratchStore(async (db, stmt) => {
      const c = column([
        [2, 1, 30],
        [5, 3, 41],
        [8, 2, 52],
      ]);
      const table = new Uint32Array(9);
      for (const [i, r] of c.rowids.entries()) table[r] = c.d[i] as number;
      db.transaction(() => {
        writeLengthsTable(stmt, table);
        writeColumn(stmt, 1, c);
        writeColumn(stmt, 2, c, table);
      })();
      expect(readRows(stmt, 2)).toEqual(postings(c));
      db.prepare("UPDATE impact_lengths SET d = X'03000000' WHERE first_rowid = 0").run();
      const lengths = new PaperLengths();
      expect(() => readColumn(stmt, 2, lengths)).toThrow(ColumnFormatError);
      expect(rowsOf(readColumn(stmt, 1, lengths), lengths)).toEqual(postings(c));
      expect(() => readColumn(stmt, 2, lengths)).toThrow(ColumnFormatError);
    });
  });

  it('refuses a column without D holding a paper the lengths table gives none, whatever its layout', async () => {
    // Dense rowids are stored as a bitmap, sparse ones as gaps: both are checked against the table's
    // holes (rowids it gives no D) rather than paper by paper.
    for (const rowids of [
      [2, 5, 8],
      [2, 300, 900],
    ]) {
      await withScratchStore(async (db, stmt) => {
        const c = column(rowids.map((r, i) => [r, 1 + i, 30 + r] as [number, number, number]));
        const table = new Uint32Array(1000);
        for (const [i, r] of c.rowids.entries()) table[r] = c.d[i] as number;
        // A paper past the column's: the table's holes between and around the column's papers are no
        // reason to refuse it.
        table[999] = 17;
        db.transaction(() => {
          writeLengthsTable(stmt, table);
          writeColumn(stmt, 2, c, table);
        })();
        // The segment's first byte holds its layout (encodeColumn): a bitmap (32), or 16-bit gaps (1).
        const layout = (
          db.prepare('SELECT postings FROM impact_columns WHERE term_id = 2').pluck().get() as Buffer
        )[0] as number;
        expect(layout & (rowids[1] === 5 ? 32 : 1)).not.toBe(0);
        const lengths = new PaperLengths();
        expect(rowsOf(readColumn(stmt, 2, lengths), lengths)).toEqual(postings(c));
        // The middle paper's D gone from the table (written again by another build): refused, as is a
        // table that ends before the column's last paper.
        const holed = table.slice();
        holed[rowids[1] as number] = 0;
        writeLengthsTable(stmt, holed);
        expect(() => readColumn(stmt, 2, new PaperLengths())).toThrow(ColumnFormatError);
        writeLengthsTable(stmt, table.slice(0, (rowids[2] as number) - 1));
        expect(() => readColumn(stmt, 2, new PaperLengths())).toThrow(ColumnFormatError);
      });
    }
    // The column's papers in a row of the table that another build left out (a row of zeros is not
    // stored): refused, though an earlier read of the table had left their D in memory.
    await withScratchStore(async (db, stmt) => {
      const c = column([70_000, 70_003, 70_006].map((r) => [r, 2, 40] as [number, number, number]));
      const table = new Uint32Array(140_000);
      for (const r of c.rowids) table[r] = 40;
      table[139_999] = 9;
      db.transaction(() => {
        writeLengthsTable(stmt, table);
        writeColumn(stmt, 2, c, table);
      })();
      const lengths = new PaperLengths();
      expect(rowsOf(readColumn(stmt, 2, lengths), lengths)).toEqual(postings(c));
      const without = table.slice();
      for (const r of c.rowids) without[r] = 0;
      writeLengthsTable(stmt, without);
      lengths.forgetTable();
      expect(() => readColumn(stmt, 2, lengths)).toThrow(ColumnFormatError);
    });
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

  it('reads a column with its changes merged in place, into narrow arrays unless a value needs wide ones', async () => {
    await withScratchStore(async (db, stmt) => {
      const change = db.prepare(
        'INSERT OR REPLACE INTO impact_column_changes (term_id, paper_rowid, f, d) VALUES (?, ?, ?, ?)',
      );
      const random = rng(11);
      const int = (n: number) => Math.floor(random() * n);
      // Many small columns, each with changes of every kind: removals, new values, new papers before,
      // among and after its papers; as many changes as papers in some, so the merge starts from the front.
      // Read through one small cache too, whose buffer wraps many times: reused memory, never zeroed.
      const cache = new ColumnCache(8_192, () => 8_192);
      const shared = new PaperLengths();
      for (let id = 1; id <= 60; id++) {
        const expected = new Map<number, [number, number]>();
        const papers = 1 + int(300);
        for (let i = 0; i < papers; i++) expected.set(1_000 + 5 * i + int(4), [1 + int(30), 20 + int(500)]);
        // One column in seven is stored wide already (an f over 255 in its segment).
        const storedWide = id % 7 === 0;
        if (storedWide) expected.set(999, [300, 40]);
        const base = [...expected].sort((a, b) => a[0] - b[0]);
        db.transaction(() =>
          writeColumn(stmt, id, column(base.map(([r, [f, d]]) => [r, f, d] as [number, number, number]))),
        )();
        const changes = id % 3 === 0 ? papers : int(papers);
        // One column in five gets a value only a wide array holds.
        const wide = id % 5 === 0 ? (id % 10 === 0 ? 'f' : 'd') : null;
        for (let c = 0; c < changes; c++) {
          const kind = int(4);
          const at = base[int(base.length)]?.[0] as number;
          const rowid =
            kind === 0 ? at : kind === 1 ? 1 + int(999) : kind === 2 ? 2_000 + 5 * papers + int(900) : at + 1;
          const f = kind === 0 && c % 2 === 0 ? 0 : 1 + int(200);
          const d = 20 + int(500);
          change.run(id, rowid, f, d);
          if (f === 0) expected.delete(rowid);
          else expected.set(rowid, [f, d]);
        }
        if (wide) {
          const rowid = 1_000_000 + id;
          change.run(id, rowid, wide === 'f' ? 300 : 2, wide === 'd' ? 70_000 : 40);
          expected.set(rowid, wide === 'f' ? [300, 40] : [2, 70_000]);
        }
        const want = [...expected].sort((a, b) => a[0] - b[0]).map(([r, [f, d]]) => [r, f, d]);
        const lengths = new PaperLengths();
        const read = readColumn(stmt, id, lengths);
        expect(rowsOf(read, lengths)).toEqual(want);
        expect(read?.f).toBeInstanceOf(wide === 'f' || storedWide ? Uint16Array : Uint8Array);
        expect(lengths.values).toBeInstanceOf(wide === 'd' ? Uint32Array : Uint16Array);
        // The same through the cache's reused buffer, into lengths that other columns wrote first (their
        // papers' D differ from this column's: each column here is made up on its own).
        cache.startSearch();
        const held = cache.load(id, (memory) => readColumn(stmt, id, shared, memory));
        expect(rowsOf(held, shared)).toEqual(want);
      }
    });
  });

  it("keeps each paper's D once for every column read, its new D whichever column is read last", async () => {
    await withScratchStore(async (db, stmt) => {
      // Papers 10 and 20 hold words 1 and 2 (D 100 and 200 as built). Paper 10's text changed since: it
      // no longer holds word 1 (a removal, whose D is 0) and its D is now 150; paper 20 grew to D 260.
      db.transaction(() => {
        writeColumn(
          stmt,
          1,
          column([
            [10, 1, 100],
            [20, 2, 200],
            [30, 1, 300],
          ]),
        );
        writeColumn(
          stmt,
          2,
          column([
            [10, 3, 100],
            [20, 1, 200],
          ]),
        );
      })();
      const change = db.prepare(
        'INSERT INTO impact_column_changes (term_id, paper_rowid, f, d) VALUES (?, ?, ?, ?)',
      );
      change.run(1, 10, 0, 0);
      change.run(1, 20, 2, 260);
      change.run(2, 10, 2, 150);
      change.run(2, 20, 1, 260);
      for (const order of [
        [1, 2],
        [2, 1],
      ]) {
        const lengths = new PaperLengths();
        const read = order.map((id) => readColumn(stmt, id, lengths) as ColumnPostings);
        const [one, two] = order[0] === 1 ? read : [...read].reverse();
        expect([...(one as ColumnPostings).rowids], `order ${order}`).toEqual([20, 30]);
        expect([...(two as ColumnPostings).rowids], `order ${order}`).toEqual([10, 20]);
        expect(
          [10, 20, 30].map((r) => lengths.values[r]),
          `order ${order}`,
        ).toEqual([150, 260, 300]);
      }
      // A D past 16 bits widens the lengths, and the D read before stay.
      const lengths = new PaperLengths();
      readColumn(stmt, 1, lengths);
      change.run(2, 40, 1, 70_000);
      readColumn(stmt, 2, lengths);
      expect(lengths.values).toBeInstanceOf(Uint32Array);
      expect([10, 20, 30, 40].map((r) => lengths.values[r])).toEqual([150, 260, 300, 70_000]);
    });
  });

  it("writes a long column's D segment by segment, leaving its changed papers' to the changes", async () => {
    await withScratchStore(async (db, stmt) => {
      // 150,000 papers, stored as three segments, every D 100 as built. Since: paper 70,000 (mid second
      // segment) has D 555, papers 100,000 and 140,000 (mid second and third) no longer hold the word;
      // paper 90,000 holds it more.
      db.transaction(() =>
        writeColumn(
          stmt,
          1,
          column(Array.from({ length: 150_000 }, (_, i) => [i + 1, 1, 100] as [number, number, number])),
        ),
      )();
      expect(db.prepare('SELECT COUNT(*) FROM impact_columns WHERE term_id = 1').pluck().get()).toBe(3);
      const change = db.prepare(
        'INSERT INTO impact_column_changes (term_id, paper_rowid, f, d) VALUES (1, ?, ?, ?)',
      );
      change.run(70_000, 2, 555);
      change.run(90_000, 3, 100);
      change.run(100_000, 0, 0);
      change.run(140_000, 0, 0);
      // Another column read first wrote those two papers' D now (888 and 777: they hold that word still).
      const lengths = new PaperLengths();
      lengths.reserve(150_000, false);
      lengths.values[100_000] = 888;
      lengths.values[140_000] = 777;
      const read = readColumn(stmt, 1, lengths) as ColumnPostings;
      expect(read.rowids.length).toBe(149_998);
      expect(read.rowids.includes(100_000) || read.rowids.includes(140_000)).toBe(false);
      const at = [1, 65_536, 65_537, 70_000, 90_000, 100_000, 140_000, 150_000];
      expect(at.map((r) => lengths.values[r])).toEqual([100, 100, 100, 555, 100, 888, 777, 100]);
      // A rowid past what the lengths keep in memory: the column is refused as one it cannot read.
      change.run(MAX_LENGTHS_ROWID + 1, 1, 100);
      expect(() => readColumn(stmt, 1, new PaperLengths())).toThrow(ColumnFormatError);
    });
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
      const scored = completeFromColumns(
        plan,
        [a, b, x],
        lengthsOf([a, b, x]),
        idfs,
        avgdl,
        outside,
        seen,
        kth,
        keep,
      );
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
      expect(blockMaxTopK(plan, [a, b, x], lengthsOf([a, b, x]), idfs, avgdl, k).hits).toEqual(
        all.slice(0, k),
      );
    // Any of the words, less the excluded one: all 40 papers but 5 and 21, each looked up once.
    const kept: number[] = [];
    const looked = completeFromColumns(
      { ...plan, mode: 'any' },
      [a, b, x],
      lengthsOf([a, b, x]),
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

  it("completes a query of a term's two forms (an abbreviation's) exactly, walking only the form that can reach the top", () => {
    // `s` in most papers and weighing little (a common short form), `l` in some (its long form), `w` a
    // second required term, `v` a third: FTS5's semantics, `(s OR l) AND w`, `w AND (s OR l) AND v`,
    // and `s OR l` alone.
    const random = rng(9);
    const n = 3000;
    const s: [number, number, number][] = [];
    const l: [number, number, number][] = [];
    const w: [number, number, number][] = [];
    const v: [number, number, number][] = [];
    const d = (rowid: number) => 60 + (rowid % 200);
    for (let rowid = 1; rowid <= n; rowid++) {
      if (random() < 0.6) s.push([rowid, 1 + Math.floor(random() * 4), d(rowid)]);
      if (random() < 0.1) l.push([rowid, 1 + Math.floor(random() * 12), d(rowid)]);
      if (random() < 0.4) w.push([rowid, 1 + Math.floor(random() * 3), d(rowid)]);
      if (random() < 0.7) v.push([rowid, 1 + Math.floor(random() * 2), d(rowid)]);
    }
    const cols = [column(s), column(l), column(w), column(v)];
    const idfs = [0.1, 2.2, 0.9, 0.4];
    const avgdl = 160;
    for (const plan of [
      { terms: [[0, 1], [2]], mode: 'all' as const },
      { terms: [[2], [0, 1], [3]], mode: 'all' as const },
      { terms: [[0, 1]], mode: 'all' as const },
      { terms: [[0, 1], [2]], mode: 'any' as const },
    ]) {
      const full: MatchPlan = {
        phrases: [['s'], ['l'], ['w'], ['v']],
        sources: [['s'], ['l'], ['w'], ['v']],
        excluded: [],
        ...plan,
      };
      const used = plan.terms.flat();
      const idfsOf = idfs.map((x, i) => (used.includes(i) ? x : 0));
      const brute = Array.from({ length: n }, (_, i) => i + 1)
        .map((rowid) => {
          const freqs = cols.map((c) => {
            const at = c.rowids.indexOf(rowid);
            return at < 0 ? 0 : (c.f[at] as number);
          });
          return { rowid, freqs, dl: d(rowid) };
        })
        .filter((p) => matches(full, p.freqs))
        .map((p) => ({ rowid: p.rowid, relevance: bm25Score(idfsOf, p.freqs, p.dl, avgdl) }))
        .sort((p, q) => q.relevance - p.relevance || p.rowid - q.rowid);
      for (const k of [1, 10, 50, 400]) {
        const hits: { rowid: number; relevance: number }[] = [];
        const kth = () => (hits.length >= k ? (hits[k - 1] as { relevance: number }).relevance : -1);
        const keep = (hit: { rowid: number; relevance: number }) => {
          hits.push(hit);
          hits.sort((p, q) => q.relevance - p.relevance || p.rowid - q.rowid);
          hits.length = Math.min(hits.length, k);
        };
        // As the lists leave it: their best paper scored, every other bounded by k1 + 1 (an impact's limit).
        const first = brute[0] as { rowid: number; relevance: number };
        keep(first);
        const outside = cols.map((_, i) => (used.includes(i) ? K1 + 1 : 0));
        const scored = completeFromColumns(
          full,
          cols,
          lengthsOf(cols),
          idfsOf,
          avgdl,
          outside,
          new Set([first.rowid]),
          kth,
          keep,
        );
        expect(hits, `${JSON.stringify(plan)} k ${k}`).toEqual(brute.slice(0, k));
        // `s` alone cannot reach the top once a paper with `l` is kept: only `l`'s papers are walked.
        if (plan.terms.length === 1 && k === 1) expect(scored).toBeLessThanOrEqual(l.length);
        // Block-max pruning led by `w` (a term without alternatives) over the same columns: the same top k,
        // from nothing scored, or from the lists' best paper already scored.
        if (plan.mode === 'all' && plan.terms.length > 1) {
          const lengths = lengthsOf(cols);
          expect(blockMaxTopK(full, cols, lengths, idfsOf, avgdl, k).hits, `block-max k ${k}`).toEqual(
            brute.slice(0, k),
          );
          const seeded = blockMaxTopK(full, cols, lengths, idfsOf, avgdl, k, [first], new Set([first.rowid]));
          expect(seeded.hits, `block-max seeded k ${k}`).toEqual(brute.slice(0, k));
          // The bounds prune: for the best paper, far fewer scored than the leading term's papers.
          if (k === 1) expect(seeded.scored, 'block-max scored').toBeLessThan(w.length / 4);
        }
      }
    }
  });

  it('is stored in segments by rowid; a fold rewrites the segments its changes fall in, and splits a long one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-columns-'));
    const store = SqliteStore.open(join(dir, 'c.db'));
    try {
      const db = store.rawDatabase;
      const cache = new Map<string, ReturnType<typeof db.prepare>>();
      const stmt = (sql: string) =>
        cache.get(sql) ?? (cache.set(sql, db.prepare(sql)).get(sql) as ReturnType<typeof db.prepare>);
      // 150,000 forward rows of word 1 (every paper) and word 2 (every third).
      const expected = new Map<number, [number, number]>();
      const f = new Array<number>(3).fill(0);
      const none = new Uint8Array(3);
      const addDoc = db.prepare('INSERT INTO impact_docs (paper_rowid, d, terms) VALUES (?, ?, ?)');
      db.transaction(() => {
        for (let rowid = 1; rowid <= 150_000; rowid++) {
          f[1] = 1 + (rowid % 3);
          f[2] = 2;
          addDoc.run(rowid, 100 + (rowid % 50), encodeTerms(rowid % 3 === 0 ? [1, 2] : [1], f, none));
          expected.set(rowid, [1 + (rowid % 3), 100 + (rowid % 50)]);
        }
      })();
      const segments = () =>
        (
          db
            .prepare('SELECT first_rowid FROM impact_columns WHERE term_id = 1 ORDER BY first_rowid')
            .raw()
            .all() as [number][]
        ).map((r) => r[0]);
      const want = () => [...expected].sort((a, b) => a[0] - b[0]).map(([r, [fr, d]]) => [r, fr, d]);
      db.transaction(() =>
        buildColumns(db, stmt, [
          { id: 1, df: 150_000 },
          { id: 2, df: 50_000 },
        ]),
      )();
      expect(segments()).toEqual([1, 65_537, 131_073]);
      expect(readRows(stmt, 1)).toEqual(want());
      expect(readRows(stmt, 2)?.length).toBe(50_000);

      // A paper no longer holding the word, one changed, 100 new: the changes merged when read, then folded.
      const change = db.prepare(
        'INSERT OR REPLACE INTO impact_column_changes (term_id, paper_rowid, f, d) VALUES (1, ?, ?, ?)',
      );
      change.run(10, 0, 0);
      expected.delete(10);
      change.run(70_000, 9, 77);
      expected.set(70_000, [9, 77]);
      for (let rowid = 150_001; rowid <= 150_100; rowid++) {
        change.run(rowid, 1, 60);
        expected.set(rowid, [1, 60]);
      }
      expect(readRows(stmt, 1)).toEqual(want());
      const untouched = db
        .prepare('SELECT postings FROM impact_columns WHERE term_id = 1 AND first_rowid = 65537')
        .get();
      db.transaction(() => foldColumn(stmt, 1))();
      expect(db.prepare('SELECT COUNT(*) AS n FROM impact_column_changes').get()).toEqual({ n: 0 });
      expect(segments()).toEqual([1, 65_537, 131_073]);
      expect(readRows(stmt, 1)).toEqual(want());
      // The middle segment took paper 70,000's change; word 2's column is as it was.
      expect(
        db.prepare('SELECT postings FROM impact_columns WHERE term_id = 1 AND first_rowid = 65537').get(),
      ).not.toEqual(untouched);
      expect(readRows(stmt, 2)?.length).toBe(50_000);

      // 120,000 more papers: the last segment passes twice 65,536 and is split.
      for (let rowid = 150_101; rowid <= 270_100; rowid++) {
        change.run(rowid, 2, 90);
        expected.set(rowid, [2, 90]);
      }
      db.transaction(() => foldColumn(stmt, 1))();
      expect(segments()).toEqual([1, 65_537, 131_073, 196_609, 262_145]);
      expect(readRows(stmt, 1)).toEqual(want());

      // New papers appended as segments of their own (two writes, their postings in any order), beside a
      // change to an older paper: read merged, then folded into the last small segment, and only it.
      // The full segments' bytes, hashed (comparing megabytes of Buffers element by element takes seconds).
      const full = () =>
        (
          db
            .prepare(
              'SELECT first_rowid, postings FROM impact_columns WHERE term_id = 1 AND first_rowid < 262145',
            )
            .all() as { first_rowid: number; postings: Buffer }[]
        ).map((r) => [r.first_rowid, createHash('sha256').update(r.postings).digest('hex')]);
      const before = full();
      const random = rng(5);
      for (const [from, to] of [
        [270_101, 270_400],
        [270_401, 270_450],
      ] as const) {
        const added: number[] = [];
        for (let rowid = from; rowid <= to; rowid++) {
          if (rowid % 7 === 0) continue;
          added.push(rowid, 1 + (rowid % 5), 80 + (rowid % 9));
          expected.set(rowid, [1 + (rowid % 5), 80 + (rowid % 9)]);
        }
        const shuffled = Array.from({ length: added.length / 3 }, (_, i) => i).sort(() => random() - 0.5);
        db.transaction(() =>
          appendPostings(
            stmt,
            1,
            shuffled.flatMap((i) => added.slice(3 * i, 3 * i + 3)),
          ),
        )();
      }
      change.run(265_000, 0, 0);
      expected.delete(265_000);
      expect(segments()).toEqual([1, 65_537, 131_073, 196_609, 262_145, 270_101, 270_401]);
      expect(readRows(stmt, 1)).toEqual(want());
      db.transaction(() => foldColumn(stmt, 1))();
      expect(segments()).toEqual([1, 65_537, 131_073, 196_609, 262_145]);
      expect(readRows(stmt, 1)).toEqual(want());
      expect(full()).toEqual(before);
      expect(db.prepare('SELECT COUNT(*) AS n FROM impact_column_changes').get()).toEqual({ n: 0 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // A thousand-paper archive folded again and again: seconds of work, more on a busy machine.
  }, 60_000);

  it('keeps no column for a word with a paper past what a column holds, or with fewer papers than its df, however late in the pass', async () => {
    await withScratchStore(async (db, stmt) => {
      // 30,000 forward rows: words 1 to 3 in every paper; word 2 with an f of 70,000 in paper 29,000 (its
      // earlier postings already written out of memory by then); word 3's df one more than its papers.
      const f = [0, 1, 1, 1];
      const none = new Uint8Array(4);
      const addDoc = db.prepare('INSERT INTO impact_docs (paper_rowid, d, terms) VALUES (?, ?, ?)');
      db.transaction(() => {
        for (let rowid = 1; rowid <= 30_000; rowid++) {
          f[2] = rowid === 29_000 ? 70_000 : 2;
          addDoc.run(rowid, 120, encodeTerms([1, 2, 3], f, none));
        }
      })();
      const written = db.transaction(() =>
        buildColumns(db, stmt, [
          { id: 1, df: 30_000 },
          { id: 2, df: 30_000 },
          { id: 3, df: 30_001 },
        ]),
      )();
      expect(written).toBe(30_000);
      // Word 1 whole and in order, its postings read back from its file and its last chunk.
      expect(readRows(stmt, 1)).toEqual(Array.from({ length: 30_000 }, (_, i) => [i + 1, 1, 120]));
      expect(readRows(stmt, 2)).toBeUndefined();
      expect(readRows(stmt, 3)).toBeUndefined();
    });
  });

  it("writes the long forms' columns from the postings set aside as the papers were counted, each page's out of order", async () => {
    await withScratchStore(async (db, stmt) => {
      // Long forms 2 and 4 of ids 1-4; papers come page by page (100 rowids), each page's even rowids first
      // (as a page's ASCII papers come before those SQLite tokenizes). Form 2 in every paper (10,000: most
      // of them written out to its file), form 4 in every seventh (its df given one short).
      const longForms = new LongFormPostings(db, Uint8Array.from([0, 0, 1, 0, 1]));
      const expected2: [number, number, number][] = [];
      let papers4 = 0;
      for (let page = 0; page < 100; page++) {
        const rowids = Array.from({ length: 100 }, (_, i) => page * 100 + i + 1);
        for (const rowid of [...rowids.filter((r) => r % 2 === 0), ...rowids.filter((r) => r % 2 === 1)]) {
          const d = 50 + (rowid % 90);
          longForms.add(2, rowid, 1 + (rowid % 4), d);
          expected2.push([rowid, 1 + (rowid % 4), d]);
          if (rowid % 7 === 0) {
            longForms.add(4, rowid, 2, d);
            papers4++;
          }
        }
      }
      const spilled = () => readdirSync(dirname(db.name)).filter((n) => n.startsWith('.paperboy-columns-'));
      expect(spilled()).toHaveLength(1);
      const written = db.transaction(() =>
        longForms.writeColumns(stmt, [
          { id: 2, df: 10_000 },
          { id: 4, df: papers4 + 1 },
        ]),
      )();
      longForms.close();
      expect(written).toBe(10_000);
      expect(readRows(stmt, 2)).toEqual(expected2.sort((a, b) => a[0] - b[0]));
      expect(readRows(stmt, 4)).toBeUndefined();
      expect(spilled()).toEqual([]);
    });
  });

  it('packs the columns of an archive written before packing (migration 18): the same columns, the same ranking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-columns-'));
    const file = join(dir, 'old.db');
    const options = {
      impact: { minDf: 60, listSize: 40, shortListSize: 30, shortMinDf: 30, columnBudget: 100 },
    };
    try {
      let store = SqliteStore.open(file, options);
      const papers = syntheticPapers(1800, 9);
      await store.upsertPapers(papers.slice(0, 1500));
      await store.refreshSearchLists();
      // Papers written after the build: appended to each column as a segment of its own.
      await store.upsertPapers(papers.slice(1500));
      const db = store.rawDatabase;
      const stmt = (sql: string) => db.prepare(sql);
      const ids = (
        db.prepare('SELECT DISTINCT term_id FROM impact_columns').pluck().all() as number[]
      ).sort();
      expect(ids.length).toBeGreaterThan(5);
      const segmentsOf = db.prepare('SELECT COUNT(*) FROM impact_columns WHERE term_id = ?').pluck();
      expect(ids.filter((id) => (segmentsOf.get(id) as number) > 1).length).toBeGreaterThan(5);
      const before = ids.map((id) => readRows(stmt, id));
      const texts = ['model learning', 'language models data', 'training -data', '"language models"'];
      const rank = (s: SqliteStore) =>
        texts.map((t) => {
          const q = parseSearchQuery(t);
          if (!q.ok) throw new Error(q.error);
          return { hits: s.rank(q.query, 10), path: s.lastSearchPath };
        });
      const ranked = rank(store);
      expect(ranked.some((r) => r.path === 'columns')).toBe(true);
      // The archive as migration 17 left it: segments of n rowids (uint32), n D (uint32), n f (uint16).
      const segments = db
        .prepare('SELECT term_id, first_rowid, postings FROM impact_columns')
        .raw()
        .all() as [number, number, Buffer][];
      db.exec(`DROP TABLE impact_columns;
        CREATE TABLE impact_columns (term_id INTEGER NOT NULL, first_rowid INTEGER NOT NULL,
          postings BLOB NOT NULL, PRIMARY KEY (term_id, first_rowid));`);
      const add = db.prepare('INSERT INTO impact_columns (term_id, first_rowid, postings) VALUES (?, ?, ?)');
      // One word none of the queries uses has a segment cut short (damaged): after the migration it has no
      // column at all, never one missing papers.
      const termOf = db.prepare('SELECT term FROM impact_terms WHERE id = ?').pluck();
      const queried = new Set(['model', 'learn', 'languag', 'data', 'train', 'languag model']);
      const damaged = ids.find((id) => !queried.has(termOf.get(id) as string)) as number;
      // The build's segments hold no D (the lengths table does): the old layout held it in each.
      const table = lengthsTable(stmt);
      for (const [id, first, blob] of segments) {
        const c = decodeColumn(blob, () => table);
        const bytes = (a: Uint32Array | Uint16Array | Uint8Array) =>
          Buffer.from(a.buffer, a.byteOffset, a.byteLength);
        const old = Buffer.concat([bytes(c.rowids), bytes(c.d), bytes(c.f)]);
        add.run(id, first, id === damaged ? old.subarray(0, old.length - 3) : old);
      }
      db.exec('DROP TABLE impact_lengths');
      // And the indexes migration 20 changes, as they were.
      db.exec(`DROP INDEX papers_arxivless_title; DROP INDEX papers_title_key;
        CREATE INDEX papers_title_arxiv ON papers(title_key, arxiv_id);
        CREATE INDEX abbreviations_long_key ON abbreviations(long_key);`);
      // And what migration 21 adds.
      db.exec(
        'DROP TABLE reaction_removals; DROP INDEX roundups_unfinished; ALTER TABLE reactions DROP COLUMN last_at',
      );
      // And migration 22's table.
      db.exec('DROP TABLE reply_removals');
      // And migration 23's: the lists as rows, as every build before it wrote them.
      const blocks = new ListBlocks(stmt);
      for (const id of blocks.listed()) blocks.toRows(id);
      db.exec('DROP TABLE impact_blocks');
      db.pragma('user_version = 17');
      await store.close();

      store = SqliteStore.open(file, options);
      const reopened = store.rawDatabase;
      const again = (sql: string) => reopened.prepare(sql);
      expect(readRows(again, damaged)).toBeUndefined();
      expect(ids.filter((id) => id !== damaged).map((id) => readRows(again, id))).toEqual(
        before.filter((_, i) => ids[i] !== damaged),
      );
      // Each segment's papers beside it, as a fold reads them.
      for (const [id, first] of segments.filter(([id]) => id !== damaged))
        expect(
          reopened
            .prepare('SELECT papers FROM impact_columns WHERE term_id = ? AND first_rowid = ?')
            .pluck()
            .get(id, first),
        ).toBe(
          decodeColumn(
            reopened
              .prepare('SELECT postings FROM impact_columns WHERE term_id = ? AND first_rowid = ?')
              .pluck()
              .get(id, first) as Buffer,
          ).rowids.length,
        );
      expect(rank(store)).toEqual(ranked);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
