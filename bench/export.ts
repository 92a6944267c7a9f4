/**
 * `/papers export` on a synthetic archive (real titles, authors and abstracts recombined, fixed seed) in a
 * temporary SQLite file: the time to choose the papers (a search capped at 200, the all-time leaderboard)
 * and to write each format, and the file sizes. `PAPERS=100000 node --import tsx bench/export.ts`; default
 * 20,000 papers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPapers } from '../commands/export-source.ts';
import { EXPORT_FORMATS, exportFile } from '../src/papers/paper-export.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { percentile } from './percentile.ts';
import { syntheticChunks } from './synthetic.ts';

const PAPERS = Number(process.env.PAPERS ?? 20_000);
const RUNS = 50;
const QUERIES = ['diffusion', 'language models', 'reinforcement learning', 'unlearning', 'video generation'];
const ms = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms`;
};

const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-export-'));
const store = SqliteStore.open(join(dir, 'archive.db'));
try {
  let n = 0;
  for (const chunk of syntheticChunks(PAPERS, 5000)) {
    await store.upsertPapers(chunk);
    // 300 papers with votes, so the leaderboard export is full (200).
    for (const p of chunk.slice(0, Math.max(0, 300 - n))) {
      const message = `slack:C1:${n++}`;
      await store.recordPost({
        message,
        channel: 'slack:C1',
        paperId: p.id,
        kind: 'share',
        postedBy: null,
        postedAt: '2025-01-01T00:00:00Z',
      });
      await store.addReaction({ message, user: `slack:U${n % 7}`, emoji: '+1', at: '2025-01-01T00:00:00Z' });
    }
  }
  const ctx = { store, now: () => new Date('2025-01-02T00:00:00Z') };
  const choose: number[] = [];
  const write: Record<string, number[]> = Object.fromEntries(EXPORT_FORMATS.map((f) => [f, []]));
  const sizes: Record<string, number[]> = Object.fromEntries(EXPORT_FORMATS.map((f) => [f, []]));
  const counts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const source =
      i % 6 === 5
        ? ({ kind: 'top', period: 'all' } as const)
        : ({ kind: 'search', query: QUERIES[i % 5] ?? '' } as const);
    const started = performance.now();
    const chosen = await exportPapers(ctx, source);
    choose.push(performance.now() - started);
    if ('error' in chosen) throw new Error(chosen.error);
    counts.push(chosen.papers.length);
    for (const format of EXPORT_FORMATS) {
      const t = performance.now();
      const file = exportFile(format, chosen.base, chosen.title, chosen.papers);
      write[format]?.push(performance.now() - t);
      sizes[format]?.push(Buffer.byteLength(file.text));
    }
  }
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  console.log(
    `archive: ${PAPERS} papers; ${RUNS} exports of ${Math.min(...counts)}–${Math.max(...counts)} papers`,
  );
  console.log(`choosing the papers (search capped at 200, or the leaderboard): ${ms(choose)}`);
  for (const format of EXPORT_FORMATS) {
    console.log(
      `${format}: written in ${ms(write[format] ?? [])}, ${mean(sizes[format] ?? [])} bytes on average`,
    );
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
