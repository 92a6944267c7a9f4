import type { ChannelRef } from '../../src/chat/platform.ts';
import { normalizeArxivId, normalizeTitle } from '../../src/papers/paper.ts';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import type { PaperStore, StoredPaper } from '../../src/store/port.ts';
import { truncate } from './text.ts';

/** One autocomplete choice: `name` is shown, `value` is what the option receives (both ≤ 100 chars). */
export interface Suggestion {
  name: string;
  value: string;
}

/** What is being typed: which option of which subcommand, in which channel, so far. */
export interface SuggestQuery {
  channel: ChannelRef;
  subcommand: string;
  option: string;
  value: string;
}

/** Answers autocomplete; must be quick (Discord drops answers after 3 s). Never more than 25. */
export type Suggest = (query: SuggestQuery) => Promise<Suggestion[]>;

const MAX = 25;

/**
 * Suggestions from the archive. `paper` options: papers whose title contains the typed text (recent feed
 * days first, then full-text matches), or the paper a typed arXiv id or URL names; the value is the paper
 * id. `query` options: the channel's roundup topics that start with the typed text, then matching titles.
 */
export function archiveSuggestions(store: PaperStore, now: () => Date = () => new Date()): Suggest {
  const recent = async (): Promise<StoredPaper[]> => {
    const day = await store.latestFeedDate(now().toISOString().slice(0, 10));
    const papers = day ? await store.papersOnFeedDate(day) : [];
    return [...papers].sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0));
  };
  const matching = async (typed: string): Promise<StoredPaper[]> => {
    const key = normalizeTitle(typed);
    const found = (await recent()).filter((p) => normalizeTitle(p.title).includes(key));
    const parsed = key ? parseSearchQuery(typed) : null;
    if (parsed?.ok) found.push(...(await store.search(parsed.query, MAX)).map((h) => h.paper));
    return found;
  };
  return async ({ channel, option, value }) => {
    const typed = value.trim();
    if (option === 'paper') {
      const id = normalizeArxivId(typed);
      const exact = id ? await store.getPaper(id) : null;
      const papers = exact ? [exact] : typed ? await matching(typed) : await recent();
      // Only papers with an arXiv id: share looks papers up by it (page-text papers have none yet).
      return unique(
        papers.filter((p) => p.arxivId !== null).map((p) => ({ name: label(p), value: p.arxivId! })),
        (s) => s.value,
      );
    }
    if (option === 'query') {
      const settings = await store.getChannelSettings(channel);
      const lower = typed.toLowerCase();
      const topics = (settings?.topics ?? [])
        .filter((t) => !t.startsWith('-') && t.toLowerCase().startsWith(lower))
        .map((t) => ({ name: truncate(t, 100), value: truncate(t, 100) }));
      const titles = typed ? (await matching(typed)).map((p) => truncate(p.title, 100)) : [];
      return unique([...topics, ...titles.map((t) => ({ name: t, value: t }))], (s) => s.value.toLowerCase());
    }
    return [];
  };
}

function label(p: StoredPaper): string {
  const suffix = p.arxivId ? ` (${p.arxivId})` : '';
  return truncate(p.title, 100 - suffix.length) + suffix;
}

function unique(list: Suggestion[], key: (s: Suggestion) => string): Suggestion[] {
  const seen = new Set<string>();
  return list.filter((s) => s.name && !seen.has(key(s)) && seen.add(key(s))).slice(0, MAX);
}
