import type Database from 'better-sqlite3';
import { MIN_DEFINING_PAPERS } from '../../papers/expand-abbreviations.ts';
import { indexTerm } from './fts-tokens.ts';
import { MAX_PHRASE_WORDS } from './listed-counts.ts';
import { GrowingColumn, type WordColumn } from './word-columns.ts';

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
 * A build's columns of the long forms, filled as it counts the papers (forward rows hold no phrases), most
 * defined first: while their postings pass `budget` per paper, the least defined one still held is dropped,
 * so a build's memory stays bounded whatever the archive holds.
 */
export class LongFormColumns {
  /** By term id: the long form's column while it is kept. */
  private readonly columns: (GrowingColumn | undefined)[] = [];
  /** Term ids of the long forms kept, most defined first. */
  private readonly kept: number[] = [];
  private postings = 0;
  private readonly room: number;

  constructor(longFormIds: readonly number[], papers: number, budget: number) {
    this.room = budget * papers;
    for (const id of longFormIds)
      if (this.columns[id] === undefined) {
        this.columns[id] = new GrowingColumn();
        this.kept.push(id);
      }
  }

  /** Adds a paper that holds term `id` f times (a word, or a long form not kept, is passed over). */
  add(id: number, rowid: number, f: number, d: number): void {
    const column = this.columns[id];
    if (!column) return;
    column.push(rowid, f, d);
    if (++this.postings <= this.room) return;
    const last = this.kept.pop() as number;
    this.postings -= (this.columns[last] as GrowingColumn).length;
    this.columns[last] = undefined;
  }

  /** The postings left for other columns within the budget. */
  get left(): number {
    return this.room - this.postings;
  }

  /** The columns kept, by term id (a column past what one holds is left out). */
  *built(): Generator<[number, WordColumn]> {
    for (const id of this.kept) {
      const column = this.columns[id] as GrowingColumn;
      if (column.fits && column.length > 0) yield [id, column.column()];
    }
  }
}

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
