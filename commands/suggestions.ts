import type { Suggestion } from '../src/chat/platform.ts';
import { normalizeTitle } from '../src/papers/paper.ts';
import { parseSearchQuery } from '../src/papers/search-query.ts';
import type { StoredPaper } from '../src/store/port.ts';
import { isoDay } from './dates.ts';
import type { SuggestContext } from './types.ts';

/** The most suggestions an option offers: what `InboundHandlers.onSuggest` promises, and Discord's cap. */
export const MAX_SUGGESTIONS = 25;

/** The latest feed day's papers, most upvoted on Hugging Face first: what people most likely look for. */
export async function recentPapers(ctx: SuggestContext): Promise<StoredPaper[]> {
  const day = await ctx.store.latestFeedDate(isoDay(ctx.now()));
  const papers = day ? await ctx.store.papersOnFeedDate(day) : [];
  return [...papers].sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0));
}

/**
 * Papers for half-typed text: the latest feed day's papers whose title contains it, then the archive's
 * full-text matches (which may repeat them; {@link distinct} drops repeats).
 */
export async function papersMatching(ctx: SuggestContext, typed: string): Promise<StoredPaper[]> {
  const key = normalizeTitle(typed);
  const found = (await recentPapers(ctx)).filter((p) => normalizeTitle(p.title).includes(key));
  const parsed = key ? parseSearchQuery(typed) : null;
  if (parsed?.ok) found.push(...(await ctx.store.search(parsed.query, MAX_SUGGESTIONS)).map((h) => h.paper));
  return found;
}

/** Keeps the first suggestion of each `key`, drops nameless ones, and stops at {@link MAX_SUGGESTIONS}. */
export function distinct(list: readonly Suggestion[], key: (s: Suggestion) => string): Suggestion[] {
  const seen = new Set<string>();
  return list.filter((s) => s.name && !seen.has(key(s)) && seen.add(key(s))).slice(0, MAX_SUGGESTIONS);
}
