import type { SearchQuery } from '../../papers/search-query.ts';
import { COLUMN_WEIGHTS } from './bm25.ts';
import type { ColumnTokens } from './fts-tokens.ts';
import { indexTerm } from './fts-tokens.ts';

/**
 * A search query as FTS5 sees the expression toFtsMatch builds from it: its phrases numbered in the order
 * they appear there (must terms with their alternatives, then exclusions), which is the order bm25 sums
 * them in, and the logic joining them. Lets a paper be matched and scored in TypeScript.
 */
export interface MatchPlan {
  /** Every phrase of the expression, as index terms (stemmed), in FTS5's phrase order. */
  phrases: string[][];
  /** The same phrases as the query's words (unstemmed), for asking FTS5 about one of them. */
  sources: string[][];
  /** Per must term, the indices of its phrases (the term and its alternatives): any one satisfies it. */
  terms: number[][];
  /** Indices of the excluded phrases. */
  excluded: number[];
  mode: 'all' | 'any';
}

/**
 * The plan, or null when only FTS5 can score the query exactly: a token that is not plain ASCII (its
 * tokenization is SQLite's to decide), or alternatives together with an exclusion. In the latter FTS5
 * drops some alternatives' instances from bm25 in some rows (measured: `(("a" OR "b" + "c" OR "d") AND "e")
 * NOT "f" + "g"` scores rows holding "d" as if it were absent), which this model does not reproduce.
 */
export function matchPlan(q: SearchQuery): MatchPlan | null {
  if (alternativesWithExclusion(q)) return null;
  const phrases: string[][] = [];
  const sources: string[][] = [];
  const add = (tokens: readonly string[]): number | null => {
    const terms = tokens.map(indexTerm);
    if (terms.length === 0 || terms.some((t) => t === null)) return null;
    phrases.push(terms as string[]);
    sources.push([...tokens]);
    return phrases.length - 1;
  };
  const terms: number[][] = [];
  for (const [i, must] of q.must.entries()) {
    const forms: number[] = [];
    for (const form of [must, ...(q.alternatives?.[i] ?? [])]) {
      const at = add(form);
      if (at === null) return null;
      forms.push(at);
    }
    terms.push(forms);
  }
  const excluded: number[] = [];
  for (const p of q.exclude) {
    const at = add(p);
    if (at === null) return null;
    excluded.push(at);
  }
  return { phrases, sources, terms, excluded, mode: q.mode };
}

/** Why matchPlan gave no plan, for the search's path (`lastSearchPath`). */
export function noPlanReason(q: SearchQuery): string {
  return alternativesWithExclusion(q) ? 'alternatives with an exclusion' : 'not plain ASCII';
}

function alternativesWithExclusion(q: SearchQuery): boolean {
  return q.exclude.length > 0 && (q.alternatives ?? []).some((a) => a.length > 0);
}

/** Instances of `phrase` in one column: every start position where its tokens follow one another. */
function instances(column: readonly string[], phrase: readonly string[]): number {
  let n = 0;
  outer: for (let i = 0; i + phrase.length <= column.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (column[i + j] !== phrase[j]) continue outer;
    n++;
  }
  return n;
}

/** f of each phrase in one paper: Σ over its instances of the column's weight. */
export function phraseFrequencies(plan: MatchPlan, cols: ColumnTokens): number[] {
  return plan.phrases.map((p) => {
    let f = 0;
    for (let c = 0; c < cols.length; c++) f += (COLUMN_WEIGHTS[c] ?? 1) * instances(cols[c] ?? [], p);
    return f;
  });
}

/**
 * Whether no paper can match: an excluded phrase lies inside every form of a required term (`model
 * -models`, `"fine tuning" -tuning`), so every paper holding the term holds what is excluded; in `any`
 * mode, inside every form of every term. FTS5 finds nothing for these too, after reading every list.
 */
export function nothingMatches(plan: MatchPlan): boolean {
  const banned = (forms: number[]) =>
    forms.every((i) =>
      plan.excluded.some((e) => instances(plan.phrases[i] ?? [], plan.phrases[e] ?? []) > 0),
    );
  if (plan.terms.length === 0 || plan.excluded.length === 0) return false;
  return plan.mode === 'all' ? plan.terms.some(banned) : plan.terms.every(banned);
}

/** Whether a paper with these phrase frequencies matches the expression. */
export function matches(plan: MatchPlan, freqs: readonly number[]): boolean {
  // Plain loops, no closures: this runs for every candidate paper of a column finish, tens of thousands
  // a query (`their language models` checks 48,000).
  const all = plan.mode === 'all';
  let positive = all;
  for (const forms of plan.terms) {
    let held = false;
    for (const i of forms)
      if ((freqs[i] ?? 0) > 0) {
        held = true;
        break;
      }
    if (held !== all) {
      positive = held;
      break;
    }
  }
  if (!positive) return false;
  for (const i of plan.excluded) if ((freqs[i] ?? 0) !== 0) return false;
  return true;
}

/** The paper's tokens over every column (bm25's D). */
export function tokenCount(cols: ColumnTokens): number {
  return cols.reduce((n, c) => n + c.length, 0);
}
