import { stemmer } from 'stemmer';
import type { PaperStore, StoredPaper } from '../store/port.ts';
import type { Paper } from './paper.ts';
import { tokenize } from './search-query.ts';
import { STOP_WORDS } from './stop-words.ts';
import { stemTokens } from './text-match.ts';

/**
 * "More like this": the archive's papers closest to one paper, by the distinctive words of its title and
 * abstract (weighted by how rare each is in the archive) and by the people who voted for it. Each result
 * says why it is there.
 */

/** One similar paper and why it is similar. */
export interface Similar {
  paper: StoredPaper;
  /** 0–1.5: the share of the distinctive words' weight it holds, plus up to 0.5 for shared voters. */
  score: number;
  /** The distinctive words it shares, most distinctive first, as the paper writes them (lowercase). */
  terms: string[];
  /** People who voted for both papers. */
  sharedVoters: number;
}

/** Words taken from the paper before asking the archive how rare they are (the store caps a call at 64). */
const CANDIDATE_TERMS = 40;
/** Distinctive words compared: enough to characterise a paper, few enough to stay specific. */
const TOP_TERMS = 8;
/** Full-text candidates read (papers holding any distinctive word), before scoring. */
const CANDIDATES = 60;
/** A title word counts this many times an abstract word. */
const TITLE_WEIGHT = 3;

interface Term {
  term: string;
  stem: string;
  weight: number;
}

/** The paper's words, one per stem, weighted by where and how often they occur, heaviest first. */
function candidateTerms(p: Paper): Term[] {
  const byStem = new Map<string, Term & { first: number }>();
  let position = 0;
  const add = (text: string, weight: number) => {
    for (const token of tokenize(text)) {
      position++;
      if (token.length < 3 || /^\d+$/.test(token) || STOP_WORDS.has(token)) continue;
      const stem = stemmer(token);
      const known = byStem.get(stem);
      if (known) known.weight += weight;
      else byStem.set(stem, { term: token, stem, weight, first: position });
    }
  };
  add(p.title, TITLE_WEIGHT);
  add(p.abstract, 1);
  return [...byStem.values()]
    .sort((a, b) => b.weight - a.weight || a.first - b.first)
    .slice(0, CANDIDATE_TERMS)
    .map(({ term, stem, weight }) => ({ term, stem, weight }));
}

/**
 * The paper's distinctive words: its own weight for each word times the word's rarity in the archive
 * (BM25's idf), keeping words at least one other paper holds (a word only this paper has matches nothing)
 * and that at most half the archive holds.
 */
async function distinctiveTerms(store: PaperStore, p: Paper): Promise<Term[]> {
  const terms = candidateTerms(p);
  if (terms.length === 0) return [];
  const [df, total] = await Promise.all([
    store.documentFrequencies(terms.map((t) => t.term)),
    store.countPapers(),
  ]);
  return terms
    .flatMap((t) => {
      const n = df.get(t.term) ?? 0;
      if (n < 2 || n > total / 2) return [];
      const idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
      return [{ ...t, weight: t.weight * idf }];
    })
    .sort((a, b) => b.weight - a.weight)
    .slice(0, TOP_TERMS);
}

/**
 * Up to `limit` archive papers most like `target` (itself never among them), best first. A paper counts
 * as alike when it holds two of the distinctive words, or one carrying at least a quarter of their weight,
 * or when some of the people who voted for `target` voted for it too.
 */
export async function findSimilar(store: PaperStore, target: StoredPaper, limit: number): Promise<Similar[]> {
  const terms = await distinctiveTerms(store, target);
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  const found = new Map<string, Similar>();
  if (terms.length > 0) {
    const hits = await store.search(
      { must: terms.map((t) => [t.term]), exclude: [], mode: 'any', notice: null },
      CANDIDATES,
    );
    for (const { paper } of hits) {
      if (paper.id === target.id) continue;
      const stems = new Set(
        stemTokens(`${paper.title}\n${paper.abstract}\n${(paper.keywords ?? []).join(' ')}`),
      );
      const shared = terms.filter((t) => stems.has(t.stem));
      const share = shared.reduce((sum, t) => sum + t.weight, 0) / totalWeight;
      if (shared.length >= 2 || (shared.length === 1 && share >= 0.25)) {
        found.set(paper.id, { paper, score: share, terms: shared.map((t) => t.term), sharedVoters: 0 });
      }
    }
  }
  const coVotes = await store.coVoted(target.id, limit * 2);
  const most = Math.max(1, ...coVotes.map((c) => c.sharedVoters));
  for (const { paper, sharedVoters } of coVotes) {
    const known = found.get(paper.id) ?? { paper, score: 0, terms: [], sharedVoters: 0 };
    found.set(paper.id, { ...known, sharedVoters, score: known.score + (0.5 * sharedVoters) / most });
  }
  return [...found.values()]
    .sort((a, b) => b.score - a.score || a.paper.id.localeCompare(b.paper.id))
    .slice(0, limit);
}

/** Why a paper is shown as similar: `shares: diffusion, distillation · 2 of the same voters`. */
export function similarityReason(s: Similar): string {
  const parts: string[] = [];
  if (s.terms.length > 0) parts.push(`shares: ${s.terms.slice(0, 5).join(', ')}`);
  if (s.sharedVoters > 0) parts.push(`${s.sharedVoters} of the same voter${s.sharedVoters === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
