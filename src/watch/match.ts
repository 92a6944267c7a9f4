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
  // One person at a time, oldest watch first: the first of their watches to match a paper keeps it, and
  // `taken[i]` (the person's turn that took paper i) answers "already theirs?" without a map of pairs.
  const ordered = [...watches].sort((a, b) =>
    a.watch.owner === b.watch.owner ? a.watch.id - b.watch.id : a.watch.owner < b.watch.owner ? -1 : 1,
  );
  const taken = new Int32Array(texts.length).fill(-1);
  const byPaper: CompiledWatch[][] = texts.map(() => []);
  let turn = -1;
  let owner: string | null = null;
  for (const w of ordered) {
    if (w.watch.owner !== owner) {
      owner = w.watch.owner;
      turn++;
    }
    const candidates = rarest(w, postings);
    if (!candidates) continue;
    for (const i of candidates) {
      if (taken[i] === turn) continue;
      const text = texts[i] as PaperText;
      // A watch is for papers from its creation on: the confirmation already showed the older ones.
      if (text.paper.firstSeenAt && text.paper.firstSeenAt < w.watch.createdAt) continue;
      if (!watchMatches(w, text)) continue;
      taken[i] = turn;
      (byPaper[i] as CompiledWatch[]).push(w);
    }
  }
  const out: WatchMatch[] = [];
  byPaper.forEach((found, i) => {
    const paperId = (texts[i] as PaperText).paper.id;
    for (const w of found)
      out.push({ owner: w.watch.owner, paperId, watchId: w.watch.id, query: w.watch.query });
  });
  return out;
}

/**
 * The papers that may match: those holding the rarest token of a required phrase without alternatives, or,
 * when every required phrase has alternatives (`a OR b`), those holding the rarest token of any form of the
 * first; null when none can.
 */
function rarest(w: CompiledWatch, postings: ReadonlyMap<string, number[]>): number[] | null {
  const rarestOf = (phrase: readonly string[]): number[] | null => {
    let best: number[] | null = null;
    for (const token of phrase) {
      const list = postings.get(token);
      if (!list) return null;
      if (!best || list.length < best.length) best = list;
    }
    return best;
  };
  let best: number[] | null = null;
  let single = false;
  for (const [i, phrase] of w.must.entries()) {
    if ((w.alternatives[i] ?? []).length > 0) continue;
    single = true;
    const list = rarestOf(phrase);
    if (!list) return null;
    if (!best || list.length < best.length) best = list;
  }
  if (single) return best;
  const forms = [w.must[0] ?? [], ...(w.alternatives[0] ?? [])];
  const union = new Set<number>();
  for (const form of forms) for (const i of rarestOf(form) ?? []) union.add(i);
  return union.size > 0 ? [...union].sort((a, b) => a - b) : null;
}
