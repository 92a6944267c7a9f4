/**
 * Search benchmark query classes, by how many papers hold the words: rare (under 1% of papers, the typical
 * topic search) and common (over 20%), one to three words, as bench/search.ts defines them; and quoted
 * phrases and exclusions. Document frequencies come from a sample of the archive's papers, so any store's
 * benchmark can build the same queries without asking the store.
 */
import type { Paper } from '../src/papers/paper.ts';
import { tokenize } from '../src/papers/search-query.ts';
import { rng } from './synthetic.ts';

export type QueryClass = [name: string, queries: string[]];

/** Fraction of `papers` whose title or abstract holds each token. */
export function tokenFrequencies(papers: readonly Paper[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of papers) {
    for (const t of new Set(tokenize(`${p.title} ${p.abstract}`))) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return new Map([...counts].map(([t, n]) => [t, n / papers.length]));
}

/** The query classes over `papers` (a sample of the archive), `perClass` queries each, fixed seed. */
export function queryClasses(papers: readonly Paper[], perClass: number, seed = 7): QueryClass[] {
  const freq = tokenFrequencies(papers);
  const vocabulary = [
    ...new Set(papers.slice(0, 3000).flatMap((p) => tokenize(`${p.title} ${p.abstract}`))),
  ].filter((t) => t.length > 3 && !/^\d+$/.test(t));
  const random = rng(seed);
  const sample = vocabulary.filter(() => random() < 0.5).slice(0, 1500);
  const rare = sample.filter((t) => (freq.get(t) ?? 1) < 0.01 && (freq.get(t) ?? 0) > 0);
  const common = sample.filter((t) => (freq.get(t) ?? 0) > 0.2);
  const pick = (xs: readonly string[]) => xs[Math.floor(random() * xs.length)] ?? '';
  // Multi-word rare queries take words that occur together, as topic searches do.
  const rareQueries = (words: number) => {
    const out: string[] = [];
    for (const p of papers) {
      const ws = [...new Set(tokenize(p.abstract))].filter((t) => rare.includes(t));
      if (ws.length >= words) out.push(ws.slice(0, words).join(' '));
      if (out.length >= perClass) break;
    }
    return out;
  };
  const commonQueries = (words: number) =>
    Array.from({ length: perClass }, () => Array.from({ length: words }, () => pick(common)).join(' '));
  // Phrases as people quote them: two neighbouring words of an abstract, neither a stop word or a number.
  const phrases: string[] = [];
  for (const p of papers) {
    const ts = tokenize(p.abstract);
    const at = Math.floor(random() * Math.max(1, ts.length - 1));
    const [a, b] = [ts[at], ts[at + 1]];
    if (a && b && a.length > 3 && b.length > 3 && !/\d/.test(a + b)) phrases.push(`"${a} ${b}"`);
    if (phrases.length >= perClass) break;
  }
  const exclusions = Array.from({ length: perClass }, (_, i) =>
    i % 2 === 0 ? `${pick(common)} -${pick(common)}` : `${pick(rare)} -${pick(common)}`,
  );
  return [
    ['rare, 1 word', rare.slice(0, perClass)],
    ['rare, 2 words', rareQueries(2)],
    ['rare, 3 words', rareQueries(3)],
    ['common, 1 word', common.slice(0, perClass)],
    ['common, 2 words', commonQueries(2)],
    ['common, 3 words', commonQueries(3)],
    ['phrase', phrases],
    ['exclusion', exclusions],
  ];
}
