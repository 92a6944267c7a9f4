import type Database from 'better-sqlite3';
import { longFormWords, MIN_DEFINING_PAPERS } from '../../papers/expand-abbreviations.ts';
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

/** A form's words as the search's plan holds them (match-plan.ts), or null when one is not plain ASCII. */
function indexTerms(text: string): string[] | null {
  const terms = longFormWords(text).map(indexTerm);
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
 * The terms (by `ids`: term → id and df) to give columns for the abbreviations, besides the `taken` ones
 * (the commonest words'), in the abbreviations' order while their postings fit in `room`: each long form,
 * then each short form beside a long form that has one, so the search can rank `short OR "long form"`
 * from columns alone.
 */
export function abbreviationColumns(
  abbreviations: readonly AbbreviationPhrase[],
  ids: ReadonlyMap<string, { id: number; df: number }>,
  taken: ReadonlySet<number>,
  room: number,
): { longForms: { id: number; df: number }[]; shortForms: { id: number; df: number }[] } {
  const chosen = new Set(taken);
  let left = room;
  const choose = (t: { id: number; df: number } | undefined, into: { id: number; df: number }[]) => {
    if (!t || t.df === 0 || chosen.has(t.id) || t.df > left) return;
    left -= t.df;
    chosen.add(t.id);
    into.push(t);
  };
  const longForms: { id: number; df: number }[] = [];
  for (const a of abbreviations) choose(ids.get(a.phrase), longForms);
  const withColumns = new Set(longForms.map((t) => t.id));
  const shortForms: { id: number; df: number }[] = [];
  for (const a of abbreviations)
    if (a.short !== null && withColumns.has(ids.get(a.phrase)?.id ?? -1))
      choose(ids.get(a.short), shortForms);
  return { longForms, shortForms };
}

/**
 * Writes the long forms' columns from the postings a build set aside for them in `temp.impact_long_forms`
 * as it counted the papers (forward rows hold no phrases), one at a time, after the lists are written and freed,
 * so the build's peak memory is not raised. Returns the postings written.
 */
export function writeLongFormColumns(
  db: Database.Database,
  stmt: (sql: string) => Database.Statement,
  longForms: readonly { id: number; df: number }[],
): number {
  const read = db.prepare(
    'SELECT paper_rowid, f, d FROM temp.impact_long_forms WHERE term_id = ? ORDER BY paper_rowid',
  );
  let postings = 0;
  for (const t of longForms) {
    // Streamed into the column's arrays: a long form can hold half the papers (`language models`), and
    // an array a posting would raise the build's peak memory by tens of MB.
    const column = columnOf(read.raw().iterate(t.id) as IterableIterator<[number, number, number]>, t.df);
    // Every paper of the phrase, or no column (its df is the build's own count of the same papers).
    if (!column) continue;
    writeColumn(stmt, t.id, column);
    postings += t.df;
  }
  return postings;
}

/**
 * Where a build sets aside the long forms' postings while it counts the papers (writeLongFormColumns), in a
 * temporary table keyed as they are read back.
 */
export const LONG_FORM_POSTINGS_SQL = `DROP TABLE IF EXISTS temp.impact_long_forms;
  CREATE TEMP TABLE impact_long_forms (term_id INTEGER NOT NULL, paper_rowid INTEGER NOT NULL,
  f INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (term_id, paper_rowid)) WITHOUT ROWID`;
