import type { StoredPaper } from '../store/port.ts';
import type { WatchMatch } from '../store/watch-port.ts';
import { type CompiledWatch, type PaperText, paperText, watchMatches } from './compile.ts';

/**
 * Every (person, paper) match between a batch of new papers and all watches. Only the new papers are
 * read, never the archive. An inverted index of the batch (stemmed token → papers holding it) lets each
 * watch look only at the papers holding its rarest required token in this batch, and a watch with a token
 * no new paper holds costs one lookup. (An index of watches by token would need the same verification and
 * a choice of token made without knowing the batch; indexing the batch picks the best token every time.)
 * A person gets a paper once, through their first watch (lowest id) that matches it, and a watch only
 * papers the archive first saw once it existed.
 */
export function matchNewPapers(
  watches: readonly CompiledWatch[],
  papers: readonly StoredPaper[],
): WatchMatch[] {
  const texts = papers.map(paperText);
  const postings = new Map<string, number[]>();
  texts.forEach((text, i) => {
    for (const token of text.tokens) {
      const list = postings.get(token);
      if (list) list.push(i);
      else postings.set(token, [i]);
    }
  });
  const found = new Map<string, WatchMatch & { order: number; watchOrder: number }>();
  for (const w of watches) {
    const candidates = rarest(w, postings);
    if (!candidates) continue;
    for (const i of candidates) {
      const text = texts[i] as PaperText;
      // A watch is for papers from its creation on: the confirmation already showed the older ones.
      if (text.paper.firstSeenAt && text.paper.firstSeenAt < w.watch.createdAt) continue;
      if (!watchMatches(w, text)) continue;
      const key = `${w.watch.owner}\u0000${text.paper.id}`;
      const earlier = found.get(key);
      if (earlier && earlier.watchOrder <= w.watch.id) continue;
      found.set(key, {
        owner: w.watch.owner,
        paperId: text.paper.id,
        watchId: w.watch.id,
        query: w.watch.query,
        order: i,
        watchOrder: w.watch.id,
      });
    }
  }
  // In the papers' insertion order, so a delivery lists them as they arrived.
  return [...found.values()]
    .sort((a, b) => a.order - b.order || a.watchOrder - b.watchOrder)
    .map(({ owner, paperId, watchId, query }) => ({ owner, paperId, watchId, query }));
}

/** The papers holding the watch's rarest required token in this batch; null when some token is in none. */
function rarest(w: CompiledWatch, postings: ReadonlyMap<string, number[]>): number[] | null {
  let best: number[] | null = null;
  for (const phrase of w.must) {
    for (const token of phrase) {
      const list = postings.get(token);
      if (!list) return null;
      if (!best || list.length < best.length) best = list;
    }
  }
  return best;
}
