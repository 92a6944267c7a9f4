import { readFileSync } from 'node:fs';
import { parseFeed } from '../../src/feed/detect.ts';
import { ingestPapers } from '../../src/papers/ingest.ts';
import { searchPapers } from '../../src/papers/search.ts';
import type { PaperStore } from '../../src/store/port.ts';

/*
 * The labelled search-quality set (test/fixtures/search-quality.json) and how it is scored: shared by
 * `npm run bench:quality`, which prints the figures, and the test that holds them as a floor.
 */

/** One labelled query: the papers (by title) a reader expects first, and others that belong in the results. */
export interface JudgedQuery {
  class: string;
  query: string;
  first: string[];
  also: string[];
}

export interface Scores {
  /** Judged papers among the first five, over min(5, judged papers). */
  p5: number;
  /** Normalised discounted cumulative gain of the first ten: gain 2 for `first`, 1 for `also`. */
  ndcg10: number;
}

export interface Report {
  overall: Scores;
  byClass: Record<string, Scores & { queries: number }>;
  perQuery: (JudgedQuery & Scores & { got: string[] })[];
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

export function loadQualitySet(): JudgedQuery[] {
  return (JSON.parse(fixture('search-quality.json')) as { queries: JudgedQuery[] }).queries;
}

/** The day the searches run on: after every fixture paper, so freshness treats them alike. */
export const QUALITY_TODAY = '2026-03-10';

/** Stores the papers of the three recorded fixtures, as `paperboy ingest` would. */
export async function fillFixtureArchive(store: PaperStore): Promise<void> {
  for (const [name, feedDate] of [
    ['hf-papers-page.txt', undefined],
    ['hf-daily-papers-2024-10-25.json', '2024-10-25'],
    ['hf-daily-papers-2026-03-06.json', undefined],
  ] as const) {
    const parsed = parseFeed(fixture(name), undefined, { asOf: '2025-11-12', feedDate });
    await ingestPapers(store, parsed.papers);
  }
}

/** P@5 and nDCG@10 of one ranking (titles, best first) against its labels. */
export function scoreRanking(got: readonly string[], judged: Pick<JudgedQuery, 'first' | 'also'>): Scores {
  const gain = (title: string) => (judged.first.includes(title) ? 2 : judged.also.includes(title) ? 1 : 0);
  const relevant = judged.first.length + judged.also.length;
  const p5 = got.slice(0, 5).filter((t) => gain(t) > 0).length / Math.min(5, relevant);
  const dcg = (gains: number[]) => gains.slice(0, 10).reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  const ideal = dcg([...judged.first.map(() => 2), ...judged.also.map(() => 1)]);
  return { p5, ndcg10: dcg(got.map(gain)) / ideal };
}

/**
 * Runs every labelled query through the real search (`searchPapers` on `store`) and scores it.
 * `abbreviations: false` and `spelling: false` measure search without abbreviations or spelling correction.
 */
export async function measureQuality(
  store: PaperStore,
  options: { abbreviations?: boolean; spelling?: boolean } = {},
): Promise<Report> {
  const perQuery: Report['perQuery'] = [];
  for (const judged of loadQualitySet()) {
    const r = await searchPapers(store, judged.query, { limit: 10, today: QUALITY_TODAY, ...options });
    const got = r.ok ? r.results.map((x) => x.paper.title) : [];
    perQuery.push({ ...judged, ...scoreRanking(got, judged), got });
  }
  const mean = (list: Scores[]) => ({
    p5: list.reduce((s, x) => s + x.p5, 0) / list.length,
    ndcg10: list.reduce((s, x) => s + x.ndcg10, 0) / list.length,
  });
  const byClass: Report['byClass'] = {};
  for (const c of new Set(perQuery.map((q) => q.class))) {
    const list = perQuery.filter((q) => q.class === c);
    byClass[c] = { ...mean(list), queries: list.length };
  }
  return { overall: mean(perQuery), byClass, perQuery };
}
