import type Database from 'better-sqlite3';
import type { FtsTokenizer, TextRow } from './fts-tokens.ts';
import { TEXT_COLUMNS_SQL } from './fts-tokens.ts';
import { countPapers, ListedCounts } from './listed-counts.ts';

/** Papers a build reads to find the common pairs by default: all up to this many, else a sample this size. */
export const PAIR_SAMPLE = 100_000;
/**
 * Pairs listed at most by default, the most common first: bounds a build's memory and time (a pair's list,
 * about 3.6 KB, is held while the build runs: 72 MB at most) and its disk (400 entries a pair) on an
 * archive whose text repeats itself (templates, boilerplate). The benchmark's million papers hold 15,540
 * pairs of common words in 1,000 papers or more; a cap of 10,000 left a third of its phrase searches to
 * FTS5, which walks both words' doclists for each (README, "Exact top-k from impact lists").
 */
export const MAX_PAIRS = 20_000;
/** What decides a build's pairs besides the archive (ImpactLists' options). */
export interface PairSampleInput {
  /** Pairs are of words in more than this many papers (the words with full lists). */
  listMinDf: number;
  /** A pair is listed when about this many papers hold it, or more. */
  pairMinDf: number;
  sample?: number;
  max?: number;
}

/** The papers' rowids as a build reads them: lowest, highest (null in an empty archive) and how many. */
export interface PaperRange {
  first: number | null;
  last: number | null;
  papers: number;
}

export function paperRange(db: Database.Database): PaperRange {
  return db
    .prepare('SELECT MIN(rowid) AS first, MAX(rowid) AS last, COUNT(*) AS papers FROM papers')
    .get() as PaperRange;
}

/** frequentPairs of `words` (the words with full lists) over `range`, as `input` asks. */
export function samplePairs(
  db: Database.Database,
  tokenizer: FtsTokenizer,
  words: readonly string[],
  range: PaperRange,
  input: PairSampleInput,
): string[] {
  const { first, last, papers } = range;
  if (first === null || last === null) return [];
  return frequentPairs(
    db,
    tokenizer,
    words,
    input.pairMinDf,
    { first, last, papers },
    input.sample,
    input.max,
  );
}

/** A word of the index and how many papers hold it (fts5vocab's `doc`). */
export interface VocabularyWord {
  term: string;
  df: number;
}

/**
 * The pairs a lists' build of the archive as `db` sees it would list: samplePairs over the words in more
 * than `listMinDf` papers (fts5vocab), and the vocabulary the build reads, every word in more than
 * `pairMinDf` papers in term order. On a connection of its own, a thread can find them beside a writer
 * (pair-sample-thread.ts), and the build need not read the vocabulary again (2.3 s of CPU at a million
 * papers) when nothing was written since.
 */
export function archivePairs(
  db: Database.Database,
  tokenizer: FtsTokenizer,
  input: PairSampleInput,
): { pairs: string[]; words: VocabularyWord[] } {
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.pair_vocab_row USING fts5vocab(main, papers_fts, row)');
  const read = db
    .prepare('SELECT term, doc AS df FROM temp.pair_vocab_row WHERE doc > ? ORDER BY term')
    .all(Math.min(input.pairMinDf, input.listMinDf)) as VocabularyWord[];
  const listed = read.filter((w) => w.df > input.listMinDf).map((w) => w.term);
  const words = read.filter((w) => w.df > input.pairMinDf);
  return { pairs: samplePairs(db, tokenizer, listed, paperRange(db), input), words };
}

/** Rows per block of the sample: blocks spread evenly over the rowids, so over the years of the archive. */
const BLOCK = 1_000;

/**
 * The two-word phrases of listed words ("a b", b right after a in one column) that about `minDf` or more
 * papers hold, at most `max` of them, as index terms joined by a space, in a stable order. Counted in
 * every paper when the archive holds at most `sample` papers, else in about that many papers in blocks
 * spread over the archive, scaled up. A pair the sample misses is only left to FTS5, which answers it exactly, only slower: what is
 * listed is exact whatever the sample says, as the build counts every paper for the lists it keeps.
 */
function frequentPairs(
  db: Database.Database,
  tokenizer: FtsTokenizer,
  words: readonly string[],
  minDf: number,
  range: { first: number; last: number; papers: number },
  sample = PAIR_SAMPLE,
  max = MAX_PAIRS,
): string[] {
  if (words.length < 1) return [];
  const counts = new ListedCounts(new Map(words.map((w, i) => [w, i + 1])), words.length, true);
  const df = new Map<number, number>();
  const page = db.prepare(
    `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid >= ? AND rowid <= ? ORDER BY rowid LIMIT ${BLOCK}`,
  );
  // Every paper in rowid order, or BLOCK rows from each of `blocks` even steps over the rowids.
  function* pages(): Generator<TextRow[]> {
    if (range.papers <= sample) {
      for (let from = range.first; ; ) {
        const rows = page.all(from, range.last) as TextRow[];
        if (rows.length === 0) return;
        yield rows;
        from = (rows.at(-1) as TextRow).rowid + 1;
      }
    }
    const blocks = Math.ceil(sample / BLOCK);
    const span = range.last - range.first + 1;
    for (let b = 0; b < blocks; b++)
      yield page.all(range.first + Math.floor((b * span) / blocks), range.last) as TextRow[];
  }
  let sampled = 0;
  const seen: number[] = [];
  for (const rows of pages())
    for (const _ of countPapers(rows, counts, tokenizer)) {
      sampled++;
      // Each pair once per paper: df counts papers, not instances.
      seen.length = 0;
      for (const key of counts.pairKeys) seen.push(key);
      seen.sort((x, y) => x - y);
      for (let i = 0; i < seen.length; i++)
        if (i === 0 || seen[i] !== seen[i - 1])
          df.set(seen[i] as number, (df.get(seen[i] as number) ?? 0) + 1);
    }
  if (sampled === 0) return [];
  const scale = range.papers / sampled;
  const common = [...df].filter(([, n]) => n * scale >= minDf);
  // The most common first, ties by key, so the same archive always lists the same pairs.
  common.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  return common
    .slice(0, max)
    .map(([key]) => {
      const [a, b] = counts.pairOf(key);
      return `${words[a - 1]} ${words[b - 1]}`;
    })
    .sort();
}
