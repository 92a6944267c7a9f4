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
 * frequencies roughly: topic words stay rare, "model" and "language" stay common (a few words reach
 * 20-40% of papers, then a long tail; `bench/generate.ts` prints the spread).
 */
export function syntheticPapers(n: number, seed = 42): Paper[] {
  return [...syntheticChunks(n, n, seed)].flat();
}

/** The first day of the synthetic archive; papers spread over eight years from here, more each year. */
const START = Date.parse('2018-01-01T00:00:00Z');
const DAYS = 8 * 365;

/**
 * The same papers as {@link syntheticPapers}, `size` at a time, so a large archive never sits in memory.
 * Dates spread over eight years with the field's growth (later years hold more papers); Hugging Face
 * upvotes are heavy-tailed (most papers have none or a few, a handful thousands); arXiv ids follow the
 * paper's month, as real ones do.
 */
export function* syntheticChunks(n: number, size: number, seed = 42): Generator<Paper[]> {
  const real = realPapers();
  const sentences = real.flatMap((p) => p.abstract.split(/(?<=\.)\s+/).filter((s) => s.length > 30));
  const titleParts = real.flatMap((p) => p.title.split(/:\s+|\s+-\s+/));
  const authors = [...new Set(real.flatMap((p) => p.authors))];
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const perMonth = new Map<string, number>();
  let papers: Paper[] = [];
  for (let i = 0; i < n; i++) {
    const abstract = Array.from({ length: 4 + Math.floor(random() * 4) }, () => pick(sentences)).join(' ');
    const title = `${pick(titleParts)}: ${pick(titleParts)}`;
    const authorList = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(authors));
    // sqrt: the density of days grows linearly, so the last year holds about twice the first's share.
    const day = new Date(START + Math.floor(Math.sqrt(random()) * DAYS) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const month = `${day.slice(2, 4)}${day.slice(5, 7)}`;
    const k = (perMonth.get(month) ?? 0) + 1;
    perMonth.set(month, k);
    const arxivId = `${month}.${String(k).padStart(5, '0')}`;
    // Pareto-tailed upvotes (shape 1.1): 45% of papers none, median a few, the top 0.1% over a thousand.
    const u = random();
    const upvotes = u < 0.45 ? 0 : Math.min(20_000, Math.floor(1 / (1 - random()) ** (1 / 1.1)) - 1);
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
      upvotes,
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
