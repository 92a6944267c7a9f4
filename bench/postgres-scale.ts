/**
 * PostgreSQL search at scale: builds a synthetic archive once in a kept database (growing it size by size),
 * then for each query class prints paperboy's search latency (the default store: per-word lists for common
 * words) beside the exact floor (`@@ … ORDER BY ts_rank_cd … LIMIT 10`, every match scored), and recall@10
 * of paperboy's top ten against the same search ranked exactly (every match scored before re-ranking).
 * Writes bench/results/postgres-scale.json. Prints figures; asserts nothing.
 *
 *   npm run bench:pg -- --papers 100000,300000,1000000 [--queries 50] [--db paperboy_pgbench_scale] [--drop]
 *   npm run bench:pg -- --papers 1000000 --load-only   (builds the archive and stops)
 *   npm run bench:pg -- --papers 1000000 --classes '^common|phrase'   (only the classes this pattern finds;
 *     the others already in the results file are kept)
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test  (the server; the database is created on it)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CANDIDATES, expandQuery, searchPapers } from '../src/papers/search.ts';
import { parseSearchQuery } from '../src/papers/search-query.ts';
import { PostgresStore } from '../src/store/postgres/store.ts';
import { RANK_WEIGHTS, resetTermLists } from '../src/store/postgres/term-lists.ts';
import { toTsQuery } from '../src/store/postgres/tsquery.ts';
import { percentile } from './percentile.ts';
import { type QueryClass, queryClasses } from './query-classes.ts';
import { PG_SEARCH_PATH } from './scale-chart.ts';
import { syntheticChunks } from './synthetic.ts';

const { values: args } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '50' },
    db: { type: 'string', default: 'paperboy_pgbench_scale' },
    drop: { type: 'boolean', default: false },
    'load-only': { type: 'boolean', default: false },
    classes: { type: 'string' },
  },
});
const SIZES = args.papers
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const PER_CLASS = Number(args.queries);
const DB = args.db;
if (!/^paperboy_pgbench_\w+$/.test(DB)) throw new Error('--db must be named paperboy_pgbench_…');
if (SIZES.some((n) => !(Number.isInteger(n) && n > 0)) || !(PER_CLASS > 0))
  throw new Error('--papers takes whole numbers (comma-separated), --queries a positive number');
const ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHUNK = 5000;
const TODAY = '2025-11-12';
const RESULTS = new URL('./results/postgres-scale.json', import.meta.url);

const ms = (n: number) => Math.round(n * 100) / 100;

interface ClassFigures {
  p50: number;
  p99: number;
  floorP50: number;
  floorP99: number;
  recall: number;
  /** Share of the queries as searched (with abbreviations' other forms, as many candidates as a search reads) answered from a list. */
  fromLists?: number;
}

const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB]);
if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DB}`);
const url = new URL(ADMIN);
url.pathname = `/${DB}`;
const fast = await PostgresStore.open(url.toString(), { statementTimeoutMs: 120_000 });
const exact = await PostgresStore.open(url.toString(), {
  statementTimeoutMs: 120_000,
  search: { exactLimit: Number.POSITIVE_INFINITY },
});
const raw = fast.rawPool;

/** Grows the archive to `n` papers: the generator's first `n`, loaded in bulk without the GIN index. */
async function grow(n: number): Promise<void> {
  const have = await fast.countPapers();
  if (have > n) throw new Error(`${DB} holds ${have} papers, more than ${n}: use --drop or another --db`);
  if (have === n) {
    console.log(`archive: ${n.toLocaleString('en')} papers already in ${DB}`);
    return;
  }
  if (have % CHUNK !== 0) throw new Error(`${DB} holds ${have} papers, not a whole number of batches`);
  const t0 = performance.now();
  // The words' lists are rebuilt at first use (timed as such) rather than kept up to date through the load.
  await resetTermLists(raw);
  await raw.query('DROP INDEX IF EXISTS papers_search');
  let seen = 0;
  for (const chunk of syntheticChunks(n, CHUNK)) {
    seen += chunk.length;
    if (seen <= have) continue;
    await fast.bulkInsert(chunk);
    if (seen % 100_000 === 0) console.log(`  loaded ${seen.toLocaleString('en')}`);
  }
  const loaded = performance.now();
  const c = await raw.connect();
  try {
    await c.query("SET maintenance_work_mem = '1GB'");
    await c.query('SET statement_timeout = 0');
    await c.query('CREATE INDEX papers_search ON papers USING GIN (search)');
    await c.query('VACUUM ANALYZE papers');
  } finally {
    c.release();
  }
  const done = performance.now();
  console.log(
    `archive: ${(n - have).toLocaleString('en')} papers loaded in ${((loaded - t0) / 1000).toFixed(1)} s, ` +
      `GIN index and VACUUM ANALYZE ${((done - loaded) / 1000).toFixed(1)} s`,
  );
}

/** The exact floor: the raw full-text query, every match scored, top 10. */
async function floor(text: string): Promise<void> {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) return;
  const q = toTsQuery(parsed.query, 1);
  await raw.query(
    `SELECT rowid FROM papers WHERE search @@ (${q.sql}) ORDER BY ts_rank_cd(${RANK_WEIGHTS}, search, ${q.sql}, 1) DESC LIMIT 10`,
    q.params,
  );
}

async function top10(store: PostgresStore, text: string): Promise<string[]> {
  const r = await searchPapers(store, text, { limit: 10, today: TODAY });
  return r.ok ? r.results.map((x) => x.paper.id) : [];
}

async function measure(papers: number, classes: QueryClass[]): Promise<Record<string, ClassFigures>> {
  console.log(
    `\n${papers.toLocaleString('en')} papers: search latency in ms, recall@10 against exact ranking`,
  );
  console.log(
    'class             queries  paperboy p50    p99   floor p50    p99  recall@10  first use max  lists (as searched)',
  );
  const out: Record<string, ClassFigures> = {};
  for (const [name, queries] of classes) {
    if (args.classes && !new RegExp(args.classes).test(name)) continue;
    const ours: number[] = [];
    const floors: number[] = [];
    let recall = 0;
    let firstUse = 0;
    let fromLists = 0;
    // First pass, not timed as steady state: builds the words' lists (timed as first use), and the exact
    // ranking for recall, which also warms the cache for the floor.
    const truth = new Map<string, string[]>();
    for (const text of queries) {
      const s = performance.now();
      await top10(fast, text);
      firstUse = Math.max(firstUse, performance.now() - s);
      truth.set(text, await top10(exact, text));
      // The query as searched: with its abbreviations' other forms, as many candidates as a search reads.
      const parsed = parseSearchQuery(text);
      if (!parsed.ok) continue;
      const { query } = await expandQuery(fast, parsed.query);
      if ((await fast.searchWay(query, CANDIDATES)) === 'lists') fromLists++;
    }
    for (const text of queries) {
      let s = performance.now();
      await floor(text);
      floors.push(performance.now() - s);
      s = performance.now();
      const got = await top10(fast, text);
      ours.push(performance.now() - s);
      const want = truth.get(text) ?? [];
      recall += want.length === 0 ? 1 : got.filter((id) => want.includes(id)).length / want.length;
    }
    ours.sort((x, y) => x - y);
    floors.sort((x, y) => x - y);
    const f: ClassFigures = {
      p50: ms(percentile(ours, 50)),
      p99: ms(percentile(ours, 99)),
      floorP50: ms(percentile(floors, 50)),
      floorP99: ms(percentile(floors, 99)),
      recall: Math.round((recall / queries.length) * 1000) / 1000,
      fromLists: Math.round((fromLists / queries.length) * 100) / 100,
    };
    out[name] = f;
    save(papers, { [name]: f }); // after every class: a long run stopped half-way keeps what it measured
    console.log(
      `${name.padEnd(17)} ${String(queries.length).padStart(7)} ${f.p50.toFixed(2).padStart(13)} ${f.p99.toFixed(2).padStart(6)} ${f.floorP50.toFixed(2).padStart(11)} ${f.floorP99.toFixed(2).padStart(6)} ${f.recall.toFixed(3).padStart(10)} ${firstUse.toFixed(0).padStart(14)} ${`${Math.round((f.fromLists ?? 0) * 100)}%`.padStart(16)}`,
    );
  }
  return out;
}

/** How the store searched when these figures were measured (scale-chart.ts); other paths' are replaced. */
const SEARCH_PATH = PG_SEARCH_PATH;

function save(papers: number, classes: Record<string, ClassFigures>): void {
  const file = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as {
        sizes: { papers: number; search?: string; classes: Record<string, ClassFigures> }[];
      })
    : { sizes: [] };
  const old = file.sizes.find((s) => s.papers === papers);
  const before = old?.search === SEARCH_PATH ? old.classes : {};
  const sizes = [
    ...file.sizes.filter((s) => s.papers !== papers),
    { papers, search: SEARCH_PATH, classes: { ...before, ...classes } },
  ].sort((a, b) => a.papers - b.papers);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ sizes }, null, 2)}\n`);
}

console.log(
  `paperboy PostgreSQL scale benchmark: ${SIZES.map((n) => n.toLocaleString('en')).join(', ')} papers, ${PER_CLASS} queries a class, node ${process.version}`,
);
try {
  // The classes come from a sample of the archive's first papers: the same queries at every size.
  const sample = [...syntheticChunks(20_000, 20_000)].flat();
  const classes = queryClasses(sample, PER_CLASS);
  for (const n of SIZES) {
    await grow(n);
    if (!args['load-only']) await measure(n, classes);
  }
} finally {
  await fast.close();
  await exact.close();
  if (args.drop) await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
}
