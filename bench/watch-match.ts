// Matching new papers against every watch: 10,000 watches with queries drawn from the archive's own
// vocabulary × 500 new papers (real abstracts recombined, fixed seed). Prints the time to compile the
// watches, the time to compute every person's matches, how many matched, and the peak RSS.
// Run: node --import tsx bench/watch-match.ts   (WATCHES=… PAPERS=… to change the sizes)
import { performance } from 'node:perf_hooks';
import { tokenize } from '../src/papers/search-query.ts';
import type { StoredPaper } from '../src/store/port.ts';
import { type CompiledWatch, compileWatch } from '../src/watch/compile.ts';
import { matchNewPapers } from '../src/watch/match.ts';
import { peakRssMb } from './peak-rss.ts';
import { realPapers, rng, syntheticPapers } from './synthetic.ts';

const WATCHES = Number(process.env.WATCHES ?? 10_000);
const PAPERS = Number(process.env.PAPERS ?? 500);
const random = rng(7);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

// The vocabulary people watch for: topic words, i.e. words of the real titles and abstracts (four letters
// or more) found in under 5% of the real papers, as a watch names a topic rather than "model"; one word
// in ten is drawn from the common rest, so broad watches are in the mix too. Title bigrams are "phrases".
const real = realPapers();
const df = new Map<string, number>();
for (const p of real)
  for (const t of new Set(tokenize(`${p.title} ${p.abstract}`))) df.set(t, (df.get(t) ?? 0) + 1);
const usable = (t: string) => t.length >= 4 && !/^\d+$/.test(t);
const topical = (t: string) => usable(t) && (df.get(t) ?? 0) < real.length * 0.05;
const words: string[] = [];
const common: string[] = [];
const bigrams: string[] = [];
for (const p of real) {
  const tokens = tokenize(`${p.title} ${p.abstract}`).filter(usable);
  words.push(...tokens.filter(topical));
  common.push(...tokens.filter((t) => !topical(t)));
  const title = tokenize(p.title).filter(usable);
  for (let i = 0; i + 1 < title.length; i++)
    if (topical(title[i]!) || topical(title[i + 1]!)) bigrams.push(`"${title[i]} ${title[i + 1]}"`);
}
const word = () => (random() < 0.1 ? pick(common) : pick(words));

/** One person's query: one to three words, sometimes a phrase, sometimes an exclusion. */
function query(): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(random() * 3);
  for (let i = 0; i < n; i++) parts.push(random() < 0.25 ? pick(bigrams) : word());
  if (random() < 0.2) parts.push(`-${word()}`);
  return parts.join(' ');
}

const createdAt = '2000-01-01T00:00:00.000Z';
const papers: StoredPaper[] = syntheticPapers(PAPERS, 11).map((p) => ({
  ...p,
  teamVotes: 0,
  teamReplies: 0,
  firstSeenAt: '2026-01-05T08:00:00.000Z',
}));

const t0 = performance.now();
const watches: CompiledWatch[] = [];
for (let i = 0; i < WATCHES; i++) {
  const owner = `slack:U${Math.floor(i / 5)}`; // five watches a person: 2,000 people
  const w = compileWatch({ id: i + 1, owner, query: query(), channel: 'slack:C1', createdAt });
  if (w) watches.push(w);
}
const compiled = performance.now() - t0;

const runs: number[] = [];
let matches = 0;
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  matches = matchNewPapers(watches, papers).length;
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
const people = new Set(matchNewPapers(watches, papers).map((m) => m.owner)).size;
const rss = Math.round(peakRssMb());

console.log(
  `watches: ${watches.length} (of ${WATCHES} drawn), people: ${Math.ceil(WATCHES / 5)}, new papers: ${papers.length}`,
);
console.log(`compile every watch: ${compiled.toFixed(0)} ms`);
console.log(
  `match (5 runs): best ${runs[0]!.toFixed(0)} ms, median ${runs[2]!.toFixed(0)} ms, worst ${runs[4]!.toFixed(0)} ms`,
);
console.log(`matches: ${matches} (person, paper) pairs for ${people} people`);
console.log(`peak RSS: ${rss} MB`);
