import type Database from 'better-sqlite3';
import { MIN_DEFINING_PAPERS } from '../../papers/expand-abbreviations.ts';
import { indexTerm } from './fts-tokens.ts';
import { MAX_PHRASE_WORDS } from './listed-counts.ts';
import { columnOf, writeColumn } from './word-columns.ts';

/**
 * The archive's abbreviations as the impact lists and word columns see them. A search for a short form also
 * asks for its long form, and the other way round (expand-abbreviations.ts): `llm` runs as
 * `llm OR "large language models"`. FTS5 answers such a phrase only by walking every one of its words'
 * doclists, and those words are among the archive's commonest: at a million papers `llm` took 650 ms,
 * `reinforcement learning` 330 ms, every time. So a build lists each long form as a phrase (its own list,
 * its df, its instances counted like a pair's: listed-counts.ts) and gives it and its short form a word
 * column; the search then ranks the two forms from their lists and columns (impact-lists.ts).
 */

/** Long forms listed at most by default, the most defined first. */
export const DEFAULT_ABBREVIATION_PHRASES = 2_000;
/** Postings of the long and short forms' columns per paper at most by default (at a million, 40 MB). */
export const DEFAULT_ABBREVIATION_COLUMN_BUDGET = 4;

export interface AbbreviationPhrase {
  /** The long form as a listed phrase: its index terms joined by spaces (`larg languag model`). */
  phrase: string;
  /** The short form's index term (`llm`), or null when the index cannot hold it as one ASCII term. */
  short: string | null;
}

/** A query's or a text's words as FTS5 indexes them, or null when one is not plain ASCII. */
function indexTerms(text: string): string[] | null {
  const terms = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map(indexTerm);
  return terms.some((t) => t === null) ? null : (terms as string[]);
}

/**
 * Every abbreviation a search would expand (defined by MIN_DEFINING_PAPERS papers or more), the most defined
 * first, as phrases of 2 to MAX_PHRASE_WORDS `listed` words, at most `max` distinct long forms. A long form
 * with a word that has no list of its own is left to FTS5 (that word is rare: FTS5 finds its few papers).
 * Spelt as the search spells it: the long form's words as the expansion takes them from its first spelling.
 */
export function abbreviationPhrases(
  db: Database.Database,
  listed: ReadonlySet<string>,
  max: number,
): AbbreviationPhrase[] {
  const rows = db
    .prepare(
      `SELECT short, long FROM abbreviation_counts WHERE papers >= ?
       ORDER BY papers DESC, short, long_key`,
    )
    .all(MIN_DEFINING_PAPERS) as { short: string; long: string }[];
  const phrases = new Set<string>();
  const out: AbbreviationPhrase[] = [];
  for (const { short, long } of rows) {
    const words = indexTerms(long);
    if (!words || words.length < 2 || words.length > MAX_PHRASE_WORDS) continue;
    if (words.some((w) => !listed.has(w))) continue;
    const phrase = words.join(' ');
    if (!phrases.has(phrase)) {
      if (phrases.size >= max) continue;
      phrases.add(phrase);
    }
    const shortTerms = indexTerms(short);
    out.push({ phrase, short: shortTerms?.length === 1 ? (shortTerms[0] as string) : null });
  }
  return out;
}

/**
 * The long forms' columns, from the postings a build set aside for them in `temp.impact_long_forms` as it
 * counted the papers (forward rows hold no phrases): each long form in the abbreviations' order while their
 * postings fit in `room`. Read and written one at a time, after the lists' heaps are gone, so the build's
 * peak memory is not raised. Returns the term ids given a column and the postings written.
 */
export function writeLongFormColumns(
  db: Database.Database,
  stmt: (sql: string) => Database.Statement,
  abbreviations: readonly AbbreviationPhrase[],
  ids: ReadonlyMap<string, { id: number; df: number }>,
  room: number,
): { written: Set<number>; postings: number } {
  const read = db.prepare(
    'SELECT paper_rowid, f, d FROM temp.impact_long_forms WHERE term_id = ? ORDER BY paper_rowid',
  );
  const written = new Set<number>();
  let postings = 0;
  for (const a of abbreviations) {
    const t = ids.get(a.phrase);
    if (!t || t.df === 0 || written.has(t.id) || postings + t.df > room) continue;
    // Streamed into the column's arrays: a long form can hold half the papers (`language models`), and
    // an array a posting would raise the build's peak memory by tens of MB.
    const column = columnOf(read.raw().iterate(t.id) as IterableIterator<[number, number, number]>, t.df);
    // Every paper of the phrase, or no column (its df is the build's own count of the same papers).
    if (!column) continue;
    writeColumn(stmt, t.id, column);
    written.add(t.id);
    postings += t.df;
  }
  return { written, postings };
}

/**
 * Where a build sets aside the long forms' postings while it counts the papers (writeLongFormColumns), in a
 * temporary table keyed as they are read back.
 */
export const LONG_FORM_POSTINGS_SQL = `DROP TABLE IF EXISTS temp.impact_long_forms;
  CREATE TEMP TABLE impact_long_forms (term_id INTEGER NOT NULL, paper_rowid INTEGER NOT NULL,
  f INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (term_id, paper_rowid)) WITHOUT ROWID`;

/**
 * The short forms (by `ids`: term → id and df) to give columns beside their long forms' (`withColumns`),
 * besides the `taken` ones (the commonest words' columns), in the abbreviations' order while they fit in
 * `room` postings: so the search can rank `short OR "long form"` from columns alone.
 */
export function shortFormColumns(
  abbreviations: readonly AbbreviationPhrase[],
  ids: ReadonlyMap<string, { id: number; df: number }>,
  withColumns: ReadonlySet<number>,
  taken: ReadonlySet<number>,
  room: number,
): { id: number; df: number }[] {
  const chosen = new Set(taken);
  const out: { id: number; df: number }[] = [];
  let left = room;
  for (const a of abbreviations) {
    const long = ids.get(a.phrase);
    const short = a.short === null ? undefined : ids.get(a.short);
    if (!long || !withColumns.has(long.id) || !short || chosen.has(short.id) || short.df > left) continue;
    left -= short.df;
    chosen.add(short.id);
    out.push(short);
  }
  return out;
}
