import { COLUMN_WEIGHTS, FTS_COLUMNS } from './bm25.ts';
import {
  asciiPieces,
  type ColumnTokens,
  type FtsTokenizer,
  isAsciiRow,
  porterStem,
  type TextRow,
} from './fts-tokens.ts';
import { tokenCount } from './match-plan.ts';

/**
 * f of each listed term a paper holds (Σ over its instances of the column's weight), counted paper after
 * paper into one dense array: no map per paper, as a build counts every paper of the archive.
 *
 * A listed term is a word (an index term) or a pair of listed words written `"a b"` with one space (index
 * terms never hold one): the two-word phrase, whose instances are the places where b follows a in one
 * column, the instances FTS5 matches `"a b"` at. Pairs get lists so a quoted phrase of common words is not
 * left to FTS5, which must walk both words' whole doclists to find where they meet.
 */
/** Whether a listed term is a pair (two index terms joined by a space, which no index term holds). */
export function isPairTerm(term: string): boolean {
  return term.includes(' ');
}

export class ListedCounts {
  readonly f: Float64Array;
  /** Ids of the listed terms the last paper counted holds, ascending. */
  readonly held: number[] = [];
  /** 1 at the id of every listed pair: forward rows leave pairs out (impact-lists.ts). */
  readonly isPair: Uint8Array;
  /**
   * With `collectPairs`, every place in the last paper where one listed word follows another, as
   * pairKey(a, b), repeats included: how a build finds the pairs common enough to list.
   */
  readonly pairKeys: number[] = [];
  /** An ASCII token as cut from the text to its listed word's id, 0 when its word is not listed. */
  private readonly known = new Map<string, number>();
  /** pairKey(a, b) of each listed pair to its id. */
  private readonly pairs = new Map<number, number>();
  private readonly stride: number;

  constructor(
    private readonly ids: ReadonlyMap<string, number>,
    highestId: number,
    private readonly collectPairs = false,
  ) {
    this.f = new Float64Array(highestId + 1);
    this.isPair = new Uint8Array(highestId + 1);
    this.stride = highestId + 1;
    for (const [term, id] of ids) {
      if (!isPairTerm(term)) continue;
      const [first, second] = term.split(' ') as [string, string];
      const a = ids.get(first);
      const b = ids.get(second);
      // A pair is listed only with both its words (a pair is in no more papers than either word).
      if (a === undefined || b === undefined) continue;
      this.pairs.set(this.pairKey(a, b), id);
      this.isPair[id] = 1;
    }
  }

  /** One number for "word b follows word a". */
  pairKey(a: number, b: number): number {
    return a * this.stride + b;
  }

  /** The two word ids of a pairKey. */
  pairOf(key: number): [number, number] {
    return [Math.floor(key / this.stride), key % this.stride];
  }

  private reset(): void {
    for (const id of this.held) this.f[id] = 0;
    this.held.length = 0;
    this.pairKeys.length = 0;
  }

  /** Adds weight `w` to the listed term `id`. */
  private add(id: number, w: number): void {
    const { f } = this;
    if (f[id] === 0) this.held.push(id);
    f[id] = (f[id] as number) + w;
  }

  /** Counts word `id` (0: not listed) following `previous` in a column of weight `w`; returns it. */
  private step(previous: number, id: number, w: number): number {
    if (id === 0) return 0;
    this.add(id, w);
    if (previous !== 0) {
      const key = this.pairKey(previous, id);
      if (this.collectPairs) this.pairKeys.push(key);
      const pair = this.pairs.get(key);
      if (pair !== undefined) this.add(pair, w);
    }
    return id;
  }

  /**
   * Counts a paper whose text is all ASCII straight from that text and returns its D: one lookup per
   * token, from the token as cut to its term's id, instead of a stem and then an id.
   */
  countAscii(r: TextRow): number {
    this.reset();
    const { ids, known } = this;
    let d = 0;
    for (let c = 0; c < FTS_COLUMNS.length; c++) {
      const text = r[FTS_COLUMNS[c] as (typeof FTS_COLUMNS)[number]];
      if (!text) continue;
      const pieces = asciiPieces(text);
      const w = COLUMN_WEIGHTS[c] ?? 1;
      let previous = 0;
      for (let i = 0; i < pieces.length; i++) {
        const word = pieces[i] as string;
        if (word.length === 0) continue;
        d++;
        let id = known.get(word);
        if (id === undefined) {
          if (known.size > 200_000) known.clear();
          id = ids.get(porterStem(word)) ?? 0;
          known.set(word, id);
        }
        previous = this.step(previous, id, w);
      }
    }
    this.held.sort((a, b) => a - b);
    return d;
  }

  count(cols: ColumnTokens): readonly number[] {
    this.reset();
    const { ids } = this;
    for (let c = 0; c < cols.length; c++) {
      const w = COLUMN_WEIGHTS[c] ?? 1;
      let previous = 0;
      for (const t of cols[c] as string[]) previous = this.step(previous, ids.get(t) ?? 0, w);
    }
    this.held.sort((a, b) => a - b);
    return this.held;
  }

  of(id: number): number {
    return this.f[id] as number;
  }

  /**
   * The last paper's forward row terms: varint pairs (term id, f) of its listed words, ascending by id
   * (decodeTerms reads them).
   */
  encoded(): Buffer {
    return encodeTerms(this.held, this.f, this.isPair);
  }
}

/** Scratch space for encodeTerms, grown as a paper with more terms needs. */
let scratch = new Uint8Array(1024);

/**
 * A forward row's terms: varint pairs (id, f[id]) for each of `ids` but those flagged in `skip` (the pairs),
 * as decodeTerms (impact-lists.ts) reads them.
 */
export function encodeTerms(ids: readonly number[], f: ArrayLike<number>, skip: Uint8Array): Buffer {
  // A varint of a safe integer takes at most 8 bytes; two per term.
  if (scratch.length < ids.length * 16) scratch = new Uint8Array(ids.length * 32);
  return Buffer.from(scratch.subarray(0, encodeTermsInto(scratch, ids, f, skip)));
}

/**
 * Writes varint pairs (id, f[id]) for each of `ids` into `out` (room for 16 bytes a term) and returns the
 * bytes written.
 */
function encodeTermsInto(
  out: Uint8Array,
  ids: readonly number[],
  f: ArrayLike<number>,
  skip: Uint8Array,
): number {
  let n = 0;
  const put = (v: number) => {
    let len = 1;
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) len++;
    let x = v;
    for (let i = len - 1; i >= 0; i--) {
      out[n + i] = (x % 128) | (i === len - 1 ? 0 : 0x80);
      x = Math.floor(x / 128);
    }
    n += len;
  };
  for (const id of ids) {
    if (skip[id] === 1) continue;
    put(id);
    put(f[id] as number);
  }
  return n;
}

/**
 * Each paper's D, with `counts` holding its listed terms when it is yielded: ASCII papers counted from
 * their text, the others tokenized by SQLite (fts-tokens.ts), all of them together.
 */
export function* countPapers(
  rows: readonly TextRow[],
  counts: ListedCounts,
  tokenizer: FtsTokenizer,
): Generator<[number, number]> {
  const other: TextRow[] = [];
  for (const r of rows)
    if (isAsciiRow(r)) yield [r.rowid, counts.countAscii(r)];
    else other.push(r);
  if (other.length === 0) return;
  for (const [rowid, cols] of tokenizer.tokens(other)) {
    counts.count(cols);
    yield [rowid, tokenCount(cols)];
  }
}
