import { readFileSync } from 'node:fs';
import { parseArxivAtom } from '../src/feed/arxiv-atom.ts';
import { parseHfJson } from '../src/feed/hf-json.ts';
import { parseHfPageText } from '../src/feed/hf-page-text.ts';
import type { Paper } from '../src/papers/paper.ts';

/** Deterministic PRNG (mulberry32), so every run builds the same archive. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

/** The real papers the synthetic archive is recombined from. */
export function realPapers(): Paper[] {
  return [
    ...parseHfJson(fixture('hf-daily-papers-2024-10-25.json'), { feedDate: '2024-10-25' }).papers,
    ...parseHfJson(fixture('hf-daily-papers-2026-03-06.json')).papers,
    ...parseHfPageText(fixture('hf-papers-page.txt'), { asOf: '2025-11-12' }).papers,
    ...parseArxivAtom(fixture('arxiv-api-sample.xml')).papers,
  ];
}

/**
 * Builds `n` papers by recombining real sentences and title fragments. Words keep their real-world
 * frequencies roughly: topic words stay rare, "model" and "language" stay common.
 */
export function syntheticPapers(n: number, seed = 42): Paper[] {
  return [...syntheticChunks(n, n, seed)].flat();
}

/** The same papers as {@link syntheticPapers}, `size` at a time, so a large archive never sits in memory. */
export function* syntheticChunks(n: number, size: number, seed = 42): Generator<Paper[]> {
  const real = realPapers();
  const sentences = real.flatMap((p) => p.abstract.split(/(?<=\.)\s+/).filter((s) => s.length > 30));
  const titleParts = real.flatMap((p) => p.title.split(/:\s+|\s+-\s+/));
  const authors = [...new Set(real.flatMap((p) => p.authors))];
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const start = Date.parse('2023-05-01T00:00:00Z');
  let papers: Paper[] = [];
  for (let i = 0; i < n; i++) {
    const month = 2300 + Math.floor(i / 20000);
    const arxivId = `${month}.${String(i % 100000).padStart(5, '0')}`;
    const abstract = Array.from({ length: 4 + Math.floor(random() * 4) }, () => pick(sentences)).join(' ');
    const title = `${pick(titleParts)}: ${pick(titleParts)}`;
    const authorList = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(authors));
    const day = new Date(start + Math.floor(random() * 900) * 86_400_000).toISOString().slice(0, 10);
    papers.push({
      id: arxivId,
      arxivId,
      title,
      abstract,
      authors: authorList,
      authorCount: authorList.length,
      organization: null,
      publishedAt: day,
      feedDate: day,
      upvotes: Math.floor(random() ** 3 * 300),
      comments: null,
    });
    if (papers.length === size) {
      yield papers;
      papers = [];
    }
  }
  if (papers.length > 0) yield papers;
}

/** Serialises papers as a Hugging Face daily_papers response, so ingest measures the real parse path. */
export function asHfJson(papers: readonly Paper[]): string {
  return JSON.stringify(
    papers.map((p) => ({
      paper: {
        id: p.arxivId,
        authors: p.authors.map((name, k) => ({ _id: `${p.id}-${k}`, name, hidden: false })),
        publishedAt: `${p.publishedAt}T12:00:00.000Z`,
        submittedOnDailyAt: `${p.feedDate}T08:00:00.000Z`,
        title: p.title,
        summary: p.abstract,
        upvotes: p.upvotes,
      },
      publishedAt: `${p.publishedAt}T12:00:00.000Z`,
      title: p.title,
      numComments: 0,
    })),
  );
}
