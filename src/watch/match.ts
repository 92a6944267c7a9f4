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
 * papers the archive first saw once it existed. Returned in the papers' order.
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
  // People as small integers, so a (person, paper) pair is one number: no string keys on the hot path.
  const people = new Map<string, number>();
  for (const w of watches) if (!people.has(w.watch.owner)) people.set(w.watch.owner, people.size);
  const byPair = new Map<number, CompiledWatch>();
  // Oldest watch first: the first to match a pair keeps it.
  const ordered = [...watches].sort((a, b) => a.watch.id - b.watch.id);
  for (const w of ordered) {
    const candidates = rarest(w, postings);
    if (!candidates) continue;
    const person = people.get(w.watch.owner) as number;
    for (const i of candidates) {
      const pair = i * people.size + person;
      if (byPair.has(pair)) continue;
      const text = texts[i] as PaperText;
      // A watch is for papers from its creation on: the confirmation already showed the older ones.
      if (text.paper.firstSeenAt && text.paper.firstSeenAt < w.watch.createdAt) continue;
      if (watchMatches(w, text)) byPair.set(pair, w);
    }
  }
  const pairs = Float64Array.from(byPair.keys()).sort();
  const out: WatchMatch[] = new Array(pairs.length);
  pairs.forEach((pair, k) => {
    const w = byPair.get(pair) as CompiledWatch;
    const paper = (texts[Math.floor(pair / people.size)] as PaperText).paper;
    out[k] = { owner: w.watch.owner, paperId: paper.id, watchId: w.watch.id, query: w.watch.query };
  });
  return out;
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
