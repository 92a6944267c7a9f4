import type Database from 'better-sqlite3';
import {
  abbreviationColumns,
  abbreviationPhrases,
  DEFAULT_ABBREVIATION_COLUMN_BUDGET,
  DEFAULT_ABBREVIATION_PHRASES,
  LongFormPostings,
} from './abbreviation-columns.ts';
import { BestImpacts } from './best-impacts.ts';
import { blockMaxTopK, compileWalk } from './block-max.ts';
import { bm25Score, idf, impact, indexTotals, readVarints } from './bm25.ts';
import { ColumnCache } from './column-cache.ts';
import type { VocabularyWord } from './frequent-pairs.ts';
import { type PairSampleInput, type PaperRange, paperRange, samplePairs } from './frequent-pairs.ts';
import { FtsTokenizer, TEXT_COLUMNS_SQL, type TextRow } from './fts-tokens.ts';
import { lengthsTableOnce } from './lengths-table.ts';
import { type Entry, ListBlocks, mergeNext } from './list-blocks.ts';
import { type CountedPaper, countedOnThreads } from './list-count-threads.ts';
import { countPapers, encodeTerms, isPairTerm, ListedCounts } from './listed-counts.ts';
import { type MatchPlan, matches, phraseFrequencies, tokenCount } from './match-plan.ts';
import { PairSampleThread } from './pair-sample-thread.ts';

/** The vocabulary a pairs' thread read, and the writer's PRAGMA data_version when it began. */
export interface ThreadVocabulary {
  words: readonly VocabularyWord[];
  version: number;
}

import {
  appendPostings,
  buildColumns,
  ColumnFormatError,
  type ColumnPostings,
  columnMemoryBytes,
  columnWords,
  completeFromColumns,
  dropColumn,
  fitsColumn,
  foldColumn,
  lookUp,
  lookUpCursor,
  PaperLengths,
  readColumn,
} from './word-columns.ts';

/**
 * Impact lists: for every index term held by more than `minDf` papers, its `listSize` papers with the
 * highest single-term impact g(f, D) = f(k1+1)/(f + k1(1−b+b·D/avgdl_ref)) (f: the term's column-weighted
 * count in the paper, D: the paper's tokens), with f and D kept so g can be recomputed under today's avgdl;
 * and per term its exact document frequency and θ, a bound every paper outside the list stays at or under;
 * and per paper a forward row, its f for every listed term and D. A query whose words are all common is
 * answered by a threshold algorithm over those lists, scoring each paper read exactly as FTS5's bm25 does
 * (bm25.ts) from its forward row, and returns only when it can prove no other paper scores higher;
 * otherwise (or whenever the lists are not in step with the index) the caller runs FTS5. README.md,
 * "Exact top-k from impact lists", has the measured trade-off.
 */
export interface ImpactOptions {
  /** Terms in more papers than this get a list; a query with a rarer term goes to FTS5, which is cheap. */
  minDf: number;
  /** Entries kept per list by a build; ingest may grow a list to twice this before it is trimmed. */
  listSize: number;
  /**
   * Entries read from each list at a search's first step, doubled at each step after (up to 512); default
   * 64. Smaller leaves lists unread when a search moves on to its columns or a doclist.
   */
  firstChunk?: number;
  /**
   * Threads a build counts the papers' terms on, beside the thread writing the lists (0: that thread
   * counts them), for archives of at least `buildThreadsFrom` papers in a file.
   */
  buildThreads?: number;
  buildThreadsFrom?: number;
  /**
   * Entries kept per short list: a word held by `minDf` papers or fewer, or a two-word phrase
   * (listed-counts.ts). Enough to answer it alone, or less what it excludes, the ways it is searched; with
   * other positive terms it goes to FTS5.
   */
  shortListSize?: number;
  /**
   * Words held by more papers than this (up to minDf), and two-word phrases of listed words held by about
   * this many papers or more, get short lists; default a tenth of minDf.
   */
  shortMinDf?: number;
  /** Papers a build reads to find those phrases: all up to this many, else a sample this size. */
  pairSample?: number;
  /** Those phrases listed at most, the most common first; default MAX_PAIRS (frequent-pairs.ts). */
  maxPairs?: number;
  /**
   * Words held by at least this many papers get a column (word-columns.ts), most common first; default a
   * twentieth of the papers, and never fewer than minDf.
   */
  columnMinDf?: number;
  /** The columns' postings in all, per paper, at most; default 48. */
  columnBudget?: number;
  /** A column's changes are folded into it once they pass this many; default 2,048. */
  columnFold?: number;
  /** Bytes of word columns a search keeps in memory for the next; default 40 MB. */
  columnCacheBytes?: number;
  /** The abbreviations' long forms listed as phrases at most, the most defined first; default 2,000. */
  abbreviationPhrases?: number;
  /** The columns of long forms and their short forms, postings per paper at most; default 4. */
  abbreviationColumnBudget?: number;
}

export const DEFAULT_IMPACT: ImpactOptions = { minDf: 10_000, listSize: 4_000 };

export interface ImpactHit {
  rowid: number;
  relevance: number;
}

/**
 * Whether a term without alternatives is in no more papers than any term (a term's papers: its forms'
 * df summed), so block-max pruning, which walks that term's column, walks no more than any other finish.
 * Always so without alternatives.
 */
function singleLeads(plan: MatchPlan, df: (phrase: number) => number): boolean {
  const papers = plan.terms.map((forms) => forms.reduce((n, i) => n + df(i), 0));
  const fewest = Math.min(...papers);
  return plan.terms.some((forms, t) => forms.length === 1 && papers[t] === fewest);
}

/** f of each wanted term id in a forward row (0 when absent), without building a map of the row. */
function pickTerms(blob: Uint8Array, ids: readonly (number | undefined)[]): number[] {
  const out = ids.map(() => 0);
  let i = 0;
  const next = () => {
    let v = 0;
    for (;;) {
      const byte = blob[i++] ?? 0;
      v = v * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0 || i >= blob.length) return v;
    }
  };
  while (i < blob.length) {
    const id = next();
    const f = next();
    for (let j = 0; j < ids.length; j++) if (ids[j] === id) out[j] = f;
  }
  return out;
}

/** A forward row's terms as a map, term id to f. */
export function decodeTerms(blob: Uint8Array): Map<number, number> {
  const v = readVarints(blob);
  const out = new Map<number, number>();
  for (let i = 0; i + 1 < v.length; i += 2) out.set(v[i] as number, v[i + 1] as number);
  return out;
}

/** A listed term's row in impact_terms. */
export interface TermRow {
  id: number;
  term: string;
  df: number;
  theta: number;
  avgdl_ref: number;
  size: number;
  /** Change rows its word column has gathered since it was last built or folded (read by afterWrite). */
  column_changes?: number;
}

/**
 * Where a list's entries live: a build writes them under the term's id; ingest adds new ones under its
 * negated id, the list's recent part, until the list is next cut back (trim), which folds them in. A list
 * is both parts, read merged in impact order. Added under the id itself, a day's ~7 new entries a paper
 * land at random places among ~2,000 lists' pages, each dirtying a page of its own; in the recent parts
 * they share few (measured at 300,000 papers: 1,000 new papers 0.61 s → 0.47 s; 0.38 s without lists).
 */
/**
 * The listed terms as a write reads and changes them, kept between writes through one connection: reading
 * ~13,000 rows and mapping their terms cost each write 30-50 ms at a million papers (a day is two writes).
 */
interface TermsInMemory {
  /** PRAGMA data_version when read: another connection's commit changes it, and they are read again. */
  version: number;
  byId: (TermRow | undefined)[];
  highest: number;
  counts: ListedCounts;
  /** 1 for each term with a word column. */
  hasColumn: Uint8Array;
  /** 1 for each term whose list is (partly) blocks (list-blocks.ts). */
  hasBlocks: Uint8Array;
}

/** Guards θ against the last-bit difference between SQL's and JavaScript's arithmetic at build time. */
const SAFETY = 1 + 1e-12;
/** An impact this much under θ is under θ/SAFETY, so under every entry of a list's blocks. */
const BLOCK_MARGIN = 1 + 1e-9;
/** Entries read from each list at a search's first step (doubling at each step after, up to MAX_CHUNK). */
const FIRST_CHUNK = 64;
/** Steps of the threshold algorithm before several required words go to their columns (word-columns.ts). */
const COLUMN_STEPS = 2;
/** Rows a build writes with one statement. */
const BATCH_ROWS = 100;
/** Threads a build counts papers on (besides the one writing the lists), and from how many papers. */
const DEFAULT_BUILD_THREADS = 1;
const BUILD_THREADS_FROM = 20_000;
/** Entries per short list by default: the top 20 of a word or phrase alone certified with some to spare. */
const DEFAULT_SHORT_LIST_SIZE = 400;
/** Word columns' postings per paper by default: about every word in a fifth of the papers (at a million, ~480 MB). */
const DEFAULT_COLUMN_BUDGET = 48;
/** A column's changes are folded into it once they pass this many: a search reads them all (about 1 ms). */
const DEFAULT_COLUMN_FOLD = 2048;
/**
 * Word columns kept in memory by default: about eleven of the commonest words' at a million papers (8.4
 * million postings at 5 bytes, each paper's D kept once beside them: PaperLengths; 5.9 million at 7 bytes
 * before, 4.8 million at 10 in 48 MB before the narrow arrays). Held for the process's life
 * (column-cache.ts), it counts in the serving process's RSS (README.md, "Runs 27-33").
 */
const DEFAULT_COLUMN_CACHE_BYTES = 40 * 1024 * 1024;
const EMPTY = new BestImpacts(0, 1, false);
/** A build's page cache (PRAGMA cache_size: negative is KiB). */
const BUILD_CACHE_SIZE = -8192;

/** A build's rows written BATCH_ROWS to a statement: fewer crossings into SQLite (bound parameters, so
 * every value, g's last bit included, goes in as it is). */
class BatchInsert {
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly values: unknown[] = [];

  constructor(
    db: Database.Database,
    into: string,
    private readonly width: number,
    verb = 'INSERT',
  ) {
    const sql = (rows: number) =>
      `${verb} INTO ${into} VALUES ${Array(rows)
        .fill(`(${Array(width).fill('?').join(', ')})`)
        .join(', ')}`;
    this.many = db.prepare(sql(BATCH_ROWS));
    this.one = db.prepare(sql(1));
  }

  add(...row: unknown[]): void {
    this.values.push(...row);
    if (this.values.length === this.width * BATCH_ROWS) {
      this.many.run(this.values);
      this.values.length = 0;
    }
  }

  /** Writes the rows still held, in the order they were added. */
  flush(): void {
    for (let v = 0; v < this.values.length; v += this.width)
      this.one.run(this.values.slice(v, v + this.width));
    this.values.length = 0;
  }
}
/** Entries read per list per step at most: a step past the point of certainty is wasted work. */
const MAX_CHUNK = 512;
/** Papers whose text is read (to check an exclusion forward rows cannot) per step, and in all before
 * the query goes to FTS5 instead. */
const RESOLVE_BATCH = 16;
const MAX_RESOLVED = 400;
/** Forward rows a doclist finish (completeFromLead) reads with one statement. */
const LEAD_BATCH = 256;

export class ImpactLists {
  private readonly tokenizer: FtsTokenizer;
  /** The lists' entries a build wrote, as blocks (list-blocks.ts). */
  private readonly blocks: ListBlocks;
  /** What the last topK did, for tests and the benchmark: 'certified' or why it fell back. */
  lastOutcome = '';
  /** Papers the last certified topK read from the lists. */
  lastRead = 0;
  /** Where the last build's vocabulary came from: 'a thread' (startPairSample) or 'the build'; for tests. */
  lastVocabularyFrom = '';
  /** Where the last build's pairs came from: 'a thread' (startPairSample) or 'the build'; for tests. */
  lastPairsFrom = '';

  constructor(
    private readonly db: Database.Database,
    private readonly stmt: (sql: string) => Database.Statement,
    private readonly options: ImpactOptions,
  ) {
    this.tokenizer = new FtsTokenizer(db);
    this.blocks = new ListBlocks(stmt);
    // The columns' memory as readColumn unpacks them (D and f narrow, as nearly every column's are), from
    // their words' df: each column holds every paper of its word. (Not impact_columns.papers: it is stored
    // after each segment's blob, so summing it reads every column from the file, 320 ms at a million.)
    this.columnCache = new ColumnCache(options.columnCacheBytes ?? DEFAULT_COLUMN_CACHE_BYTES, () => {
      const papers = this.stmt(
        `SELECT COALESCE(SUM(df), 0) FROM impact_terms
         WHERE id IN (SELECT DISTINCT term_id FROM impact_columns)`,
      )
        .pluck()
        .get() as number;
      return columnMemoryBytes(papers, true);
    });
  }

  /**
   * Each paper's D, with `counts` holding its listed terms when it is yielded: ASCII papers counted from
   * their text, the others tokenized by SQLite (fts-tokens.ts), all of them together.
   */
  private counted(rows: readonly TextRow[], counts: ListedCounts): Generator<[number, number]> {
    return countPapers(rows, counts, this.tokenizer);
  }

  private averages(): Buffer | null {
    const row = this.stmt('SELECT block FROM papers_fts_data WHERE id = 1').get() as
      | { block: Buffer }
      | undefined;
    return row?.block ?? null;
  }

  /** Whether lists were built and every write since kept them in step with the index. */
  private inStep(averages: Buffer | null): boolean {
    const s = this.stmt('SELECT synced FROM impact_state WHERE only_row = 1').get() as
      | { synced: Buffer | null }
      | undefined;
    return !!s?.synced && !!averages && Buffer.compare(s.synced, averages) === 0;
  }

  private markInStep(): void {
    // FTS5 writes its averages record when a savepoint opens or the transaction commits: open one, so the
    // record read here is the one this transaction will commit.
    this.db.exec('SAVEPOINT impact_totals; RELEASE impact_totals');
    this.stmt(
      `INSERT INTO impact_state (only_row, synced) VALUES (1, ?)
       ON CONFLICT(only_row) DO UPDATE SET synced = excluded.synced`,
    ).run(this.averages());
  }

  /**
   * Builds every list, in the caller's write transaction, in one pass over the papers: the listed terms
   * and their df come from FTS5's own index (fts5vocab), and each paper, tokenized as the index tokenizes
   * it (fts-tokens.ts), gives its forward row and offers its impact to the list of every listed term it
   * holds, each list its best `listSize` entries (best-impacts.ts). Measured at 300,000 papers, a query per
   * term over fts5vocab's instances took as long as tokenizing every paper once (README.md, "Exact top-k
   * from impact lists"); this pass does both jobs with the tokenizing alone.
   */
  /**
   * `idle`: work for this thread where it would wait for the papers' counts (countedOnThreads), such as the
   * full-text index's merge (index-merge.ts).
   */
  rebuild(
    pairs?: readonly string[],
    idle?: () => boolean,
    vocabulary?: ThreadVocabulary,
  ): { terms: number; entries: number; columnPostings: number } {
    this.dropColumns();
    // The build reads the index and the papers once in order and appends every row it writes: a small page
    // cache serves it as well, and the pages it gives back hold the lists' entries, the peak of a bulk import.
    const cache = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = ${BUILD_CACHE_SIZE}`);
    try {
      return this.build(pairs, idle, vocabulary);
    } finally {
      this.db.pragma(`cache_size = ${cache}`);
    }
  }

  /** `sampled`: the pairs, found beforehand (startPairSample); else the build finds them. */
  private build(
    sampled?: readonly string[],
    idle?: () => boolean,
    vocabulary?: ThreadVocabulary,
  ): { terms: number; entries: number; columnPostings: number } {
    this.terms = undefined;
    this.written = undefined;
    const db = this.db;
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_vocab_row USING fts5vocab(main, papers_fts, row);
      DELETE FROM impact_postings; DELETE FROM impact_blocks; DELETE FROM impact_terms;
      DELETE FROM impact_docs;`);
    const { avgdl } = indexTotals(this.averages());
    // Words in more than minDf papers get full lists; in more than a tenth of that, short ones (FTS5 ranks
    // every match of a word: at a million papers, 13.5 ms of CPU for 10,000 matches).
    // The words' df must be this transaction's own: the pairs' thread's reading serves when no other
    // connection has committed since it began (PRAGMA data_version, read under this write lock).
    const fresh = vocabulary?.version === db.pragma('data_version', { simple: true });
    this.lastVocabularyFrom = fresh ? 'a thread' : 'the build';
    const words = fresh
      ? (vocabulary as ThreadVocabulary).words.map((w) => ({ ...w }))
      : (db
          .prepare('SELECT term, doc AS df FROM temp.impact_vocab_row WHERE doc > ? ORDER BY term')
          .all(this.shortMinDf) as { term: string; df: number }[]);
    const range = paperRange(db);
    // Pairs of listed words held by a tenth as many papers as a listed word, or more: a quoted phrase of two
    // common words costs FTS5 both words' doclists whatever the phrase's own count (ListedCounts), while a
    // pair's list costs at most shortListSize entries. Their df is counted in the pass below (fts5vocab
    // knows words only); the vocabulary's, for words.
    const fullListed = words.filter((w) => w.df > this.options.minDf).map((w) => w.term);
    const listedSet = new Set(fullListed);
    this.lastPairsFrom = sampled ? 'a thread' : 'the build';
    // Found from the archive a moment ago: a pair of a word no longer listed (another process wrote since)
    // is left out, as the sample would have left it.
    const pairs = sampled
      ? sampled.filter((p) => p.split(' ').every((w) => listedSet.has(w)))
      : samplePairs(db, this.tokenizer, fullListed, range, this.pairSampleInput);
    // The abbreviations' long forms of listed words (abbreviation-columns.ts), listed as phrases too.
    const abbreviations = abbreviationPhrases(
      db,
      new Set(words.map((w) => w.term)),
      this.options.abbreviationPhrases ?? DEFAULT_ABBREVIATION_PHRASES,
    );
    const longForms = new Set(abbreviations.map((a) => a.phrase));
    // A phrase's df is counted below; 0 until then (listSizeOf tells a phrase by its term, not its df).
    const terms = [
      ...words,
      ...[...new Set([...pairs, ...longForms])].sort().map((term) => ({ term, df: 0 })),
    ];
    const wide = (range.last ?? 0) > 0xffff_ffff;
    const lists = terms.map((t) => new BestImpacts(this.listSizeOf(t), avgdl, wide));
    const isPair = Uint8Array.from([0, ...terms.map((t) => (isPairTerm(t.term) ? 1 : 0))]);
    // The long forms' postings, set aside for their columns (written once the lists are written and freed).
    const isLongForm = Uint8Array.from([0, ...terms.map((t) => (longForms.has(t.term) ? 1 : 0))]);
    const longFormPostings = new LongFormPostings(db, isLongForm);
    try {
      const addDocs = new BatchInsert(db, 'impact_docs (paper_rowid, d, terms)', 3);
      // Each list's floor (BestImpacts.offer): an impact below it is turned down here, without touching the
      // list, which is most offers once the lists fill.
      const floors = new Float64Array(terms.length + 1).fill(Number.NEGATIVE_INFINITY);
      for (const { rowid, d, held, f } of this.countedForBuild(
        terms.map((t) => t.term),
        range,
        idle,
      )) {
        addDocs.add(rowid, d, encodeTerms(held, f, isPair));
        for (const id of held) {
          const fi = f[id] as number;
          if (isPair[id] === 1) (terms[id - 1] as { df: number }).df++;
          if (isLongForm[id] === 1) longFormPostings.add(id, rowid, fi, d);
          const g = impact(fi, d, avgdl);
          if (g >= (floors[id] as number)) floors[id] = (lists[id - 1] as BestImpacts).offer(g, rowid, fi, d);
        }
      }
      addDocs.flush();
      const addTerm = db.prepare(
        'INSERT INTO impact_terms (id, term, df, theta, avgdl_ref, size) VALUES (?, ?, ?, ?, ?, ?)',
      );
      let entries = 0;
      for (const [i, t] of terms.entries()) {
        const list = lists[i] as BestImpacts;
        // In the list's order (g descending, then rowid), as blocks (list-blocks.ts).
        const { at, g } = list.ranked();
        const rowid = new Float64Array(at.length);
        const f = new Float64Array(at.length);
        const d = new Float64Array(at.length);
        for (const [k, slot] of at.entries()) {
          rowid[k] = list.rowidAt(slot);
          f[k] = list.fAt(slot);
          d[k] = list.dAt(slot);
        }
        this.blocks.write(i + 1, { rowid, f, d, length: at.length }, avgdl);
        const last = at.at(-1);
        const theta = last === undefined ? 0 : (g[last] as number);
        // A term in no more papers than its list holds has none outside: nothing outside can score.
        addTerm.run(i + 1, t.term, t.df, list.size < t.df ? theta * SAFETY : 0, avgdl, list.size);
        entries += list.size;
        lists[i] = EMPTY;
      }
      // From the forward rows just written: the most common words' every paper, in rowid order.
      const columnMinDf = Math.max(this.options.columnMinDf ?? range.papers / 20, this.options.minDf + 1);
      const common = columnWords(
        terms.flatMap((t, i) => (isPairTerm(t.term) ? [] : [{ id: i + 1, df: t.df }])),
        columnMinDf,
        range.papers,
        this.options.columnBudget ?? DEFAULT_COLUMN_BUDGET,
      );
      // And the abbreviations' long and short forms, whatever their df (abbreviation-columns.ts): the short
      // forms' from the forward rows with the words' (one pass), the long forms' from their set-aside postings
      // after (buildColumns starts by emptying the columns).
      const { longForms: longFormColumns, shortForms } = abbreviationColumns(
        abbreviations,
        new Map(terms.map((t, i) => [t.term, { id: i + 1, df: t.df }])),
        new Set(common.map((c) => c.id)),
        (this.options.abbreviationColumnBudget ?? DEFAULT_ABBREVIATION_COLUMN_BUDGET) * range.papers,
      );
      let columnPostings = buildColumns(db, this.stmt, [...common, ...shortForms]);
      columnPostings += longFormPostings.writeColumns(this.stmt, longFormColumns);
      this.markInStep();
      return { terms: terms.length, entries, columnPostings };
    } finally {
      longFormPostings.close();
    }
  }

  private get pairSampleInput(): PairSampleInput {
    return {
      listMinDf: this.options.minDf,
      pairMinDf: this.shortMinDf,
      sample: this.options.pairSample,
      max: this.options.maxPairs,
    };
  }

  /**
   * Starts finding the pairs the next build will list on a thread of their own (pair-sample-thread.ts), for
   * a caller that has other work for this thread meanwhile; null where the build counts on this thread
   * (countedForBuild's conditions).
   */
  startPairSample(): PairSampleThread | null {
    const span = this.stmt('SELECT COALESCE(MAX(rowid) - MIN(rowid) + 1, 0) FROM papers')
      .pluck()
      .get() as number;
    if (!this.countsOnThreads(span)) return null;
    return new PairSampleThread(
      this.db.name,
      this.pairSampleInput,
      this.db.pragma('data_version', { simple: true }) as number,
    );
  }

  /** Whether a build of an archive of about `papers` papers reads them on other threads. */
  private countsOnThreads(papers: number): boolean {
    const threads = this.options.buildThreads ?? DEFAULT_BUILD_THREADS;
    const from = this.options.buildThreadsFrom ?? BUILD_THREADS_FROM;
    // In WAL mode only: there the threads' reads never hold up this transaction's writes.
    const wal = this.db.pragma('journal_mode', { simple: true }) === 'wal';
    return threads > 0 && papers >= from && wal && !this.db.memory && this.db.name !== '';
  }

  private get shortListSize(): number {
    return this.options.shortListSize ?? DEFAULT_SHORT_LIST_SIZE;
  }

  private get shortMinDf(): number {
    return this.options.shortMinDf ?? this.options.minDf / 10;
  }

  /**
   * The entries a term's list keeps: listSize for a word in more than minDf papers, shortListSize for a
   * pair or a rarer word. Read from today's df, so a word that crosses minDf keeps its list, shorter or
   * longer than its new size, exact either way (θ bounds what is outside it) until a cut or a build.
   */
  private listSizeOf(t: { term: string; df: number }): number {
    return isPairTerm(t.term) || t.df <= this.options.minDf ? this.shortListSize : this.options.listSize;
  }

  /**
   * Every paper counted for a build, in rowid order page by page: on counting threads (list-count-threads.ts)
   * when the archive is a file and large enough to repay starting them, so this thread only writes forward
   * rows and keeps the lists, else here.
   */
  private *countedForBuild(
    terms: readonly string[],
    range: PaperRange,
    idle?: () => boolean,
  ): Generator<CountedPaper> {
    if (range.first === null || range.last === null) return;
    if (this.countsOnThreads(range.papers)) {
      const threads = this.options.buildThreads ?? DEFAULT_BUILD_THREADS;
      yield* countedOnThreads(this.db.name, terms, { first: range.first, last: range.last }, threads, idle);
      return;
    }
    const counts = new ListedCounts(new Map(terms.map((t, i) => [t, i + 1])), terms.length);
    const page = this.db.prepare(
      `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid > ? ORDER BY rowid LIMIT 1000`,
    );
    const paper: CountedPaper = { rowid: 0, d: 0, held: counts.held, f: counts.f };
    for (let after = range.first - 1; ; ) {
      const rows = page.all(after) as TextRow[];
      if (rows.length === 0) break;
      after = (rows.at(-1) as TextRow).rowid;
      for (const [rowid, d] of this.counted(rows, counts)) {
        paper.rowid = rowid;
        paper.d = d;
        yield paper;
      }
    }
  }

  /** Whether a build ever ran (lists exist, or ran and found no common term). */
  private built(): boolean {
    return !!this.stmt('SELECT 1 FROM impact_state WHERE only_row = 1 AND synced IS NOT NULL').get();
  }

  /**
   * Keeps the lists exact across an upsert, inside its transaction: `before` is the old text of papers
   * whose text changed, `after` the rowids of papers inserted or changed (read after the write), of which
   * those from `firstNew` on were inserted by it, above every rowid stored before.
   */
  afterWrite(
    before: readonly TextRow[],
    after: readonly number[],
    firstNew = Number.POSITIVE_INFINITY,
  ): void {
    if (before.length === 0 && after.length === 0) return;
    if (!this.built()) return;
    const wasInStep = this.inStep(this.averagesBeforeWrite ?? null);
    this.averagesBeforeWrite = undefined;
    this.dropColumns();
    if (!wasInStep) return; // lists out of step already (a write that bypassed them): a rebuild repairs them
    // The listed terms as the last write through this connection left them, if no other connection has
    // committed since; taken, and given back by committed() only once this write has committed.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    const known = this.terms?.version === version ? this.terms : this.readTerms(version);
    this.terms = undefined;
    const { byId, highest, counts, hasColumn, hasBlocks } = known;
    const dfDelta = new Int32Array(highest + 1);
    const isTouched = new Uint8Array(highest + 1);
    const touched: number[] = [];
    const touch = (id: number) => {
      if (isTouched[id] === 1) return;
      isTouched[id] = 1;
      touched.push(id);
    };
    const remove = this.stmt(
      'DELETE FROM impact_postings WHERE term_id IN (?, ?) AND g = ? AND paper_rowid = ?',
    );
    // Word columns: each paper's f and D now, for every column word it held or holds (word-columns.ts).
    const changed = new Int32Array(highest + 1);
    // [term id, rowid, f, D] of each column change, written at the end in key order (writeColumnChanges).
    const columnChanges: number[] = [];
    // Per column word, the new papers' [rowid, f, D], appended to its column at the end (appendPostings).
    const appended = new Map<number, number[]>();
    // A posting a column cannot hold (fitsColumn) costs its word the column, dropped at the end with all
    // this write gave it.
    const unfit = new Uint8Array(highest + 1);
    for (const [rowid, d] of this.counted(before, counts)) {
      for (const id of counts.held) {
        const f = counts.of(id);
        const t = byId[id] as TermRow;
        if (hasColumn[id] === 1) {
          columnChanges.push(id, rowid, 0, 0);
          changed[id] = (changed[id] as number) + 1;
        }
        touch(id);
        dfDelta[id] = (dfDelta[id] as number) - 1;
        // The same f, D and avgdl_ref give the same g, bit for bit, as when the entry was written.
        const g = impact(f, d, t.avgdl_ref);
        // An entry in the list's blocks is removed as a row: the list's blocks become rows first, once, when
        // the paper could be among them (every entry's g is at least θ/SAFETY; list-blocks.ts).
        if (hasBlocks[id] === 1 && g * BLOCK_MARGIN >= t.theta) {
          this.blocks.toRows(t.id);
          hasBlocks[id] = 0;
        }
        if (remove.run(t.id, -t.id, g, rowid).changes > 0) t.size--;
      }
    }
    const rows = this.stmt(
      `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(after)) as TextRow[];
    // [term id, g, rowid, f, D] of each new entry, written at the end in key order (writeEntries).
    const entries: number[] = [];
    const setDoc = this.stmt('INSERT OR REPLACE INTO impact_docs (paper_rowid, d, terms) VALUES (?, ?, ?)');
    for (const [rowid, d] of this.counted(rows, counts)) {
      setDoc.run(rowid, d, counts.encoded());
      for (const id of counts.held) {
        const f = counts.of(id);
        const t = byId[id] as TermRow;
        if (hasColumn[id] === 1) {
          if (!fitsColumn(rowid, f, d)) unfit[id] = 1;
          else if (rowid >= firstNew) {
            const postings = appended.get(id) ?? [];
            if (postings.length === 0) appended.set(id, postings);
            postings.push(rowid, f, d);
          } else columnChanges.push(id, rowid, f, d);
          changed[id] = (changed[id] as number) + 1;
        }
        touch(id);
        dfDelta[id] = (dfDelta[id] as number) + 1;
        const g = impact(f, d, t.avgdl_ref);
        if (g >= t.theta) {
          // Into the list's recent part ("Where a list's entries live", above): a day's entries share few pages.
          entries.push(-t.id, g, rowid, f, d);
          t.size++;
        }
      }
    }
    // df and size of every term touched in one statement (integers, exact through JSON); θ, a double that
    // must keep every bit, bound as a parameter for the few lists cut back.
    const setTheta = this.stmt('UPDATE impact_terms SET theta = ? WHERE id = ?');
    this.writeEntries(entries);
    // A word's changes and postings written here go again with its column when it is dropped (below).
    this.writeColumnChanges(columnChanges);
    for (const [id, postings] of appended) appendPostings(this.stmt, id, postings);
    const changes: [number, number, number, number][] = [];
    // The lengths table for the folds below, read once if one needs it.
    const lengths = lengthsTableOnce(this.stmt);
    for (const id of touched) {
      const t = byId[id] as TermRow;
      if (t.size > 2 * this.listSizeOf(t)) {
        this.trim(t);
        hasBlocks[id] = 0;
        setTheta.run(t.theta, t.id);
      }
      let columnChanges = (t.column_changes ?? 0) + (changed[id] as number);
      if (unfit[id] === 1) {
        dropColumn(this.stmt, id);
        hasColumn[id] = 0;
        columnChanges = 0;
      } else if (columnChanges > (this.options.columnFold ?? DEFAULT_COLUMN_FOLD)) {
        try {
          foldColumn(this.stmt, id, lengths);
        } catch (error) {
          if (!(error instanceof ColumnFormatError)) throw error;
          // A segment this version cannot read: the word loses its column, as one whose posting is too
          // large for it does, and the write goes on; a build gives the column back.
          dropColumn(this.stmt, id);
          hasColumn[id] = 0;
        }
        columnChanges = 0;
      }
      t.df += dfDelta[id] as number;
      t.column_changes = columnChanges;
      changes.push([t.id, dfDelta[id] as number, t.size, columnChanges]);
    }
    // One statement a term, in id order (the table's), each landing beside the one before. A day's papers
    // touch about 17,000 terms at a million papers: one UPDATE … FROM json_each of them all took 64-76 ms
    // inside the day's write, these 38-46 (the write's page cache is full of its dirty pages by then).
    changes.sort((a, b) => a[0] - b[0]);
    const setCounts = this.stmt(
      'UPDATE impact_terms SET df = df + ?, size = ?, column_changes = ? WHERE id = ?',
    );
    for (const [id, df, size, columnChanges] of changes) setCounts.run(df, size, columnChanges, id);
    this.markInStep();
    this.written = known;
  }

  /**
   * The write that just ran has committed. If its upkeep changed the lists, the listed terms it left (df,
   * size, θ, changes, columns) are kept for the next write, which then reads none of them; a write that
   * changed no paper's text left them as they were, and what is kept stays. Not when the write was part
   * of a transaction still open (it may yet roll back). A write that failed, at any point up to its
   * commit, never calls this, and took the terms with it (afterWrite), so the next reads them again.
   */
  committed(): void {
    if (this.written && !this.db.inTransaction) this.terms = this.written;
    this.written = undefined;
  }

  /** The listed terms in memory, as a write keeps the lists (afterWrite, committed()). */
  private terms: TermsInMemory | undefined;
  private written: TermsInMemory | undefined;

  private readTerms(version: number): TermsInMemory {
    // Per term id, in arrays: a day's papers touch most of the ~12,000 lists (pairs included) a paper at a
    // time, and maps keyed by term cost more than the rest of the upkeep (measured at 1,000,000 papers).
    const terms = this.stmt(
      'SELECT id, term, df, theta, avgdl_ref, size, column_changes FROM impact_terms',
    ).all() as TermRow[];
    const highest = terms.reduce((m, t) => Math.max(m, t.id), 0);
    const byId: (TermRow | undefined)[] = new Array(highest + 1);
    for (const t of terms) byId[t.id] = t;
    const hasColumn = new Uint8Array(highest + 1);
    for (const id of this.stmt('SELECT DISTINCT term_id FROM impact_columns').pluck().all() as number[])
      if (id <= highest) hasColumn[id] = 1;
    const hasBlocks = new Uint8Array(highest + 1);
    for (const id of this.blocks.listed()) if (id <= highest) hasBlocks[id] = 1;
    return {
      version,
      byId,
      highest,
      counts: new ListedCounts(new Map(terms.map((t) => [t.term, t.id])), highest),
      hasColumn,
      hasBlocks,
    };
  }

  /**
   * Writes new list entries ([term id, g, rowid, f, D] flat, as they came) in the table's key order (term,
   * g descending, rowid), so each insert lands beside the one before, as writeColumnChanges does.
   */
  private writeEntries(entries: readonly number[]): void {
    this.insertInOrder('impact_postings (term_id, g, paper_rowid, f, d)', 5, entries, [
      { at: 0 },
      { at: 1, descending: true },
      { at: 2 },
    ]);
  }

  /**
   * Writes column changes ([term id, rowid, f, D] flat, as they came) sorted by the table's key, so each
   * insert lands beside the one before: a day's 1,000 papers make about 50,000 of them at a million papers,
   * and in the order they come (paper by paper, each across its column words) every insert went to another
   * place in the table: 104-122 ms for a day's changes, 23 ms sorted (a probe on the 1M archive, rolled
   * back). The sort is stable, so of two changes to one paper's word (its old text out, its new text in)
   * the later is written last and stays.
   */
  private writeColumnChanges(changes: readonly number[]): void {
    this.insertInOrder('impact_column_changes (term_id, paper_rowid, f, d)', 4, changes, [
      { at: 0 },
      { at: 1 },
    ]);
  }

  /**
   * INSERT OR REPLACE of rows given flat (`width` values each), sorted by the values at the `key` offsets in
   * turn, stably, so rows that compare equal keep the order they came in.
   */
  private insertInOrder(
    into: string,
    width: number,
    values: readonly number[],
    key: readonly { at: number; descending?: boolean }[],
  ): void {
    const n = values.length / width;
    if (n === 0) return;
    const order = Array.from({ length: n }, (_, i) => i * width);
    order.sort((a, b) => {
      for (const { at, descending } of key) {
        const d = (values[a + at] as number) - (values[b + at] as number);
        if (d !== 0) return descending ? -d : d;
      }
      return 0;
    });
    const insert = new BatchInsert(this.db, into, width, 'INSERT OR REPLACE');
    for (const at of order) insert.add(...values.slice(at, at + width));
    insert.flush();
  }

  /**
   * A word's column as it is now: as built, with the papers written since merged in. The columns read last
   * are kept in memory (up to columnCacheBytes, in one buffer reused: column-cache.ts): reading one from the
   * file costs about 1 ms per 100,000 papers, most of a search. They are dropped whenever another
   * connection has committed (PRAGMA data_version) and on every write or build through this one.
   */
  private column(id: number): ColumnPostings | undefined {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.cacheVersion) {
      this.dropColumns();
      this.cacheVersion = version;
    }
    const cached = this.columnCache.get(id);
    if (cached) return cached;
    try {
      return this.columnCache.load(id, (memory) => readColumn(this.stmt, id, this.lengths, memory));
    } catch (error) {
      // A segment this version cannot read: searched without the column (another exact path) until the
      // next fold or build replaces it.
      if (error instanceof ColumnFormatError) return undefined;
      throw error;
    }
  }

  /**
   * For a process about to serve searches: the lengths table read now rather than at the first column a
   * search reads (about 20 ms at a million papers), and the largest column read into the cache. The
   * first column a process reads costs it 15-30 ms more than any after (its decoding code not yet
   * compiled, the cache's memory not yet touched): measured at a million papers, the benchmark's first
   * two-word query to read one took 43-56 ms without this and 25-27 with it. Nothing when no build has
   * written the columns. Call inside a read transaction, as topK.
   */
  prepareForSearch(): void {
    this.lengths.table(this.stmt);
    // By df, not the columns' own counts: impact_columns.papers sits after the blob, so reading it reads
    // every column.
    const largest = this.stmt(
      `SELECT t.id FROM impact_terms t
       WHERE EXISTS (SELECT 1 FROM impact_columns c WHERE c.term_id = t.id) ORDER BY t.df DESC LIMIT 1`,
    )
      .pluck()
      .get() as number | undefined;
    if (largest === undefined) return;
    // Held like a search's column: the next search's topK lets it go (startSearch) before reading its own.
    this.columnCache.startSearch();
    const column = this.column(largest);
    const averages = this.averages();
    if (!column || !averages || !this.inStep(averages)) return;
    // The block-max walk compiled before a search needs it (block-max.ts).
    const { rows, avgdl } = indexTotals(averages);
    compileWalk(column, this.lengths.values, idf(rows, column.rowids.length), avgdl);
  }

  /**
   * The archive changed: the columns held go, and before the next the lengths table's stamp is checked
   * (the table read again if a build wrote it since).
   */
  private dropColumns(): void {
    this.columnCache.clear();
    this.lengths.forgetTable();
  }

  /** Whether the listed term has a column, without reading it. */
  private hasColumn(id: number | undefined): boolean {
    if (id === undefined) return false;
    return (
      this.columnCache.has(id) ||
      !!this.stmt('SELECT 1 FROM impact_columns WHERE term_id = ? LIMIT 1').get(id)
    );
  }

  private readonly columnCache: ColumnCache;
  /** The D of every paper in the columns read (word-columns.ts): kept through a clear, as it explains. */
  private readonly lengths = new PaperLengths();
  private cacheVersion: number | undefined;

  /**
   * The column of every phrase, by phrase index, when each has one (a common word's, or an abbreviation's
   * long or short form's: abbreviation-columns.ts); otherwise undefined.
   */
  private columnsFor(plan: MatchPlan, listed: ReadonlyMap<string, TermRow>): ColumnPostings[] | undefined {
    const columns: ColumnPostings[] = [];
    for (const p of plan.phrases) {
      const id = listed.get(p.join(' '))?.id;
      const column = id === undefined ? undefined : this.column(id);
      if (!column) return undefined;
      columns.push(column);
    }
    return columns;
  }

  /** Old averages record, read before the write so afterWrite knows the lists were in step with it. */
  private averagesBeforeWrite: Buffer | null | undefined;
  beforeWrite(): void {
    this.averagesBeforeWrite = this.averages();
    // What an earlier write left here never outlives it: that write's commit may have failed after its
    // upkeep ran (committed() was then never called).
    this.written = undefined;
  }

  /**
   * Cuts a list back to listSize entries; θ rises to the highest impact cut, so it still bounds the rest.
   * Its recent part is folded in first: one list's entries written together, a few pages.
   */
  private trim(t: TermRow): void {
    this.blocks.toRows(t.id);
    this.stmt(
      `INSERT OR REPLACE INTO impact_postings (term_id, g, paper_rowid, f, d)
       SELECT ?, g, paper_rowid, f, d FROM impact_postings WHERE term_id = ?`,
    ).run(t.id, -t.id);
    this.stmt('DELETE FROM impact_postings WHERE term_id = ?').run(-t.id);
    const cut = this.stmt(
      `SELECT g FROM impact_postings WHERE term_id = ? ORDER BY g DESC, paper_rowid LIMIT 1 OFFSET ?`,
    ).get(t.id, this.listSizeOf(t)) as { g: number } | undefined;
    if (!cut) return;
    this.stmt('DELETE FROM impact_postings WHERE term_id = ? AND g <= ?').run(t.id, cut.g);
    t.theta = Math.max(t.theta, cut.g);
    t.size = (
      this.stmt('SELECT COUNT(*) AS n FROM impact_postings WHERE term_id = ?').get(t.id) as { n: number }
    ).n;
  }

  /**
   * The `k` best papers for the plan with their exact bm25 relevance, in FTS5's order (ties: lower rowid
   * first), or null when the lists cannot answer it with certainty. Call inside a read transaction: for a
   * consistent answer, and because the column cache is cleared when the archive changes, which must not
   * happen while this search holds columns from it (column-cache.ts).
   */
  topK(plan: MatchPlan, k: number): ImpactHit[] | null {
    this.columnCache.startSearch();
    const averages = this.averages();
    if (!this.inStep(averages)) return this.fallBack('lists not built or out of step');
    const { rows: n, avgdl } = indexTotals(averages);
    const getTerm = this.stmt('SELECT id, term, df, theta, avgdl_ref, size FROM impact_terms WHERE term = ?');
    // A phrase's listed unit: a word, or a two-word phrase with a list of its own (a pair, listed-counts.ts).
    const unitOf = (p: readonly string[]) => p.join(' ');
    const listed = new Map<string, TermRow>();
    for (const p of plan.phrases)
      for (const w of p.length > 1 ? [...p, unitOf(p)] : p) {
        const t = getTerm.get(w) as TermRow | undefined;
        if (t) listed.set(w, t);
      }
    const positive = plan.terms.flat();
    // Alone, a phrase (or word) is answered from its own list, whose entries hold its f and D: no forward
    // row is read. Otherwise every positive phrase must be a listed word or a listed phrase (a pair, or an
    // abbreviation's long form): a paper outside every list could match a rarer one (FTS5 is cheap then).
    // Forward rows hold no phrases, so a candidate's f for a phrase comes from the phrase's list entries when
    // read there or from its column, else it is bounded (below).
    const alone = positive.length === 1 && plan.excluded.length === 0;
    const longer = positive.filter((i) => (plan.phrases[i] ?? []).length > 1);
    const withPairs = !alone && longer.length > 0;
    const words = positive.map((i) => unitOf(plan.phrases[i] as string[]));
    if (words.some((w) => !listed.has(w)))
      return this.fallBack(words.some(isPairTerm) ? 'a phrase' : 'a rare term');
    // A short list answers its word alone or less exclusions; beside other words it would run out long
    // before certainty, and FTS5 finds the few papers holding a rarer word with others cheaply. Several
    // required words of which one is in under a twentieth of the papers: the papers holding them all are
    // few and FTS5 finds them cheaply, while the lists would often be read to their end without certainty
    // (measured at 1,000,000 papers: "rare" two- and three-word queries exhausted them). Both stay with the
    // lists when columns finish what the lists leave: every phrase has one (an abbreviation's two forms:
    // abbreviation-columns.ts; FTS5 would walk a long form's every word), or the rarer required word has a
    // full list and every other word a column, which gives their exact impacts for each paper the list
    // brings (`video generation`: FTS5 walks generation's doclist, 77% of the papers, for 50 ms).
    const required = plan.mode === 'all' && plan.terms.length > 1;
    const dfs = words.map((w) => (listed.get(w) as TermRow).df);
    const rarest = dfs.indexOf(Math.min(...dfs));
    const columned = (term: string) => this.hasColumn(listed.get(term)?.id);
    const rare =
      (positive.length > 1 &&
        words.some((w, j) => !isPairTerm(w) && (dfs[j] as number) <= this.options.minDf)) ||
      (required &&
        (dfs[rarest] as number) < n / 20 &&
        !(
          (dfs[rarest] as number) > this.options.minDf && words.every((w, j) => j === rarest || columned(w))
        ));
    if (rare && !plan.phrases.every((p) => columned(p.join(' ')))) return this.fallBack('a rare term');
    // An excluded phrase never occurs in a match, so its idf never counts: 0 keeps FTS5's phrase order.
    const idfs = plan.phrases.map((_, i) => {
      const at = positive.indexOf(i);
      return at < 0 ? 0 : idf(n, (listed.get(words[at] as string) as TermRow).df);
    });
    const cursors = [...new Set(words)].map((w) => {
      const t = listed.get(w) as TermRow;
      // Under today's avgdl a paper outside the list has impact at most θ·max(1, avgdl/avgdl_ref).
      const drift = Math.max(1, avgdl / t.avgdl_ref);
      return {
        word: w,
        term: t,
        drift,
        read: 0,
        lastG: Number.POSITIVE_INFINITY,
        lastRowid: 0,
        bound: Number.POSITIVE_INFINITY,
        done: false,
        blocks: this.blocks.cursor(t.id),
      };
    });
    // A list read in impact order, a chunk at a time from where the last chunk ended (g, then rowid: a
    // keyset, so no entry is read twice as an OFFSET would): its two parts of rows ("Where a list's entries
    // live", above), each in the key's order, merged by SQLite (no sort), then with its blocks (mergeNext).
    const read = this.stmt(
      `SELECT paper_rowid, g, f, d FROM impact_postings
       WHERE term_id = @id AND g <= @g AND NOT (g = @g AND paper_rowid <= @rowid)
       UNION ALL
       SELECT paper_rowid, g, f, d FROM impact_postings
       WHERE term_id = -@id AND g <= @g AND NOT (g = @g AND paper_rowid <= @rowid)
       ORDER BY 2 DESC, 1 LIMIT @chunk`,
    );
    // Forward rows only for the papers a chunk brings that could still reach the top k.
    const forward = this.stmt(
      'SELECT paper_rowid, d, terms FROM impact_docs WHERE paper_rowid IN (SELECT value FROM json_each(?))',
    );
    const textOf = this.stmt(
      `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid IN (SELECT value FROM json_each(?))`,
    );
    // Each phrase's term id when it is one listed word: its f in a paper is then in the paper's forward row.
    const ids = plan.phrases.map((p) => (p.length === 1 ? listed.get(p[0] as string)?.id : undefined));
    // Exclusions of listed words are decided from forward rows too; others need the paper's text.
    const fromForward = plan.excluded.every((i) => ids[i] !== undefined);
    const seen = new Set<number>();
    const scored: ImpactHit[] = [];
    const keep = (hit: ImpactHit) => {
      scored.push(hit);
      scored.sort((a, b) => b.relevance - a.relevance || a.rowid - b.rowid);
      if (scored.length > k) scored.length = k;
    };
    const kth = () =>
      scored.length === k ? (scored[k - 1] as ImpactHit).relevance : Number.NEGATIVE_INFINITY;
    let verified = 0;
    // A phrase's f in each paper read from its list (withPairs), and its words' term ids for forward rows.
    const pairF = new Map<string, Map<number, number>>();
    const pairWordIds: (number | undefined)[] = [];
    const pairWordAt = new Map<number, number>();
    for (const i of withPairs ? longer : []) {
      pairWordAt.set(i, pairWordIds.length);
      for (const w of plan.phrases[i] as string[]) pairWordIds.push(listed.get(w)?.id);
    }
    let chunk = this.options.firstChunk ?? FIRST_CHUNK;
    let steps = 0;
    // The words' columns, once loaded (null: not every phrase has one).
    let columns: ColumnPostings[] | null | undefined;
    let leadTried = false;
    for (;;) {
      // A paper first read from one list has, in every list it was not read from, an impact at most that
      // list's bound; when even that cannot reach the k-th score it is never looked at again (bounds only
      // fall and the k-th only rises, and reading it later from another list would not raise its bound).
      const fresh: number[] = [];
      const previous = new Map(cursors.map((c) => [c.word, c.bound]));
      for (const c of cursors) {
        if (c.done) continue;
        const entries = mergeNext(
          read.raw().all({ id: c.term.id, g: c.lastG, rowid: c.lastRowid, chunk }) as Entry[],
          c.blocks,
          chunk,
        );
        c.read += entries.length;
        if (withPairs && isPairTerm(c.word)) {
          const known = pairF.get(c.word) ?? new Map<number, number>();
          for (const [rowid, , f] of entries) known.set(rowid, f);
          pairF.set(c.word, known);
        }
        const last = entries.at(-1);
        if (last) [c.lastRowid, c.lastG] = last;
        if (entries.length < chunk || c.read >= c.term.size) {
          c.done = true;
          c.bound = c.term.theta * c.drift;
        } else {
          // Entries further down have g_ref at most the last read; under today's avgdl at most that·drift.
          c.bound = c.lastG * c.drift;
        }
        let others = 0;
        for (const [j, i] of positive.entries())
          if (words[j] !== c.word) others += (idfs[i] ?? 0) * (previous.get(words[j] as string) as number);
        const own = positive.reduce((a, i, j) => (words[j] === c.word ? a + (idfs[i] ?? 0) : a), 0);
        for (const [rowid, g, f, d] of entries)
          if (!seen.has(rowid)) {
            seen.add(rowid);
            // Alone, the entry's f and D give the paper's exact score (it matches: the list holds it).
            if (alone) {
              const relevance = bm25Score(idfs, [f], d, avgdl);
              if (relevance >= kth()) keep({ rowid, relevance });
            } else if (own * g * c.drift + others >= kth()) fresh.push(rowid);
          }
      }
      // Several words past the first step: their columns (when each has one) serve as forward rows, a binary
      // search in memory per word instead of a row read per paper. (One word less its exclusions has few
      // candidates: loading its columns would cost more than the rows.) From the first step when a phrase
      // is among them: forward rows hold no phrases, so each paper whose phrase the lists did not give
      // would have its text read and tokenized instead.
      if (columns === undefined && positive.length > 1 && fresh.length > 0 && (steps > 0 || withPairs))
        columns = this.columnsFor(plan, listed) ?? null;
      if (columns) {
        for (const rowid of fresh) {
          const { freqs, d } = lookUp(columns, this.lengths.values, rowid);
          if (d < 0) return this.fallBack('lists not built or out of step');
          if (!matches(plan, freqs)) continue;
          const relevance = bm25Score(idfs, freqs, d, avgdl);
          if (relevance >= kth()) keep({ rowid, relevance });
        }
        fresh.length = 0;
      }
      steps++;
      const rows =
        fresh.length === 0 ? [] : (forward.raw().all(JSON.stringify(fresh)) as [number, number, Buffer][]);
      // Every list entry has a forward row (both are written together); were one missing, the paper
      // could not be scored, so the query goes to FTS5 rather than skip it.
      if (rows.length !== fresh.length) return this.fallBack('lists not built or out of step');
      // Every paper read gets its exact f for each listed word of the query from its forward row: its
      // exact score, and whether it matches, follow (its text is read only for exclusions of other kinds).
      const toVerify: [number, number][] = [];
      for (const [rowid, d, terms] of rows) {
        const row = { rowid, d };
        const freqs = pickTerms(terms, ids);
        if (withPairs) {
          // Each phrase's f from its list's entries if the paper was read there; otherwise the paper's impact
          // for it is at most the list's bound. Exact then (no text read), or an upper bound to verify.
          // A phrase's f is at most its rarest word's (each instance holds every word): 0 when the paper
          // lacks one, else its impact is at most that word count's.
          let unknown = 0;
          const parts = pickTerms(terms, pairWordIds);
          for (const [j, i] of positive.entries()) {
            const w = words[j] as string;
            if (!isPairTerm(w)) continue;
            const f = pairF.get(w)?.get(rowid);
            if (f !== undefined) {
              freqs[i] = f;
              continue;
            }
            const at = pairWordAt.get(i) as number;
            // (Every word is listed: a phrase is made of listed words. Were one not, nothing is known.)
            let most = Number.POSITIVE_INFINITY;
            for (let x = at; x < at + (plan.phrases[i] as string[]).length; x++)
              most = Math.min(
                most,
                pairWordIds[x] === undefined ? Number.POSITIVE_INFINITY : (parts[x] ?? 0),
              );
            if (most === 0) continue;
            const listBound = (cursors.find((x) => x.word === w) as { bound: number }).bound;
            const wordBound = Number.isFinite(most) ? impact(most, row.d, avgdl) : listBound;
            unknown += (idfs[i] ?? 0) * Math.min(listBound, wordBound);
          }
          if (unknown > 0 || !fromForward) {
            const upper = bm25Score(idfs, freqs, row.d, avgdl) + unknown;
            if (upper >= kth()) toVerify.push([row.rowid, upper]);
            continue;
          }
        }
        if (!matches(plan, freqs)) continue;
        const relevance = bm25Score(idfs, freqs, row.d, avgdl);
        if (fromForward) {
          if (relevance >= kth()) keep({ rowid: row.rowid, relevance });
        } else toVerify.push([row.rowid, relevance]);
      }
      toVerify.sort((x, y) => y[1] - x[1]);
      for (let at = 0; at < toVerify.length && (toVerify[at] as [number, number])[1] >= kth(); ) {
        const batch: number[] = [];
        for (; at < toVerify.length && batch.length < RESOLVE_BATCH; at++) {
          const [rowid, relevance] = toVerify[at] as [number, number];
          if (relevance >= kth()) batch.push(rowid);
        }
        verified += batch.length;
        if (verified > MAX_RESOLVED) return this.fallBack('too many candidates');
        for (const [rowid, cols] of this.tokenizer.tokens(textOf.all(JSON.stringify(batch)) as TextRow[])) {
          const freqs = phraseFrequencies(plan, cols);
          if (matches(plan, freqs))
            keep({ rowid, relevance: bm25Score(idfs, freqs, tokenCount(cols), avgdl) });
        }
      }
      // The best a paper not read yet could score: each positive word at its list's bound.
      let unseen = 0;
      const bounds = new Map(cursors.map((c) => [c.word, c.bound]));
      for (const [j, i] of positive.entries())
        unseen += (idfs[i] ?? 0) * (bounds.get(words[j] as string) as number);
      // Strictly above: a paper not yet read that ties the k-th could belong before it in FTS5's order.
      if (kth() > unseen) {
        this.lastOutcome = 'certified';
        this.lastRead = seen.size;
        return scored;
      }
      // Several required terms still uncertain after a few steps, the one in the fewest papers a single word
      // or phrase to lead (the others may have alternatives: an abbreviation's two forms): block-max pruning
      // over their columns (word-columns.ts) finishes exactly, starting from the best papers scored so far.
      // (When a term with alternatives is in fewer papers, `llm training`, the finish below walks only its
      // forms' papers, fewer than the lead's: 8 ms against 19 at a million papers.)
      if (
        steps >= COLUMN_STEPS &&
        plan.mode === 'all' &&
        plan.terms.length > 1 &&
        singleLeads(plan, (i) => (listed.get(unitOf(plan.phrases[i] as string[])) as TermRow).df) &&
        !cursors.every((c) => c.done)
      ) {
        if (columns === undefined) columns = this.columnsFor(plan, listed) ?? null;
        if (columns) {
          const { hits, scored: more } = blockMaxTopK(
            plan,
            columns,
            this.lengths.values,
            idfs,
            avgdl,
            k,
            scored,
            seen,
          );
          this.lastOutcome = 'columns';
          this.lastRead = seen.size + more;
          return hits;
        }
      }
      // Read to their end without certainty, or (a phrase among the terms: an abbreviation's forms) still
      // uncertain after a few steps: the columns, when every phrase has one, finish the job. Papers not yet
      // read from a list have an impact there at most its bound (θ once the list is read to its end).
      const exhausted = cursors.every((c) => c.done);
      const late = steps >= COLUMN_STEPS;
      if (exhausted || (late && withPairs)) {
        if (columns === undefined) columns = this.columnsFor(plan, listed) ?? null;
      }
      // Every phrase but one required word with a column: that word's papers from FTS5's doclist finish
      // the job (completeFromLead), tried once, after a few steps or when the lists ran out.
      if (!columns && (exhausted || late) && !leadTried) {
        leadTried = true;
        const led = this.completeFromLead(plan, listed, idfs, avgdl, seen, kth, keep);
        if (led !== null) {
          this.lastOutcome = 'doclist';
          this.lastRead = seen.size + led;
          return scored;
        }
      }
      if (!columns && exhausted) return this.fallBack('lists exhausted');
      if (columns && (exhausted || (steps >= COLUMN_STEPS && withPairs))) {
        const outside = plan.phrases.map((_, i) => {
          const at = positive.indexOf(i);
          const c = at < 0 ? undefined : cursors.find((x) => x.word === words[at]);
          return c ? c.bound : 0;
        });
        const scoredMore = completeFromColumns(
          plan,
          columns,
          this.lengths.values,
          idfs,
          avgdl,
          outside,
          seen,
          kth,
          keep,
        );
        this.lastOutcome = 'columns';
        this.lastRead = seen.size + scoredMore;
        return scored;
      }
      chunk = Math.min(chunk * 2, MAX_CHUNK);
    }
  }

  /**
   * Finishes a top k whose lists ran out when every phrase but one required word (the lead) has a column,
   * as `llm agents` (`(llm OR "large language models") AND agents`, agents without a column): every paper
   * holding the lead comes from FTS5's doclist (its rowids alone: no bm25 over its matches). The lead's
   * whole list is read first: a paper it holds is scored at once (its f from the entry, the others' from
   * their columns); any other is bounded by its exact impacts for the other phrases plus θ, the most a paper
   * outside the list can have for the lead, and only those that could still enter have their forward row
   * read for the lead's count. (Bounded by the cursor's bound instead, `adam optimizer` at a million papers
   * read 1,779 forward rows, 10-60 ms; with the list, 4,000 entries in one read, none.)
   * Returns how many were scored, or null when the query is not of that shape.
   */
  private completeFromLead(
    plan: MatchPlan,
    listed: ReadonlyMap<string, TermRow>,
    idfs: readonly number[],
    avgdl: number,
    seen: ReadonlySet<number>,
    kth: () => number,
    keep: (hit: ImpactHit) => void,
  ): number | null {
    if (plan.mode !== 'all' || plan.terms.length < 2) return null;
    // The shape first (without reading a column): one phrase without a column, a required word alone.
    const ids = plan.phrases.map((p) => listed.get(p.join(' '))?.id);
    const leads = plan.phrases.flatMap((_, i) => (this.hasColumn(ids[i]) ? [] : [i]));
    const lead = leads[0] as number;
    if (leads.length !== 1 || !plan.terms.some((t) => t.length === 1 && t[0] === lead)) return null;
    const word = plan.phrases[lead] as string[];
    const term = listed.get(word.join(' '));
    if (word.length !== 1 || !term) return null;
    const columns = ids.map((id, i) => (i === lead ? undefined : this.column(id as number)));
    if (columns.some((c, i) => i !== lead && !c)) return null;
    // The lead's list, both parts (as built and since), in no order: its f for each paper it holds. Every
    // list entry is kept in step with its paper, as the list's own reads rely on.
    const listedF = new Map<number, number>();
    for (const [rowid, f] of this.stmt(
      'SELECT paper_rowid, f FROM impact_postings WHERE term_id = ? OR term_id = ?',
    )
      .raw()
      .all(term.id, -term.id) as [number, number][])
      listedF.set(rowid, f);
    for (const [rowid, , f] of this.blocks.entries(term.id)) listedF.set(rowid, f);
    // θ under today's avgdl, as the lead's list cursor bounds it once read to its end.
    const leadBound = term.theta * Math.max(1, avgdl / term.avgdl_ref);
    const source = (plan.sources[lead] as string[])[0] as string;
    const rowids = this.stmt('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid')
      .pluck()
      .all(`"${source.replaceAll('"', '""')}"`) as number[];
    const finders = columns.map((c) => (c ? lookUpCursor(c) : null));
    const lengths = this.lengths.values;
    // Every paper of the doclist holds the lead: 1 stands for its count (read later, for those that could
    // enter) so matches() asks only about the other terms.
    const freqs: number[] = plan.phrases.map((_, i) => (i === lead ? 1 : 0));
    const candidates: [number, number, number[], number][] = [];
    let scored = 0;
    for (const rowid of rowids) {
      if (seen.has(rowid)) continue;
      let d = -1;
      let others = 0;
      for (let i = 0; i < finders.length; i++) {
        const cursor = finders[i];
        if (!cursor) continue;
        const at = cursor.find(rowid);
        freqs[i] = at < 0 ? 0 : ((columns[i] as ColumnPostings).f[at] as number);
        if (at >= 0) d = lengths[rowid] as number;
      }
      // The doclist holds the lead; every other required term must be held, no excluded phrase.
      if (d < 0 || !matches(plan, freqs)) continue;
      const f = listedF.get(rowid);
      if (f !== undefined) {
        freqs[lead] = f;
        const relevance = bm25Score(idfs, freqs, d, avgdl);
        freqs[lead] = 1;
        scored++;
        if (relevance >= kth()) keep({ rowid, relevance });
        continue;
      }
      for (let i = 0; i < freqs.length; i++)
        if (i !== lead && (freqs[i] as number) > 0)
          others += (idfs[i] as number) * impact(freqs[i] as number, d, avgdl);
      const bound = others + (idfs[lead] as number) * leadBound;
      if (bound * (1 + 1e-9) >= kth()) candidates.push([rowid, bound, [...freqs], d]);
    }
    candidates.sort((a, b) => b[1] - a[1]);
    const forward = this.stmt(
      'SELECT paper_rowid, terms FROM impact_docs WHERE paper_rowid IN (SELECT value FROM json_each(?))',
    );
    for (
      let at = 0;
      at < candidates.length &&
      (candidates[at] as [number, number, number[], number])[1] * (1 + 1e-9) >= kth();
    ) {
      const batch = candidates.slice(at, at + LEAD_BATCH);
      at += batch.length;
      const rows = new Map(
        (forward.raw().all(JSON.stringify(batch.map((c) => c[0]))) as [number, Buffer][]).map(([r, t]) => [
          r,
          t,
        ]),
      );
      for (const [rowid, bound, f, d] of batch) {
        if (bound * (1 + 1e-9) < kth()) continue;
        const terms = rows.get(rowid);
        if (!terms) return null; // a paper without its forward row: the lists are not in step
        f[lead] = pickTerms(terms, [term.id])[0] as number;
        scored++;
        if (!matches(plan, f)) continue;
        const relevance = bm25Score(idfs, f, d, avgdl);
        if (relevance >= kth()) keep({ rowid, relevance });
      }
    }
    return scored;
  }

  private fallBack(why: string): null {
    this.lastOutcome = why;
    return null;
  }
}
