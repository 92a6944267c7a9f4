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
 */
export class ListedCounts {
  readonly f: Float64Array;
  /** Ids of the listed terms the last paper counted holds, ascending. */
  readonly held: number[] = [];
  /** An ASCII token as cut from the text to its listed term's id, 0 when its term is not listed. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly ids: ReadonlyMap<string, number>,
    highestId: number,
  ) {
    this.f = new Float64Array(highestId + 1);
  }

  private reset(): void {
    for (const id of this.held) this.f[id] = 0;
    this.held.length = 0;
  }

  /**
   * Counts a paper whose text is all ASCII straight from that text and returns its D: one lookup per
   * token, from the token as cut to its term's id, instead of a stem and then an id.
   */
  countAscii(r: TextRow): number {
    this.reset();
    const { f, held, ids, known } = this;
    let d = 0;
    for (let c = 0; c < FTS_COLUMNS.length; c++) {
      const text = r[FTS_COLUMNS[c] as (typeof FTS_COLUMNS)[number]];
      if (!text) continue;
      const pieces = asciiPieces(text);
      const w = COLUMN_WEIGHTS[c] ?? 1;
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
        if (id === 0) continue;
        if (f[id] === 0) held.push(id);
        f[id] = (f[id] as number) + w;
      }
    }
    held.sort((a, b) => a - b);
    return d;
  }

  count(cols: ColumnTokens): readonly number[] {
    this.reset();
    const { f, held, ids } = this;
    for (let c = 0; c < cols.length; c++) {
      const w = COLUMN_WEIGHTS[c] ?? 1;
      for (const t of cols[c] as string[]) {
        const id = ids.get(t);
        if (id === undefined) continue;
        if (f[id] === 0) held.push(id);
        f[id] = (f[id] as number) + w;
      }
    }
    held.sort((a, b) => a - b);
    return held;
  }

  of(id: number): number {
    return this.f[id] as number;
  }

  /** The last paper's forward row terms: varint pairs (term id, f), ascending by id (decodeTerms reads them). */
  encoded(): Buffer {
    return encodeTerms(this.held, this.f);
  }
}

/** Scratch space for encodeTerms, grown as a paper with more terms needs. */
let scratch = new Uint8Array(1024);

/** A forward row's terms: varint pairs (id, f[id]) for each of `ids`, as decodeTerms (impact-lists.ts) reads them. */
export function encodeTerms(ids: readonly number[], f: ArrayLike<number>): Buffer {
  // A varint of a safe integer takes at most 8 bytes; two per term.
  if (scratch.length < ids.length * 16) scratch = new Uint8Array(ids.length * 32);
  return Buffer.from(scratch.subarray(0, encodeTermsInto(scratch, ids, f)));
}

/**
 * Writes varint pairs (id, f[id]) for each of `ids` into `out` (room for 16 bytes a term) and returns the
 * bytes written.
 */
function encodeTermsInto(out: Uint8Array, ids: readonly number[], f: ArrayLike<number>): number {
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
