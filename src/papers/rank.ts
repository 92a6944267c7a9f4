import type { SearchHit, StoredPaper } from '../store/port.ts';
import { containsPhrase, stemTokens } from './text-match.ts';

/** One term of a score, so every ranking can say why a paper is where it is. */
export interface ScorePart {
  factor: string;
  value: number;
  detail: string;
}

export interface Ranked {
  paper: StoredPaper;
  score: number;
  explain: ScorePart[];
}

/** Tunable weights of both rankings; the README documents the formulas with these defaults. */
export const WEIGHTS = {
  /** Feed: one team vote is worth this many stranger upvotes at the margin (inside the log). */
  teamVote: 3,
  /** Feed and search: one thread reply under the paper is worth this many stranger upvotes (inside the log). */
  teamReply: 1,
  /** Feed: freshness halves every this many days since the paper's feed (or publication) day. */
  feedHalfLifeDays: 3,
  /** Feed: multiplier added per topic phrase found in the title (abstract: half). */
  topicTitle: 0.5,
  topicAbstract: 0.25,
  /**
   * Search: bonus when every searched word is in the title. It is larger than all other search factors
   * together (at most 1.2), so it acts as a tier: title matches first, then the rest.
   */
  searchTitle: 2,
  /** Search: weight of the paper-text match computed here, the same on every store. */
  searchText: 0.6,
  /** Search: weight of the store's own relevance score. */
  searchRelevance: 0.01,
  /** Search: weight of popularity, log10(1 + upvotes + teamVote·votes + teamReply·replies) / 3 capped at 1. */
  searchPopularity: 0.15,
  /** Search: weight of freshness, halving every year. */
  searchFreshness: 0.05,
} as const;

const DAY_MS = 86_400_000;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Whole days from a paper's day (feed day, else publication day) to `today`; null when neither is known. */
export function ageInDays(
  paper: Pick<StoredPaper, 'feedDate' | 'publishedAt'>,
  today: string,
): number | null {
  const day = paper.feedDate ?? paper.publishedAt;
  if (!day) return null;
  return Math.max(
    0,
    Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY_MS),
  );
}

/** A channel's topics, split into boosting and excluding phrases (entries starting with `-`). */
export interface Topics {
  boost: Topic[];
  exclude: Topic[];
}

/** A topic as the channel wrote it, and its stemmed tokens for matching. */
export interface Topic {
  label: string;
  stems: string[];
}

export function parseTopics(topics: readonly string[]): Topics {
  const boost: Topic[] = [];
  const exclude: Topic[] = [];
  for (const t of topics) {
    const negated = t.trim().startsWith('-');
    const label = (negated ? t.trim().slice(1) : t).trim();
    const stems = stemTokens(label);
    if (stems.length > 0) (negated ? exclude : boost).push({ label, stems });
  }
  return { boost, exclude };
}

/**
 * The feed ranking for today's list and roundups:
 *   score = freshness × (log2(1 + upvotes) + log2(1 + teamVote × votes + teamReply × replies)) × (1 + topic boosts)
 * Papers matching an excluded topic are dropped. Ties keep the input order.
 */
export function rankFeed(
  papers: readonly StoredPaper[],
  today: string,
  topics: Topics = { boost: [], exclude: [] },
): Ranked[] {
  const ranked: Ranked[] = [];
  for (const paper of papers) {
    const title = stemTokens(paper.title);
    const abstract = stemTokens(paper.abstract);
    if (topics.exclude.some((t) => containsPhrase(title, t.stems) || containsPhrase(abstract, t.stems)))
      continue;
    const explain: ScorePart[] = [];
    const hf = Math.log2(1 + (paper.upvotes ?? 0));
    explain.push({
      factor: 'hf',
      value: round(hf),
      detail:
        paper.upvotes === null ? 'no Hugging Face upvotes known' : `${paper.upvotes} Hugging Face upvotes`,
    });
    const team = Math.log2(1 + WEIGHTS.teamVote * paper.teamVotes + WEIGHTS.teamReply * paper.teamReplies);
    explain.push({ factor: 'team', value: round(team), detail: teamDetail(paper) });
    let boost = 0;
    const matched: string[] = [];
    for (const t of topics.boost) {
      if (containsPhrase(title, t.stems)) boost += WEIGHTS.topicTitle;
      else if (containsPhrase(abstract, t.stems)) boost += WEIGHTS.topicAbstract;
      else continue;
      matched.push(t.label);
    }
    if (topics.boost.length > 0) {
      explain.push({
        factor: 'topics',
        value: round(1 + boost),
        detail: matched.length ? `matches ${matched.join(', ')}` : 'matches no topic',
      });
    }
    const age = ageInDays(paper, today);
    const freshness = age === null ? 0.5 : 0.5 ** (age / WEIGHTS.feedHalfLifeDays);
    explain.push({
      factor: 'freshness',
      value: round(freshness),
      detail: age === null ? 'date unknown' : `${age} days old`,
    });
    // +1 inside so a fresh paper with no votes yet still ranks by freshness and topics, not all at zero.
    const score = freshness * (1 + hf + team) * (1 + boost);
    ranked.push({ paper, score: round(score), explain });
  }
  return stableSortByScore(ranked);
}

/**
 * How well the paper's own text matches the query, computed here the same way whatever store found it
 * (BM25-shaped: saturating term counts, shorter fields count more, the title weighted 3× the abstract).
 * Words match by their Porter stem as a prefix (`unlearn` matches unlearning, unlearned), phrases as
 * consecutive words. This keeps rankings the same on SQLite and PostgreSQL, whose own scores differ.
 */
export function textMatch(
  paper: Pick<StoredPaper, 'title' | 'abstract'>,
  must: readonly (readonly string[])[],
): number {
  const bm = (tf: number, len: number, avg: number) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / avg));
  const title = fold(paper.title);
  const abstract = fold(paper.abstract);
  let score = 0;
  for (const phrase of must) {
    const pattern = phraseRegex(phrase);
    const tfTitle = title.match(pattern)?.length ?? 0;
    const tfAbstract = abstract.match(pattern)?.length ?? 0;
    score += 3 * bm(tfTitle, title.length / 6, 12) + bm(tfAbstract, abstract.length / 6, 180);
  }
  return score / Math.max(1, must.length);
}

const phraseCache = new Map<string, RegExp>();
function phraseRegex(phrase: readonly string[]): RegExp {
  const key = phrase.join(' ');
  let re = phraseCache.get(key);
  if (!re) {
    // Each word as its stem or as typed (Porter's `librari` is no prefix of "library"), then any ending.
    const words = phrase.map((token) => {
      const forms = [...new Set([fold(token), ...stemTokens(token)])].map((t) =>
        t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      );
      return `(?:${forms.join('|')})[\\p{L}\\p{N}]*`;
    });
    re = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[^\\p{L}\\p{N}]+')}`, 'gu');
    if (phraseCache.size > 500) phraseCache.clear();
    phraseCache.set(key, re);
  }
  return re;
}

/** Lowercase with diacritics folded, as the full-text indexes see text. */
function fold(text: string): string {
  // Most abstracts are plain ASCII: skip the Unicode decomposition for them (it dominates the cost).
  if (!/[\u0080-\uffff]/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Search re-ranking over the store's candidates:
 *   score = 2 if every searched word is in the title (a tier: title matches come first)
 *         + 0.6 × text match / best text match      (the paper's own text, computed the same on every store)
 *         + 0.01 × store relevance / best relevance (BM25 on SQLite, ts_rank_cd on PostgreSQL: a tie-break)
 *         + popularity (≤ 0.15) + freshness (≤ 0.05)
 */
export function rankSearch(
  hits: readonly SearchHit[],
  today: string,
  must: readonly (readonly string[])[] = [],
): Ranked[] {
  const best = Math.max(...hits.map((h) => h.relevance), Number.MIN_VALUE);
  const texts = hits.map((h) => (must.length > 0 ? textMatch(h.paper, must) : 0));
  const bestText = Math.max(...texts, Number.MIN_VALUE);
  const ranked = hits.map((h, i): Ranked => {
    const rel = WEIGHTS.searchRelevance * (h.relevance / best);
    const text = must.length > 0 ? WEIGHTS.searchText * ((texts[i] ?? 0) / bestText) : 0;
    const title = h.titleMatch ? WEIGHTS.searchTitle : 0;
    const votes =
      (h.paper.upvotes ?? 0) + WEIGHTS.teamVote * h.paper.teamVotes + WEIGHTS.teamReply * h.paper.teamReplies;
    const pop = WEIGHTS.searchPopularity * Math.min(1, Math.log10(1 + votes) / 3);
    const age = ageInDays(h.paper, today);
    const fresh = WEIGHTS.searchFreshness * (age === null ? 0 : 0.5 ** (age / 365));
    return {
      paper: h.paper,
      score: round(title + text + rel + pop + fresh),
      explain: [
        {
          factor: 'title',
          value: title,
          detail: h.titleMatch ? 'every word in the title' : 'not all words in the title',
        },
        { factor: 'text', value: round(text), detail: 'words in title and abstract, relative to the best' },
        { factor: 'relevance', value: round(rel), detail: "the store's own score, relative to the best" },
        {
          factor: 'popularity',
          value: round(pop),
          detail: `${h.paper.upvotes === null ? 'upvotes unknown' : `${h.paper.upvotes} upvotes`}, ${teamDetail(h.paper)}`,
        },
        {
          factor: 'freshness',
          value: round(fresh),
          detail: age === null ? 'date unknown' : `${age} days old`,
        },
      ],
    };
  });
  return stableSortByScore(ranked);
}

function stableSortByScore(ranked: Ranked[]): Ranked[] {
  return ranked
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.score - a.r.score || a.i - b.i)
    .map(({ r }) => r);
}

/** The team's part of a score in words: its votes, and its thread replies when there are any. */
function teamDetail(paper: StoredPaper): string {
  const votes = `${paper.teamVotes} team vote${paper.teamVotes === 1 ? '' : 's'}`;
  if (paper.teamReplies === 0) return votes;
  return `${votes}, ${paper.teamReplies} thread repl${paper.teamReplies === 1 ? 'y' : 'ies'}`;
}
