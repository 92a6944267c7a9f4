import type Database from 'better-sqlite3';
import { stemmer } from 'stemmer';
import { FTS_COLUMNS } from './bm25.ts';

/** A paper's indexed text, column by column as papers_fts reads it (FTS_COLUMNS order). */
export interface TextRow {
  rowid: number;
  title: string | null;
  abstract: string | null;
  authors: string | null;
  keywords: string | null;
  org_name: string | null;
  org_id: string | null;
  arxiv_id: string | null;
}

/** Each column's tokens in order, as the index holds them (lowercased, Porter-stemmed). */
export type ColumnTokens = string[][];

export const TEXT_COLUMNS_SQL = 'rowid, title, abstract, authors, keywords, org_name, org_id, arxiv_id';

/** ASCII only: for such text unicode61 is "runs of [a-z0-9], lowercased" and nothing else. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is the point
const ASCII = /^[\x00-\x7f]*$/;
const SEPARATORS = /[^a-z0-9]+/;

const stems = new Map<string, string>();
/**
 * FTS5's porter tokenizer on one ASCII token: tokens under 3 or over 64 bytes pass through unstemmed.
 * The `stemmer` package and FTS5 agree on every word of the test archives (test/store/impact-parity).
 */
export function porterStem(token: string): string {
  if (token.length < 3 || token.length > 64) return token;
  let s = stems.get(token);
  if (s === undefined) {
    if (stems.size > 200_000) stems.clear();
    s = stemmer(token);
    stems.set(token, s);
  }
  return s;
}

/** A query's token as the index would hold it, or null when only FTS5 itself can say (not ASCII). */
export function indexTerm(token: string): string | null {
  return /^[a-z0-9]+$/.test(token) ? porterStem(token) : null;
}

/** Whether every column of the row is ASCII: asciiWords then cuts each exactly as the index does. */
export function isAsciiRow(r: TextRow): boolean {
  return FTS_COLUMNS.every((c) => {
    const t = r[c];
    return t === null || ASCII.test(t);
  });
}

/** An ASCII text's tokens before stemming, in order: porterStem of each is the index's term. */
export function asciiWords(text: string | null): string[] {
  if (!text) return [];
  return text
    .toLowerCase()
    .split(SEPARATORS)
    .filter((t) => t.length > 0);
}

function asciiTokens(text: string | null): string[] {
  return asciiWords(text).map(porterStem);
}

/**
 * Tokenizes papers exactly as papers_fts does. ASCII text is cut here (the common case, and cheap);
 * anything else goes through a scratch FTS5 table with the same tokenizer in the connection's temp
 * schema, whose instances give every token with its column and offset, so Unicode folding is SQLite's own.
 */
export class FtsTokenizer {
  constructor(private readonly db: Database.Database) {}

  tokens(rows: readonly TextRow[]): Map<number, ColumnTokens> {
    const out = new Map<number, ColumnTokens>();
    const other: TextRow[] = [];
    for (const r of rows)
      if (isAsciiRow(r))
        out.set(
          r.rowid,
          FTS_COLUMNS.map((c) => asciiTokens(r[c])),
        );
      else other.push(r);
    if (other.length > 0) for (const [rowid, cols] of this.bySqlite(other)) out.set(rowid, cols);
    return out;
  }

  private bySqlite(rows: readonly TextRow[]): Map<number, ColumnTokens> {
    // Created (if missing) on every call, not once per connection: the first call usually runs inside a
    // write transaction, and one that rolls back takes the new tables with it. Remembering them as made
    // left every later write of a non-ASCII paper failing with "no such table" until a restart.
    this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_scratch USING fts5(
        ${FTS_COLUMNS.join(', ')}, tokenize = 'porter unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_scratch_i USING fts5vocab(temp, impact_scratch, instance);`);
    const insert = this.db.prepare(
      `INSERT INTO temp.impact_scratch (rowid, ${FTS_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const out = new Map<number, ColumnTokens>();
    for (const r of rows) {
      insert.run(r.rowid, ...FTS_COLUMNS.map((c) => r[c]));
      out.set(
        r.rowid,
        FTS_COLUMNS.map(() => []),
      );
    }
    const instances = this.db
      .prepare('SELECT term, doc, col, offset FROM temp.impact_scratch_i')
      .raw()
      .all() as [string, number, string, number][];
    for (const [term, doc, col, offset] of instances) {
      const cols = out.get(doc);
      const c = FTS_COLUMNS.indexOf(col as (typeof FTS_COLUMNS)[number]);
      if (cols && c >= 0) (cols[c] as string[])[offset] = term;
    }
    this.db.exec('DELETE FROM temp.impact_scratch');
    return out;
  }
}
