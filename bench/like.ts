/**
 * `/papers like` on a synthetic archive (real abstracts recombined, fixed seed) in a temporary SQLite file:
 * the time to find the papers most like one paper, and how fast titles and abstracts are rendered from
 * LaTeX for display. `PAPERS=100000 node --import tsx bench/like.ts`; default 20,000 papers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latexToText } from '../src/papers/latex-text.ts';
import { findSimilar } from '../src/papers/similar.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { percentile } from './percentile.ts';
import { syntheticChunks } from './synthetic.ts';

const PAPERS = Number(process.env.PAPERS ?? 20_000);
const SAMPLES = 200;

const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-like-'));
const store = SqliteStore.open(join(dir, 'archive.db'));
try {
  const texts: string[] = [];
  const ids: string[] = [];
  const every = Math.max(1, Math.floor(PAPERS / SAMPLES));
  let seen = 0;
  for (const chunk of syntheticChunks(PAPERS, 5000)) {
    await store.upsertPapers(chunk);
    for (const p of chunk) {
      if (seen++ % every === 0) ids.push(p.id);
      if (texts.length < 20_000) texts.push(p.title, p.abstract);
    }
  }
  const times: number[] = [];
  let found = 0;
  for (const id of ids) {
    const paper = await store.getPaper(id);
    if (!paper) continue;
    const started = performance.now();
    found += (await findSimilar(store, paper, 5)).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `archive: ${PAPERS} papers (SQLite); ${times.length} /papers like lookups, ${(found / times.length).toFixed(1)} results each`,
  );
  console.log(
    `findSimilar ms: p50 ${percentile(times, 50).toFixed(1)} / p99 ${percentile(times, 99).toFixed(1)}`,
  );

  const chars = texts.reduce((n, t) => n + t.length, 0);
  const started = performance.now();
  for (const t of texts) latexToText(t);
  const ms = performance.now() - started;
  console.log(
    `latexToText: ${texts.length} titles and abstracts (${(chars / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms, ${((texts.length / ms) * 1000).toFixed(0)} texts/s`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
