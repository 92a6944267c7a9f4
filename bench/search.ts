/**
 * Archive benchmark: ingest throughput, search latency per query class against the raw FTS5 floor, and
 * peak RSS, on a synthetic archive of real recombined abstracts. Prints its figures; asserts nothing.
 *
 *   npm run bench              (100,000 papers)
 *   PAPERS=20000 npm run bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseHfJson } from '../src/feed/hf-json.ts';
import { ingestPapers } from '../src/ingest.ts';
import type { Paper } from '../src/paper.ts';
import { searchPapers } from '../src/search.ts';
import { parseSearchQuery, tokenize } from '../src/search-query.ts';
import { toFtsMatch } from '../src/store/sqlite/fts-match.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { asHfJson, rng, syntheticChunks } from './synthetic.ts';

const N = Number(process.env.PAPERS ?? 100_000);
const QUERIES_PER_CLASS = Number(process.env.QUERIES ?? 200);
const CHUNK = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
const store = SqliteStore.open(join(dir, 'bench.db'));
try {
  console.log(`paperboy archive benchmark: ${N.toLocaleString('en')} papers, node ${process.version}`);
  // Ingest: parse the HF JSON and upsert, as `paperboy ingest` does, one day-sized payload at a time.
  // Generating and serialising the synthetic payloads is not part of the measured time.
  const papers: Paper[] = []; // the first few thousand, kept to pick queries from
  let firstPayload = '';
  let ingestMs = 0;
  let stored = 0;
  for (const chunk of syntheticChunks(N, CHUNK)) {
    if (papers.length < 5000) papers.push(...chunk);
    const payload = asHfJson(chunk);
    firstPayload ||= payload;
    const t = performance.now();
    const parsed = parseHfJson(payload);
    const r = await ingestPapers(store, parsed.papers, parsed.skipped);
    ingestMs += performance.now() - t;
    stored += r.inserted + r.updated;
  }
  const ingestS = ingestMs / 1000;
  console.log(
    `ingest: ${stored} papers in ${ingestS.toFixed(2)} s = ${Math.round(stored / ingestS)} papers/s (parse + upsert)`,
  );

  // Re-ingesting the same day (upvotes refresh) goes through the merge path.
  const t0 = performance.now();
  const again = await ingestPapers(store, parseHfJson(firstPayload).papers);
  console.log(
    `re-ingest of ${CHUNK} known papers: ${(performance.now() - t0).toFixed(1)} ms (${again.unchanged} unchanged)`,
  );

  // Query classes by document frequency, measured on the data itself.
  const db = store.rawDatabase;
  const total = (db.prepare('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n;
  const df = (term: string) =>
    (
      db.prepare('SELECT COUNT(*) AS n FROM papers_fts WHERE papers_fts MATCH ?').get(`"${term}"`) as {
        n: number;
      }
    ).n / total;
  const vocabulary = [
    ...new Set(papers.slice(0, 3000).flatMap((p) => tokenize(`${p.title} ${p.abstract}`))),
  ].filter((t) => t.length > 3 && !/^\d+$/.test(t));
  const random = rng(7);
  const sample = vocabulary.filter(() => random() < 0.5).slice(0, 1500);
  const freq = new Map(sample.map((t) => [t, df(t)]));
  const rare = sample.filter((t) => (freq.get(t) ?? 1) < 0.01 && (freq.get(t) ?? 0) > 0);
  const common = sample.filter((t) => (freq.get(t) ?? 0) > 0.2);
  console.log(
    `vocabulary sampled: ${sample.length} terms, ${rare.length} rare (<1% of papers), ${common.length} common (>20%)`,
  );

  // Multi-word rare queries take words that occur together (as topic searches do): consecutive rare words of
  // one abstract; multi-word common queries combine common words.
  const rareQueries = (words: number): string[] => {
    const out: string[] = [];
    for (const p of papers) {
      const ws = [...new Set(tokenize(p.abstract))].filter((t) => rare.includes(t));
      if (ws.length >= words) out.push(ws.slice(0, words).join(' '));
      if (out.length >= QUERIES_PER_CLASS) break;
    }
    return out;
  };
  const commonQueries = (words: number): string[] =>
    Array.from({ length: QUERIES_PER_CLASS }, () =>
      Array.from({ length: words }, () => common[Math.floor(random() * common.length)]).join(' '),
    );
  const classes: [string, string[]][] = [
    ['rare, 1 word', rare.slice(0, QUERIES_PER_CLASS)],
    ['rare, 2 words', rareQueries(2)],
    ['rare, 3 words', rareQueries(3)],
    ['common, 1 word', common.slice(0, QUERIES_PER_CLASS)],
    ['common, 2 words', commonQueries(2)],
    ['common, 3 words', commonQueries(3)],
  ];

  const floorStmt = db.prepare(
    'SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 3.0) LIMIT 10',
  );
  const today = '2025-11-12';
  console.log(
    '\nsearch latency, ms (paperboy = parse + FTS + re-rank + rows; floor = raw FTS5 MATCH ORDER BY bm25 LIMIT 10)',
  );
  console.log('class             queries  paperboy p50    p99   floor p50    p99   ratio p50  ratio p99');
  for (const [name, queries] of classes) {
    if (queries.length === 0) {
      console.log(`${name.padEnd(17)} (no queries of this class in the data)`);
      continue;
    }
    const ours: number[] = [];
    const floor: number[] = [];
    for (const pass of [0, 1]) {
      for (const text of queries) {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) continue;
        const match = toFtsMatch(parsed.query);
        let s = performance.now();
        floorStmt.all(match);
        const f = performance.now() - s;
        s = performance.now();
        await searchPapers(store, text, { limit: 10, today });
        const o = performance.now() - s;
        if (pass === 1) {
          floor.push(f);
          ours.push(o);
        }
      }
    }
    ours.sort((a, b) => a - b);
    floor.sort((a, b) => a - b);
    const [o50, o99, f50, f99] = [
      percentile(ours, 50),
      percentile(ours, 99),
      percentile(floor, 50),
      percentile(floor, 99),
    ];
    console.log(
      `${name.padEnd(17)} ${String(ours.length).padStart(7)} ${o50.toFixed(2).padStart(13)} ${o99.toFixed(2).padStart(6)} ${f50.toFixed(2).padStart(11)} ${f99.toFixed(2).padStart(6)} ${(o50 / f50).toFixed(2).padStart(10)} ${(o99 / f99).toFixed(2).padStart(10)}`,
    );
  }
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`\npeak RSS: ${rssMb.toFixed(0)} MB`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
