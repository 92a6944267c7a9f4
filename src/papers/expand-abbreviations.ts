import type { AbbreviationCount } from '../store/port.ts';
import type { SearchQuery } from './search-query.ts';
import { stemTokens } from './text-match.ts';

/**
 * A pair is used only when at least this many papers in the archive define it. One paper can define an
 * abbreviation its own way (`RL` for "representation learning", `OT` for "open-texture"), and expanding on
 * that would pull unrelated papers into every search for the common meaning; two papers agreeing is the
 * smallest count that is evidence of usage rather than one author's choice, and it still lets a small team
 * archive (a few hundred papers) learn the field's common abbreviations. Among the long forms that pass,
 * the most frequent wins.
 */
export const MIN_DEFINING_PAPERS = 2;

/** Longest typed span (in words) checked against the archive's long forms. */
const MAX_LONG_WORDS = 8;

/**
 * What to ask the store for: each one-word term (or typed alternative: `hallucination OR LLM`) as a short
 * form, each run of terms as a long form.
 */
export function abbreviationLookups(q: Pick<SearchQuery, 'must' | 'alternatives'>): {
  shorts: string[];
  longKeys: string[];
} {
  const shorts = new Set<string>();
  for (const phrase of [...q.must, ...(q.alternatives ?? []).flat()]) {
    const [t] = phrase;
    if (phrase.length !== 1 || !t || !/^\p{L}[\p{L}\p{N}]{1,11}$/u.test(t)) continue;
    shorts.add(t);
    if (t.endsWith('s') && t.length > 2) shorts.add(t.slice(0, -1));
  }
  const longKeys = new Set(spans(q.must).map((s) => s.key));
  return { shorts: [...shorts], longKeys: [...longKeys] };
}

export interface Expanded {
  query: SearchQuery;
  /** Each expansion used, as `--explain` shows it: `llm → "large language models"`. */
  expansions: string[];
}

/**
 * Adds the other form of each known abbreviation to the query (pure). A one-word term that is a known
 * short form also matches its most frequent long form; a run of typed words (or a quoted phrase) that is a
 * known long form becomes that phrase, also matched by its most frequent short form. `pairs` are the
 * store's counts for `abbreviationLookups(q)`; pairs below MIN_DEFINING_PAPERS are ignored. Excluded words
 * are not expanded. Ties go to the alphabetically first form, so every store expands alike.
 */
export function expandAbbreviations(q: SearchQuery, pairs: readonly AbbreviationCount[]): Expanded {
  const usable = pairs.filter((p) => p.papers >= MIN_DEFINING_PAPERS);
  if (usable.length === 0) return { query: q, expansions: [] };
  const best = (list: AbbreviationCount[], by: (p: AbbreviationCount) => string) =>
    list.sort((a, b) => b.papers - a.papers || by(a).localeCompare(by(b)))[0];

  // Long forms first, longest span first, never overlapping: `large language model` is one term.
  const longAt = new Map<number, { end: number; short: string }>();
  const taken = new Set<number>();
  // A term typed with alternatives (`a OR b`) is its own: never part of a long form's span.
  const typed = (i: number) => (q.alternatives?.[i]?.length ?? 0) > 0;
  for (const s of spans(q.must).sort((a, b) => b.words - a.words || a.start - b.start)) {
    if (range(s.start, s.end).some((i) => taken.has(i) || typed(i))) continue;
    const pair = best(
      usable.filter((p) => p.longKey === s.key),
      (p) => p.short,
    );
    if (!pair) continue;
    for (const i of range(s.start, s.end)) taken.add(i);
    longAt.set(s.start, { end: s.end, short: pair.short });
  }

  const must: string[][] = [];
  const alternatives: string[][][] = [];
  const expansions: string[] = [];
  for (let i = 0; i < q.must.length; i++) {
    const phrase = q.must[i] ?? [];
    const long = longAt.get(i);
    if (long) {
      const merged = q.must.slice(i, long.end + 1).flat();
      must.push(merged);
      alternatives.push([[long.short]]);
      expansions.push(`"${merged.join(' ')}" → ${long.short}`);
      i = long.end;
      continue;
    }
    must.push([...phrase]);
    // The term's forms: as typed, then its typed alternatives (`a OR b`), each a short form perhaps, whose
    // long form then satisfies the term too, whichever side of OR it was typed on.
    const forms = [[...phrase], ...(q.alternatives?.[i] ?? []).map((f) => [...f])];
    const own = forms.slice(1);
    for (const form of forms) {
      const [t] = form;
      const shortPair =
        form.length === 1 && t
          ? best(
              usable.filter((p) => p.short === t || (t.endsWith('s') && p.short === t.slice(0, -1))),
              (p) => p.longKey,
            )
          : undefined;
      const longTokens = shortPair ? longFormWords(shortPair.long) : [];
      const known = (f: string[]) => [phrase, ...own].some((g) => g.join(' ') === f.join(' '));
      if (shortPair && longTokens.length > 1 && !known(longTokens)) {
        own.push(longTokens);
        expansions.push(`${t} → "${longTokens.join(' ')}"`);
      }
    }
    alternatives.push(own);
  }
  if (expansions.length === 0) return { query: q, expansions: [] };
  return { query: { ...q, must, alternatives }, expansions };
}

/** A long form's words as a search for its short form asks for them (the store lists the same phrase). */
export function longFormWords(long: string): string[] {
  return long.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** Every run of consecutive terms holding 2 to MAX_LONG_WORDS words, with its stem key. */
function spans(must: readonly (readonly string[])[]) {
  const out: { start: number; end: number; words: number; key: string }[] = [];
  for (let start = 0; start < must.length; start++) {
    let words: string[] = [];
    for (let end = start; end < must.length; end++) {
      words = [...words, ...(must[end] ?? [])];
      if (words.length > MAX_LONG_WORDS) break;
      if (words.length >= 2)
        out.push({ start, end, words: words.length, key: stemTokens(words.join(' ')).join(' ') });
    }
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}
