import type Database from 'better-sqlite3';
import { longFormWords, MIN_DEFINING_PAPERS } from '../../papers/expand-abbreviations.ts';
import { indexTerm } from './fts-tokens.ts';
import { MAX_PHRASE_WORDS } from './listed-counts.ts';
import { ColumnSpill, type WordColumn, writeColumn } from './word-columns.ts';

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

/** Postings of a long form held in memory while a build sets them aside (12 bytes each): 2,000 long forms
 * hold at most 24 MB, beside the lists, at the peak of a bulk import's memory. */
const LONG_FORM_CHUNK = 1024;

/**
 * Where a build sets aside the long forms' postings while it counts the papers (forward rows hold no
 * phrases), for their columns, written once the lists are written and freed. The papers come page by page
 * in rowid order, so a ColumnSpill takes each long form's postings nearly in order: a small chunk of each
 * in memory, the rest appended to its file; a column is sorted when it is written. (A temporary table
 * keyed by term took each posting at a random place of its B-tree: 4.4 s of a 300,000-paper build's
 * writing thread, README.md "Run 56".)
 */
export class LongFormPostings {
  /** By term id: the long form's place in the spill, or -1. */
  private readonly slot: Int32Array;
  private readonly spill: ColumnSpill;

  /** `isLongForm`: 1 at the id of each long form, ids from 1 up to its length − 1. */
  constructor(db: Database.Database, isLongForm: Uint8Array) {
    this.slot = new Int32Array(isLongForm.length).fill(-1);
    let n = 0;
    for (let id = 0; id < isLongForm.length; id++) if (isLongForm[id] === 1) this.slot[id] = n++;
    this.spill = new ColumnSpill(n, ColumnSpill.placeFor(db), LONG_FORM_CHUNK);
  }

  /** One paper's posting of long form `id`. */
  add(id: number, rowid: number, f: number, d: number): void {
    this.spill.add(this.slot[id] as number, rowid, d, f);
  }

  /**
   * Writes the columns of `longForms` (chosen among those set aside), one at a time. A long form whose
   * postings are not its df (the build's own count of the same papers) or do not fit a column gets none.
   * Returns the postings written.
   */
  writeColumns(
    stmt: (sql: string) => Database.Statement,
    longForms: readonly { id: number; df: number }[],
  ): number {
    let postings = 0;
    for (const t of longForms) {
      const s = this.slot[t.id] ?? -1;
      const column = s < 0 ? null : this.spill.column(s, t.df);
      if (!column) continue;
      writeColumn(stmt, t.id, inRowidOrder(column));
      postings += t.df;
    }
    return postings;
  }

  /** Removes the spill's files (their memory goes with the spill). */
  close(): void {
    this.spill.close();
  }
}

/**
 * The column sorted by rowid. A build's pages come in rowid order, but within a page its ASCII papers
 * come before those SQLite tokenizes (listed-counts.ts countPapers), so a column of an archive with
 * non-ASCII papers may hold a page's postings out of order.
 */
function inRowidOrder(c: WordColumn): WordColumn {
  let sorted = true;
  for (let i = 1; i < c.rowids.length && sorted; i++)
    sorted = (c.rowids[i - 1] as number) < (c.rowids[i] as number);
  if (sorted) return c;
  const order = Array.from(c.rowids.keys()).sort((a, b) => (c.rowids[a] as number) - (c.rowids[b] as number));
  const out: WordColumn = {
    rowids: new Uint32Array(order.length),
    d: new Uint32Array(order.length),
    f: new Uint16Array(order.length),
  };
  for (const [i, a] of order.entries()) {
    out.rowids[i] = c.rowids[a] as number;
    out.d[i] = c.d[a] as number;
    out.f[i] = c.f[a] as number;
  }
  return out;
}
