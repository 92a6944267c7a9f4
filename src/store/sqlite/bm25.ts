/**
 * FTS5's bm25() (ext/fts5/fts5_aux.c, fts5Bm25Function) computed in TypeScript, operation for operation,
 * so a score computed here equals the one `bm25(papers_fts, …)` returns for the same row and MATCH
 * expression. What FTS5 does, per query: N = rows in the index, avgdl = total tokens of all columns / N,
 * and for each phrase i of the expression (in the order they appear, NOT phrases included) nHit_i = rows
 * matching phrase i alone and idf_i = ln((N − nHit + 0.5) / (nHit + 0.5)), 1e-6 when that is ≤ 0. Per row:
 * f_i = Σ over the instances of phrase i of the weight of the instance's column, D = the row's tokens over
 * every column, and score = Σ_i idf_i · f_i(k1 + 1) / (f_i + k1(1 − b + b·D/avgdl)); bm25() returns −score.
 */

export const K1 = 1.2;
export const B = 0.75;
/** papers_fts columns, in index order (migration 4). */
export const FTS_COLUMNS = [
  'title',
  'abstract',
  'authors',
  'keywords',
  'org_name',
  'org_id',
  'arxiv_id',
] as const;
/** The weights search passes to bm25(), column by column (store.ts BM25). */
export const COLUMN_WEIGHTS: readonly number[] = [10, 1, 2, 3, 3, 3, 10];

/** idf of a phrase held by `hits` of `rows` rows, clamped as FTS5 clamps it. */
export function idf(rows: number, hits: number): number {
  const x = Math.log((rows - hits + 0.5) / (hits + 0.5));
  return x <= 0 ? 1e-6 : x;
}

/** One phrase's term of the score before idf: f(k1+1) / (f + k1(1 − b + b·D/avgdl)); 0 when f is 0. */
export function impact(f: number, docTokens: number, avgdl: number): number {
  return (f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * docTokens) / avgdl));
}

/** The row's score (FTS5's bm25 negated): Σ idf_i · impact(f_i), summed in phrase order as FTS5 sums. */
export function bm25Score(
  idfs: readonly number[],
  freqs: readonly number[],
  docTokens: number,
  avgdl: number,
) {
  let score = 0;
  for (let i = 0; i < idfs.length; i++) score += (idfs[i] ?? 0) * impact(freqs[i] ?? 0, docTokens, avgdl);
  return score;
}

/** SQLite's varints (the format FTS5 uses for its averages record and docsize blobs). */
export function readVarints(blob: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < blob.length) {
    let v = 0;
    let n = 0;
    for (;;) {
      const byte = blob[i++] ?? 0;
      if (n === 8) {
        v = v * 256 + byte;
        break;
      }
      v = v * 128 + (byte & 0x7f);
      n++;
      if ((byte & 0x80) === 0) break;
    }
    out.push(v);
  }
  return out;
}

/** Rows and tokens of the index, from FTS5's averages record (`%_data` id 1: row count, then per column). */
export interface IndexTotals {
  rows: number;
  tokens: number;
  avgdl: number;
}

export function indexTotals(averages: Uint8Array | null | undefined): IndexTotals {
  const [rows = 0, ...columns] = averages ? readVarints(averages) : [];
  const tokens = columns.reduce((a, b) => a + b, 0);
  return { rows, tokens, avgdl: rows > 0 ? tokens / rows : 0 };
}
