import { AsciiTokenIds, isTokenChar, TOKEN_HASH_SEED, tokenHash } from './ascii-token-ids.ts';
import { COLUMN_WEIGHTS, FTS_COLUMNS } from './bm25.ts';
import { type ColumnTokens, type FtsTokenizer, isAsciiRow, porterStem, type TextRow } from './fts-tokens.ts';
import { tokenCount } from './match-plan.ts';

/**
 * f of each listed term a paper holds (Σ over its instances of the column's weight), counted paper after
 * paper into one dense array: no map per paper, as a build counts every paper of the archive.
 *
 * A listed term is a word (an index term) or a phrase of listed words written `"a b"` with one space between
 * words (index terms never hold one): its instances are the places where its words follow one another in
 * one column, the instances FTS5 matches the quoted phrase at. Two-word phrases (pairs) get lists so a
 * quoted phrase of common words is not left to FTS5, which must walk every word's whole doclist to find
 * where they meet; longer ones are the long forms of the archive's abbreviations (`larg languag model`),
 * which every search for the short form asks for beside it.
 */
/** Whether a listed term is a phrase (index terms joined by spaces, which no index term holds). */
export function isPairTerm(term: string): boolean {
  return term.includes(' ');
}

/** Words of a listed phrase at most: the longest long form an abbreviation search expands to. */
export const MAX_PHRASE_WORDS = 8;

export class ListedCounts {
  readonly f: Float64Array;
  /**
   * Ids of the listed terms the last paper counted holds, in the order it first holds them. Not sorted:
   * nothing reads them in id order (offers, forward rows, columns), and sorting every paper's ids (about
   * 150, pairs included) took 9.4 s of the counting thread's 65 in a build at a million papers.
   */
  readonly held: number[] = [];
  /** 1 at the id of every listed pair: forward rows leave pairs out (impact-lists.ts). */
  readonly isPair: Uint8Array;
  /**
   * With `collectPairs`, every place in the last paper where one listed word follows another, as
   * pairKey(a, b), repeats included: how a build finds the pairs common enough to list.
   */
  readonly pairKeys: number[] = [];
  /** An ASCII token as cut from the text to its listed word's id, 0 when its word is not listed. */
  private readonly tokenIds = new AsciiTokenIds((token) => this.ids.get(porterStem(token)) ?? 0);
  /** pairKey(a, b) of each listed pair to its id. */
  private readonly pairs = new Map<number, number>();
  /**
   * Listed phrases of three or more words by the pairKey of their last two words: each phrase's id and its
   * words' ids, checked against the words before (the `recent` ids of the column being counted).
   */
  private readonly longer = new Map<number, { id: number; words: number[] }[]>();
  /**
   * The column's last MAX_PHRASE_WORDS word ids (0: a word not listed), a ring at `seen` mod its length,
   * kept while phrases of three or more words are listed. A typed array written in place: this runs for
   * every token a build counts.
   */
  private readonly recent = new Int32Array(MAX_PHRASE_WORDS);
  /**
   * 1 at a word that is the second-to-last (`beforeLast`) or last (`last`) word of a listed phrase: most
   * listed words following one another end no listed phrase, and these spare them two map lookups.
   */
  private readonly beforeLast: Uint8Array;
  private readonly last: Uint8Array;
  private seen = 0;
  private readonly stride: number;

  constructor(
    private readonly ids: ReadonlyMap<string, number>,
    highestId: number,
    private readonly collectPairs = false,
  ) {
    this.f = new Float64Array(highestId + 1);
    this.isPair = new Uint8Array(highestId + 1);
    this.beforeLast = new Uint8Array(highestId + 1);
    this.last = new Uint8Array(highestId + 1);
    this.stride = highestId + 1;
    for (const [term, id] of ids) {
      if (!isPairTerm(term)) continue;
      const words = term.split(' ').map((w) => ids.get(w));
      // A phrase is listed only with all its words (a phrase is in no more papers than any of its words).
      if (words.length > MAX_PHRASE_WORDS || words.some((w) => w === undefined)) continue;
      const [a, b] = words.slice(-2) as [number, number];
      this.isPair[id] = 1;
      this.beforeLast[a] = 1;
      this.last[b] = 1;
      if (words.length === 2) this.pairs.set(this.pairKey(a, b), id);
      else {
        const key = this.pairKey(a, b);
        const ending = this.longer.get(key) ?? [];
        ending.push({ id, words: words as number[] });
        this.longer.set(key, ending);
      }
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
    this.seen = 0;
  }

  /** Adds weight `w` to the listed term `id`. */
  private add(id: number, w: number): void {
    const { f } = this;
    if (f[id] === 0) this.held.push(id);
    f[id] = (f[id] as number) + w;
  }

  /**
   * Counts word `id` (0: not listed) following `previous` in a column of weight `w`; returns it. A column
   * starts with `previous` 0.
   */
  private step(previous: number, id: number, w: number): number {
    const { recent } = this;
    if (this.longer.size > 0) {
      if (previous === 0) this.seen = 0;
      recent[this.seen % MAX_PHRASE_WORDS] = id;
      this.seen++;
    }
    if (id === 0) return 0;
    this.add(id, w);
    if (previous !== 0) {
      const key = this.pairKey(previous, id);
      if (this.collectPairs) this.pairKeys.push(key);
      if (this.beforeLast[previous] === 0 || this.last[id] === 0) return id;
      const pair = this.pairs.get(key);
      if (pair !== undefined) this.add(pair, w);
      const ending = this.longer.get(key);
      if (ending)
        for (const { id: phrase, words } of ending) {
          // The phrase's last two words are these; the ones before must be the column's words before them.
          const from = this.seen - words.length;
          if (from < 0) continue;
          let all = true;
          for (let j = 0; j < words.length - 2 && all; j++)
            all = recent[(from + j) % MAX_PHRASE_WORDS] === words[j];
          if (all) this.add(phrase, w);
        }
    }
    return id;
  }

  /**
   * Counts a paper whose text is all ASCII straight from that text and returns its D: one lookup per
   * token, from the token as cut to its term's id, instead of a stem and then an id.
   */
  countAscii(r: TextRow): number {
    this.reset();
    const { tokenIds } = this;
    let d = 0;
    for (let c = 0; c < FTS_COLUMNS.length; c++) {
      const text = r[FTS_COLUMNS[c] as (typeof FTS_COLUMNS)[number]];
      if (!text) continue;
      const w = COLUMN_WEIGHTS[c] ?? 1;
      let previous = 0;
      // The tokens as asciiWords cuts them (runs of [a-z0-9], lowercased), each hashed as it is scanned.
      for (let i = 0, n = text.length; i < n; ) {
        if (!isTokenChar(text.charCodeAt(i))) {
          i++;
          continue;
        }
        const start = i;
        let h = TOKEN_HASH_SEED;
        for (; i < n; i++) {
          const ch = text.charCodeAt(i);
          if (!isTokenChar(ch)) break;
          h = tokenHash(h, ch);
        }
        d++;
        previous = this.step(previous, tokenIds.get(text, start, i, h), w);
      }
    }
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
    return this.held;
  }

  of(id: number): number {
    return this.f[id] as number;
  }

  /**
   * The last paper's forward row terms: varint pairs (term id, f) of its listed words, in `held`'s order
   * (decodeTerms and pickTerms read a row whole, in any order).
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
  for (const id of ids) {
    if (skip[id] === 1) continue;
    n = putVarint(out, n, id);
    n = putVarint(out, n, f[id] as number);
  }
  return n;
}

/**
 * Writes `v` (a non-negative safe integer) at out[n] as a big-endian varint of 7 bits a byte, the high bit
 * set on every byte but the last, and returns where it ends. Ids and counts are almost always under 2^21:
 * those take shifts (the general case divides, and was a tenth of a build's writing thread).
 */
function putVarint(out: Uint8Array, n: number, v: number): number {
  if (v < 0x80) {
    out[n] = v;
    return n + 1;
  }
  if (v < 0x4000) {
    out[n] = 0x80 | (v >>> 7);
    out[n + 1] = v & 0x7f;
    return n + 2;
  }
  if (v < 0x20_0000) {
    out[n] = 0x80 | (v >>> 14);
    out[n + 1] = 0x80 | ((v >>> 7) & 0x7f);
    out[n + 2] = v & 0x7f;
    return n + 3;
  }
  let len = 1;
  for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) len++;
  let x = v;
  for (let i = len - 1; i >= 0; i--) {
    out[n + i] = (x % 128) | (i === len - 1 ? 0 : 0x80);
    x = Math.floor(x / 128);
  }
  return n + len;
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
