/**
 * Archive benchmark: ingest throughput, search latency per query class against the raw full-text floor,
 * and peak RSS, on a synthetic archive of real recombined abstracts; SQLite, and PostgreSQL beside it when
 * one answers. Prints its figures; asserts nothing.
 *
 *   npm run bench                                  (100,000 papers)
 *   PAPERS=20000 BACKENDS=sqlite npm run bench
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test  (the server to create a throw-away database on)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { parseHfJson } from '../src/feed/hf-json.ts';
import { ingestPapers } from '../src/papers/ingest.ts';
import type { Paper } from '../src/papers/paper.ts';
import { searchPapers } from '../src/papers/search.ts';
import { parseSearchQuery, tokenize } from '../src/papers/search-query.ts';
import type { PaperStore } from '../src/store/port.ts';
import { PostgresStore } from '../src/store/postgres/store.ts';
import { toTsQuery } from '../src/store/postgres/tsquery.ts';
import { toFtsMatch } from '../src/store/sqlite/fts-match.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { asHfJson, rng, syntheticChunks } from './synthetic.ts';

const N = Number(process.env.PAPERS ?? 100_000);
const QUERIES_PER_CLASS = Number(process.env.QUERIES ?? 200);
const BACKENDS = (process.env.BACKENDS ?? 'sqlite,postgres').split(',');
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHUNK = 1000;

interface Backend {
  name: string;
  store: PaperStore;
  /** The raw full-text query alone, top 10 by the engine's own ranking. */
  floor(text: string): Promise<void>;
  close(): Promise<void>;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function openSqlite(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const store = SqliteStore.open(join(dir, 'bench.db'));
  const floor = store.rawDatabase.prepare(
    'SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 3.0) LIMIT 10',
  );
  return {
    name: 'SQLite',
    store,
    async floor(text) {
      const parsed = parseSearchQuery(text);
      if (parsed.ok) floor.all(toFtsMatch(parsed.query));
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Backend | null> {
  const name = `paperboy_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    console.log(`PostgreSQL skipped: ${(error as Error).message}`);
    await admin.end().catch(() => undefined);
    return null;
  }
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const store = await PostgresStore.open(url.toString());
  return {
    name: 'PostgreSQL',
    store,
    async floor(text) {
      const parsed = parseSearchQuery(text);
      if (!parsed.ok) return;
      const q = toTsQuery(parsed.query, 1);
      await store.rawPool.query(
        `SELECT rowid FROM papers WHERE search @@ ${q.sql} ORDER BY ts_rank_cd('{0.1, 0.2, 0.3, 1.0}', search, ${q.sql}, 1) DESC LIMIT 10`,
        q.params,
      );
    },
    async close() {
      await store.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Parses and upserts the synthetic archive as `paperboy ingest` would, one day-sized payload at a time. */
async function ingest(b: Backend): Promise<Paper[]> {
  const kept: Paper[] = [];
  let ms = 0;
  let stored = 0;
  let first = '';
  for (const chunk of syntheticChunks(N, CHUNK)) {
    if (kept.length < 5000) kept.push(...chunk);
    const payload = asHfJson(chunk); // generating the payload is not measured
    first ||= payload;
    const t = performance.now();
    const parsed = parseHfJson(payload);
    const r = await ingestPapers(b.store, parsed.papers, parsed.skipped);
    ms += performance.now() - t;
    stored += r.inserted + r.updated;
  }
  console.log(
    `${b.name} ingest: ${stored} papers in ${(ms / 1000).toFixed(2)} s = ${Math.round(stored / (ms / 1000))} papers/s (parse + upsert)`,
  );
  const t0 = performance.now();
  const again = await ingestPapers(b.store, parseHfJson(first).papers);
  console.log(
    `${b.name} re-ingest of ${CHUNK} known papers: ${(performance.now() - t0).toFixed(1)} ms (${again.unchanged} unchanged)`,
  );
  return kept;
}

/** Query classes by document frequency, measured on the SQLite copy of the data. */
function queryClasses(db: SqliteStore, papers: Paper[]): [string, string[]][] {
  const raw = db.rawDatabase;
  const total = (raw.prepare('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n;
  const count = raw.prepare('SELECT COUNT(*) AS n FROM papers_fts WHERE papers_fts MATCH ?');
  const df = (term: string) => (count.get(`"${term}"`) as { n: number }).n / total;
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
  // Multi-word rare queries take words that occur together, as topic searches do.
  const rareQueries = (words: number) => {
    const out: string[] = [];
    for (const p of papers) {
      const ws = [...new Set(tokenize(p.abstract))].filter((t) => rare.includes(t));
      if (ws.length >= words) out.push(ws.slice(0, words).join(' '));
      if (out.length >= QUERIES_PER_CLASS) break;
    }
    return out;
  };
  const commonQueries = (words: number) =>
    Array.from({ length: QUERIES_PER_CLASS }, () =>
      Array.from({ length: words }, () => common[Math.floor(random() * common.length)]).join(' '),
    );
  return [
    ['rare, 1 word', rare.slice(0, QUERIES_PER_CLASS)],
    ['rare, 2 words', rareQueries(2)],
    ['rare, 3 words', rareQueries(3)],
    ['common, 1 word', common.slice(0, QUERIES_PER_CLASS)],
    ['common, 2 words', commonQueries(2)],
    ['common, 3 words', commonQueries(3)],
  ];
}

async function measure(b: Backend, classes: [string, string[]][]): Promise<void> {
  console.log(
    `\n${b.name} search latency, ms (paperboy = parse + full-text + re-rank + rows; floor = the raw full-text query, top 10)`,
  );
  console.log('class             queries  paperboy p50    p99   floor p50    p99   ratio p50  ratio p99');
  for (const [name, queries] of classes) {
    const ours: number[] = [];
    const floor: number[] = [];
    for (const pass of [0, 1]) {
      for (const text of queries) {
        let s = performance.now();
        await b.floor(text);
        const f = performance.now() - s;
        s = performance.now();
        await searchPapers(b.store, text, { limit: 10, today: '2025-11-12' });
        const o = performance.now() - s;
        if (pass === 1) {
          floor.push(f);
          ours.push(o);
        }
      }
    }
    ours.sort((x, y) => x - y);
    floor.sort((x, y) => x - y);
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
}

console.log(`paperboy archive benchmark: ${N.toLocaleString('en')} papers, node ${process.version}`);
const sqlite = await openSqlite();
try {
  const papers = await ingest(sqlite);
  const classes = queryClasses(sqlite.store as SqliteStore, papers);
  await measure(sqlite, classes);
  console.log(`\npeak RSS after SQLite: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (BACKENDS.includes('postgres')) {
    const postgres = await openPostgres();
    if (postgres) {
      try {
        console.log('');
        await ingest(postgres);
        await measure(postgres, classes);
      } finally {
        await postgres.close();
      }
    }
  }
} finally {
  await sqlite.close();
}
