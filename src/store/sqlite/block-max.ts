import { B, impact, K1 } from './bm25.ts';
import type { MatchPlan } from './match-plan.ts';
import { type ColumnHit, type ColumnPostings, type Lengths, seek } from './word-columns.ts';

/**
 * Block-max pruning over word columns (word-columns.ts): the exact top k of several required words, scored
 * as FTS5's bm25 scores them, without scoring every paper that holds them all.
 *
 * The walk itself (`walkLead`) reads typed arrays and numbers only. Why: V8 optimizes its loop for the
 * shapes it has seen, and threw that code away whenever a search brought one it had not: a plan, a column
 * object or an idf array built elsewhere ("wrong map"), or a statement after the loop that had never run
 * in optimized code. The walk then ran unoptimized until V8 compiled it again: 17-29 ms instead of 2.2 for
 * `models work tuning` at a million papers, among the common three-word class's slowest queries
 * (bench/RUNS.md, "Runs 57-59"). Everything the walk reads is now converted first (`BlockMaxWalk`), so it
 * sees one shape of each thing, whatever the query. What is left to V8 happens once, before the first
 * search: `compileWalk`, below.
 */

/** Postings per block for block-max pruning: small enough to skip much, large enough to cost little. */
const BLOCK = 128;

/**
 * Each column's block maxima under one avgdl, kept while the column is (a column held in memory between
 * searches keeps them). Beside the column, not on it: a property added to some column objects would give
 * them two shapes.
 */
const maximaOf = new WeakMap<ColumnPostings, { avgdl: number; values: Float64Array }>();

/** The highest impact (under today's avgdl) in each block of BLOCK postings of a column. */
function blockMaxima(c: ColumnPostings, lengths: Lengths, avgdl: number): Float64Array {
  const known = maximaOf.get(c);
  if (known?.avgdl === avgdl) return known.values;
  const out = new Float64Array(Math.ceil(c.rowids.length / BLOCK));
  maximaInto(out, c.rowids, c.f, lengths, K1 * (1 - B), (K1 * B) / avgdl);
  maximaOf.set(c, { avgdl, values: out });
  return out;
}

/** The loop of blockMaxima, on its own: typed arrays and numbers only (see above). */
function maximaInto(
  out: Float64Array,
  rowids: Uint32Array,
  f: Uint8Array | Uint16Array,
  lengths: Lengths,
  k1b: number,
  perToken: number,
): void {
  const n = rowids.length;
  for (let b = 0; b < out.length; b++) {
    let max = 0;
    const end = Math.min(n, (b + 1) * BLOCK);
    for (let p = b * BLOCK; p < end; p++) {
      const fp = f[p] as number;
      const g = (fp * (K1 + 1)) / (fp + k1b + perToken * (lengths[rowids[p] as number] as number));
      if (g > max) max = g;
    }
    out[b] = max;
  }
}

/**
 * Best first, ties lower rowid first, as FTS5 orders them. (This and kthOf are functions of their own, not
 * closures made per call: optimized code that called one call's closure was thrown out by the next call's.)
 */
function before(a: ColumnHit, b: ColumnHit): boolean {
  return a.relevance > b.relevance || (a.relevance === b.relevance && a.rowid < b.rowid);
}

/** The k-th score of hits held best first, or -Infinity while they are fewer than k. */
function kthOf(hits: readonly ColumnHit[], k: number): number {
  return hits.length === k ? (hits[k - 1] as ColumnHit).relevance : Number.NEGATIVE_INFINITY;
}

/** A hit made here, so every hit the walk compares has the one shape (the seeds are copied too). */
function hitOf(rowid: number, relevance: number): ColumnHit {
  return { rowid, relevance };
}

/**
 * The k best papers for a query of required terms (`all` mode; exclusions allowed), every phrase with a
 * column and at least one term a single word or phrase (no alternatives), scored exactly as FTS5's bm25
 * does, best first, ties lower rowid first: block-max pruning over the columns (Ding and Suel's block-max
 * WAND, with the rarest such term leading).
 *
 * The leading column is walked a block of papers at a time. For each other term, the highest impacts in
 * its forms' blocks covering the same rowids bound its part of the score there (summed over its forms: a
 * paper holding `lm` and `language models` counts both, as FTS5 sums every phrase it holds); a block whose
 * own best impact plus those bounds cannot pass the k-th score so far is skipped whole, and within a block
 * each paper is bounded by its exact impact for the lead plus the same bounds. Only papers that could
 * enter the top k are looked up in the other columns and scored. `seed`: papers already scored (the
 * lists' best so far), which start the top k; `skip`: papers already dealt with. Returns the hits and the
 * papers scored here.
 */
export function blockMaxTopK(
  plan: MatchPlan,
  columns: readonly ColumnPostings[],
  lengths: Lengths,
  idfs: readonly number[],
  avgdl: number,
  k: number,
  seed: readonly ColumnHit[] = [],
  skip: ReadonlySet<number> = new Set(),
): { hits: ColumnHit[]; scored: number } {
  if (plan.mode !== 'all') throw new Error('blockMaxTopK ranks papers holding every term');
  if (idfs.length !== columns.length) throw new Error('blockMaxTopK needs an idf for every column');
  const single = plan.terms.filter((forms) => forms.length === 1).map((forms) => forms[0] as number);
  if (single.length === 0) throw new Error('blockMaxTopK needs a term without alternatives to lead');
  const lead = single.reduce((a, b) =>
    (columns[b] as ColumnPostings).rowids.length < (columns[a] as ColumnPostings).rowids.length ? b : a,
  );
  // The other terms' forms side by side, a term's together: term t's are others[termStart[t]] up to
  // others[termStart[t + 1]].
  const otherTerms = plan.terms.filter((forms) => forms.length > 1 || forms[0] !== lead);
  const others = otherTerms.flat();
  const termStart = new Int32Array(otherTerms.length + 1);
  for (let t = 0; t < otherTerms.length; t++)
    termStart[t + 1] = (termStart[t] as number) + (otherTerms[t] as number[]).length;
  const column = (j: number) => columns[j] as ColumnPostings;
  const walk: BlockMaxWalk = {
    leadIds: column(lead).rowids,
    leadF: column(lead).f,
    leadMaxima: blockMaxima(column(lead), lengths, avgdl),
    otherIds: others.map((j) => column(j).rowids),
    otherF: others.map((j) => column(j).f),
    otherMaxima: others.map((j) => blockMaxima(column(j), lengths, avgdl)),
    otherAt: Int32Array.from(others),
    termStart,
    ids: columns.map((c) => c.rowids),
    fs: columns.map((c) => c.f),
    idfs: Float64Array.from(idfs),
    excluded: Int32Array.from(plan.excluded),
    numbers: Float64Array.of(idfs[lead] as number, avgdl),
    lengths,
  };
  const hits = [...seed]
    .map((h) => hitOf(h.rowid, h.relevance))
    .sort((a, b) => (before(a, b) ? -1 : 1))
    .slice(0, k);
  const scored = walkLead(walk, hits, k, skip);
  return { hits, scored };
}

/**
 * Runs the walk as a search of `column`'s word typed twice would (`weight` its idf), so its loops are
 * compiled before a search needs them: for a process about to serve searches (ImpactLists.prepareForSearch).
 * Cold, they ran 13-14 ms of a 24 ms search at a million papers (`selecting optimized`, the first query of
 * the benchmark's class to take this path), where they take 1-2 ms. Run as a search runs it, from k papers
 * the lists scored (each scoring less than any paper, so each is displaced), and with f of both widths (a
 * column's f is 8 bits when every value fits): code compiled from walks that never had k hits, or had met
 * one width only, was thrown out by the first search that did. The column's block maxima (under `avgdl`)
 * stay with it for the searches that use it.
 */
export function compileWalk(column: ColumnPostings, lengths: Lengths, weight: number, avgdl: number): void {
  const k = 10;
  const twice: MatchPlan = {
    phrases: [['w'], ['w']],
    sources: [['w'], ['w']],
    terms: [[0], [1]],
    excluded: [],
    mode: 'all',
  };
  const head = column.rowids.subarray(0, Math.min(column.rowids.length, 65_536));
  const otherWidth: ColumnPostings = {
    rowids: head,
    f:
      column.f instanceof Uint8Array
        ? Uint16Array.from(column.f.subarray(0, head.length))
        : Uint8Array.from(column.f.subarray(0, head.length), (f) => Math.min(f, 0xff)),
  };
  for (const c of [column, otherWidth, column]) {
    // Not a whole number: a hit first made with a whole-number score is given a shape that every real
    // (fractional) score then changes, throwing out the walk's code.
    const seed = Array.from(c.rowids.subarray(0, k), (rowid) => ({ rowid, relevance: -0.5 }));
    blockMaxTopK(twice, [c, c], lengths, [weight, weight], avgdl, k, seed, new Set(seed.map((h) => h.rowid)));
  }
}

/**
 * What walkLead reads, each an array of one kind, made by blockMaxTopK for every query alike (an object
 * literal of these fields in this order: one shape).
 */
interface BlockMaxWalk {
  /** The leading column. */
  leadIds: Uint32Array;
  leadF: Uint8Array | Uint16Array;
  leadMaxima: Float64Array;
  /** The other terms' forms, a term's together (termStart). */
  otherIds: Uint32Array[];
  otherF: (Uint8Array | Uint16Array)[];
  otherMaxima: Float64Array[];
  /** Each other form's phrase index. */
  otherAt: Int32Array;
  /** Term t's forms are others termStart[t] up to termStart[t + 1]. */
  termStart: Int32Array;
  /** Every phrase's column, by phrase index, for the exact score. */
  ids: Uint32Array[];
  fs: (Uint8Array | Uint16Array)[];
  /** Every phrase's idf (0 for an excluded one, as bm25.ts has it). */
  idfs: Float64Array;
  /** Phrase indexes that no match holds. */
  excluded: Int32Array;
  /** The lead's idf, and avgdl. */
  numbers: Float64Array;
  lengths: Lengths;
}

/**
 * blockMaxTopK's walk of the leading column (above), keeping `hits` (best first, at most k) up to date.
 * Returns the papers scored.
 */
function walkLead(w: BlockMaxWalk, hits: ColumnHit[], k: number, skip: ReadonlySet<number>): number {
  const { leadIds: rowids, leadF: f, leadMaxima, otherIds, otherF, otherMaxima, otherAt, termStart } = w;
  const { ids, fs, idfs, excluded, lengths } = w;
  const leadIdf = w.numbers[0] as number;
  const avgdl = w.numbers[1] as number;
  const terms = termStart.length - 1;
  const k1b = K1 * (1 - B);
  const perToken = (K1 * B) / avgdl;
  // Each other form's block under way (for the bounds) and each phrase's position (for the lookups).
  const blockAt = new Int32Array(otherIds.length);
  const otherPos = new Int32Array(otherIds.length);
  const pos = new Int32Array(ids.length);
  const restOf = new Float64Array(terms);
  const freqs = new Float64Array(ids.length);
  // The k-th score so far (`least`): it changes only when a hit is kept.
  let least = kthOf(hits, k);
  let scored = 0;
  for (let b = 0; b * BLOCK < rowids.length; b++) {
    const start = b * BLOCK;
    const end = Math.min(rowids.length, start + BLOCK);
    const first = rowids[start] as number;
    const last = rowids[end - 1] as number;
    // Each other term's bound: each form's best impact over its blocks that overlap [first, last], times
    // its idf, summed over the term's forms.
    let rest = 0;
    for (let t = 0; t < terms; t++) {
      let part = 0;
      for (let o = termStart[t] as number; o < (termStart[t + 1] as number); o++) {
        const oIds = otherIds[o] as Uint32Array;
        const max = otherMaxima[o] as Float64Array;
        let at = blockAt[o] as number;
        // Skip this form's blocks wholly before `first`.
        while (at < max.length && (oIds[Math.min(oIds.length, (at + 1) * BLOCK) - 1] as number) < first) at++;
        blockAt[o] = at;
        let best = 0;
        for (let x = at; x < max.length && (oIds[x * BLOCK] as number) <= last; x++)
          if ((max[x] as number) > best) best = max[x] as number;
        part += (idfs[otherAt[o] as number] as number) * best;
      }
      restOf[t] = part;
      rest += part;
    }
    if ((leadIdf * (leadMaxima[b] as number) + rest) * (1 + 1e-9) < least) continue;
    posting: for (let p = start; p < end; p++) {
      const fp = f[p] as number;
      const rowid = rowids[p] as number;
      const dp = lengths[rowid] as number;
      let bound = (leadIdf * (fp * (K1 + 1))) / (fp + k1b + perToken * dp) + rest;
      if (bound * (1 + 1e-9) < least) continue;
      // The other required terms one at a time: a paper holding none of a term's forms is no match, and
      // the exact impacts of the forms it holds replace that term's block bound.
      for (let t = 0; t < terms; t++) {
        let exact = 0;
        let held = false;
        for (let o = termStart[t] as number; o < (termStart[t + 1] as number); o++) {
          const oIds = otherIds[o] as Uint32Array;
          const at = seek(oIds, otherPos[o] as number, rowid);
          otherPos[o] = at;
          if (at >= oIds.length || oIds[at] !== rowid) continue;
          held = true;
          const fj = (otherF[o] as Uint8Array | Uint16Array)[at] as number;
          exact += (idfs[otherAt[o] as number] as number) * ((fj * (K1 + 1)) / (fj + k1b + perToken * dp));
        }
        if (!held) continue posting;
        bound += exact - (restOf[t] as number);
        if (bound * (1 + 1e-9) < least) continue posting;
      }
      // Papers the lists scored already: asked last, as few papers get this far (a set lookup for each of
      // the lead's papers cost a fifth of this loop with three common words).
      if (skip.has(rowid)) continue;
      scored++;
      // Every phrase's f, for the match (no excluded phrase held: every term is, as found above) and the
      // score, summed in phrase order as bm25.ts sums it, so it equals FTS5's to the last bit.
      for (let j = 0; j < ids.length; j++) {
        const jIds = ids[j] as Uint32Array;
        const at = seek(jIds, pos[j] as number, rowid);
        pos[j] = at;
        freqs[j] =
          at < jIds.length && jIds[at] === rowid ? ((fs[j] as Uint8Array | Uint16Array)[at] as number) : 0;
      }
      let excludedHeld = false;
      for (let x = 0; x < excluded.length; x++)
        if ((freqs[excluded[x] as number] as number) !== 0) excludedHeld = true;
      if (excludedHeld) continue;
      let relevance = 0;
      for (let j = 0; j < ids.length; j++)
        relevance += (idfs[j] as number) * impact(freqs[j] as number, dp, avgdl);
      const hit = hitOf(rowid, relevance);
      if (hits.length === k && !before(hit, hits[k - 1] as ColumnHit)) continue;
      let at = hits.length;
      while (at > 0 && before(hit, hits[at - 1] as ColumnHit)) at--;
      hits.splice(at, 0, hit);
      if (hits.length > k) hits.length = k;
      least = kthOf(hits, k);
    }
  }
  return scored;
}
