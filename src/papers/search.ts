import type { PaperStore } from '../store/port.ts';
import { correctSpelling } from './correct-spelling.ts';
import { abbreviationLookups, expandAbbreviations, MIN_DEFINING_PAPERS } from './expand-abbreviations.ts';
import { type Ranked, rankSearch } from './rank.ts';
import { parseSearchQuery, type SearchQuery } from './search-query.ts';

export type SearchOutcome =
  | {
      ok: true;
      results: Ranked[];
      notice: string | null;
      /**
       * Abbreviation expansions and spelling corrections used, e.g. `llm → "large language models"`,
       * `unlerning → unlearning (spelling)`; shown by `--explain`.
       */
      expansions: string[];
      /** Whether the results hold every word as typed: no spelling correction, no fallback to some words. */
      asTyped: boolean;
    }
  | { ok: false; error: string };

/** Candidates read from the store for re-ranking: enough that popularity can reorder near-ties. */
export const CANDIDATES = 20;

/** Adds the other form of each abbreviation the archive knows to `query`, as a search does. */
export async function expandQuery(
  store: PaperStore,
  query: SearchQuery,
): Promise<{ query: SearchQuery; expansions: string[] }> {
  const lookups = abbreviationLookups(query);
  const pairs = await store.abbreviations(lookups.shorts, lookups.longKeys, MIN_DEFINING_PAPERS);
  return expandAbbreviations(query, pairs);
}

/**
 * Searches the archive for what a person typed. Every word must match; when nothing matches them all,
 * papers matching any word are shown instead, and the notice says so. A known abbreviation also finds
 * its long form and the other way round (learned from the archive), and when nothing matches, a misspelt
 * word also matches the closest word of the archive's titles; `abbreviations: false` and `spelling: false`
 * turn those off, for measuring. Never throws on user text.
 */
export async function searchPapers(
  store: PaperStore,
  text: string,
  options: { limit: number; today: string; abbreviations?: boolean; spelling?: boolean },
): Promise<SearchOutcome> {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) return parsed;
  let query = parsed.query;
  let expansions: string[] = [];
  if (options.abbreviations !== false) ({ query, expansions } = await expandQuery(store, query));
  const notices = query.notice ? [query.notice] : [];
  const candidates = Math.max(CANDIDATES, options.limit);
  let hits = await store.search(query, candidates);
  const asTyped = hits.length > 0;
  if (hits.length === 0 && options.spelling !== false) {
    const fixed = await correctSpelling(store, query);
    if (fixed.corrections.length > 0) {
      query = fixed.query;
      hits = await store.search(query, candidates);
      expansions = [...expansions, ...fixed.corrections.map((c) => `${c} (spelling)`)];
      const pairs = fixed.corrections.map((c) => c.split(' → '));
      const quoted = (k: 0 | 1) => pairs.map((p) => `"${p[k]}"`).join(', ');
      notices.push(`No paper has ${quoted(0)}, so these are for ${quoted(1)}.`);
    }
  }
  if (hits.length === 0 && query.must.length > 1) {
    hits = await store.search({ ...query, mode: 'any' }, candidates);
    if (hits.length > 0) notices.push('No paper matches every word, so these match some of them.');
  }
  return {
    ok: true,
    results: rankSearch(hits, options.today, query.must, query.alternatives).slice(0, options.limit),
    notice: notices.join(' ') || null,
    expansions,
    asTyped,
  };
}
