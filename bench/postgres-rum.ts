/**
 * The RUM index (the `rum` extension, Debian package postgresql-15-rum) measured as a way to rank searches
 * of several common words, on the archive `npm run bench:pg` builds. RUM keeps positions and weight labels in
 * its posting lists, so `ORDER BY search <=> query LIMIT n` orders matches by a cover-density score inside the
 * index; but it scores every match to do so (its scan sorts them all), and its score is not ts_rank_cd (fixed
 * weights 1.0 / 0.4 / 0.2 / 0.1, no length normalisation, each repeated cover counted less: 1/n²).
 *
 * For each query class, only the queries of two or more lexemes (a one-word query is answered exactly from
 * its word's list and never needs RUM): the exact ranking's latency (`@@ … ORDER BY ts_rank_cd … LIMIT 10`,
 * every match scored), RUM's own order (`ORDER BY <=> LIMIT 10`), and RUM's best N re-ranked by ts_rank_cd
 * for each N of --candidates, with recall@10 against the exact ranking. Then the index's build time and
 * size, and a day's insert (1,000 papers, rolled back) with and without it. Writes
 * bench/results/postgres-rum.json; asserts nothing. Needs the extension on the server; builds the index if
 * missing and drops it at the end (--keep-index keeps it), so the archive is left as the store builds it.
 *
 *   npm run bench:pg -- --papers 1000000 --load-only   (the archive, once)
 *   node --import tsx bench/postgres-rum.ts [--db paperboy_pgbench_scale] [--queries 12] [--candidates 200,1000,3000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseSearchQuery } from '../src/papers/search-query.ts';
import { RANK_WEIGHTS } from '../src/store/postgres/term-lists.ts';
import { toTsQuery } from '../src/store/postgres/tsquery.ts';
import { percentile } from './percentile.ts';
import { queryClasses } from './query-classes.ts';
import { syntheticChunks } from './synthetic.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'paperboy_pgbench_scale' },
    queries: { type: 'string', default: '12' },
    candidates: { type: 'string', default: '200,1000,3000' },
    'keep-index': { type: 'boolean', default: false },
  },
});
if (!/^paperboy_pgbench_\w+$/.test(args.db)) throw new Error('--db must be named paperboy_pgbench_…');
const PER_CLASS = Number(args.queries);
const NS = args.candidates.split(',').map(Number);
if (!(PER_CLASS > 0) || NS.some((n) => !(Number.isInteger(n) && n > 0)))
  throw new Error('--queries takes a positive number, --candidates whole numbers (comma-separated)');
const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
url.pathname = `/${args.db}`;
const INDEX = 'papers_search_rum';
const K = 10;

const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
await db.query('SET statement_timeout = 0');
const rounded = (xs: number[], p: number) => Math.round(percentile(xs, p) * 10) / 10;
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const s = performance.now();
  const out = await work();
  return [out, performance.now() - s];
};

const papers = Number((await db.query('SELECT COUNT(*) AS n FROM papers')).rows[0].n);
console.log(`RUM on ${args.db}: ${papers.toLocaleString('en')} papers, ${PER_CLASS} queries a class`);
await db.query('CREATE EXTENSION IF NOT EXISTS rum');
let buildSeconds: number | null = null;
if ((await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [INDEX])).rowCount === 0) {
  await db.query("SET maintenance_work_mem = '1GB'");
  const [, took] = await timed(() =>
    db.query(`CREATE INDEX ${INDEX} ON papers USING rum (search rum_tsvector_ops)`),
  );
  buildSeconds = Math.round(took / 100) / 10;
  await db.query('ANALYZE papers');
}
const sizes = (
  await db.query<{ name: string; mb: number }>(
    `SELECT relname AS name, round(pg_relation_size(oid) / 1048576.0) AS mb FROM pg_class
     WHERE relname IN ('papers', 'papers_search', $1)`,
    [INDEX],
  )
).rows;
console.log(
  `index: ${buildSeconds === null ? 'already built' : `built in ${buildSeconds} s`}; ` +
    sizes.map((r) => `${r.name} ${r.mb} MB`).join(', '),
);

interface Figures {
  queries: number;
  exactP50: number;
  exactP99: number;
  rumP50: number;
  rumP99: number;
  rumRecall: number;
  candidates: Record<string, { p50: number; p99: number; recall: number }>;
}
const out: Record<string, Figures> = {};
const sample = [...syntheticChunks(20_000, 20_000)].flat();
console.log(
  'class            queries  exact p50    p99   RUM order p50    p99 recall  ' +
    NS.map((n) => `top ${n} re-ranked p50 p99 recall`).join('  '),
);
for (const [name, queries] of queryClasses(sample, PER_CLASS)) {
  const exactMs: number[] = [];
  const rumMs: number[] = [];
  let rumRecall = 0;
  const nMs = new Map<number, number[]>(NS.map((n) => [n, []]));
  const nRecall = new Map<number, number>(NS.map((n) => [n, 0]));
  let used = 0;
  for (const text of queries) {
    const parsed = parseSearchQuery(text);
    if (!parsed.ok) continue;
    const words = await db.query<{ n: number }>(
      "SELECT coalesce(array_length(tsvector_to_array(to_tsvector('paperboy_en', $1)), 1), 0) AS n",
      [parsed.query.must.flat().join(' ')],
    );
    if ((words.rows[0]?.n ?? 0) < 2) continue;
    used++;
    const q = toTsQuery(parsed.query, 1);
    const rank = (search: string) => `ts_rank_cd(${RANK_WEIGHTS}, ${search}, ${q.sql}, 1)`;
    const ids = (r: pg.QueryResult) => r.rows.map((row) => String(row.rowid));
    const recall = (got: string[], want: string[]) =>
      want.length === 0 ? 1 : got.filter((id) => want.includes(id)).length / want.length;
    const [exact, e] = await timed(() =>
      db.query(
        `SELECT rowid FROM papers WHERE search @@ (${q.sql}) ORDER BY ${rank('search')} DESC, rowid LIMIT ${K}`,
        q.params,
      ),
    );
    exactMs.push(e);
    const want = ids(exact);
    const [rum, r] = await timed(() =>
      db.query(
        `SELECT rowid FROM papers WHERE search @@ (${q.sql}) ORDER BY search <=> (${q.sql}) LIMIT ${K}`,
        q.params,
      ),
    );
    rumMs.push(r);
    rumRecall += recall(ids(rum), want);
    for (const n of NS) {
      const [got, t] = await timed(() =>
        db.query(
          `WITH c AS (SELECT rowid FROM papers WHERE search @@ (${q.sql}) ORDER BY search <=> (${q.sql}) LIMIT ${n})
           SELECT p.rowid FROM c JOIN papers p ON p.rowid = c.rowid
           ORDER BY ${rank('p.search')} DESC, p.rowid LIMIT ${K}`,
          q.params,
        ),
      );
      nMs.get(n)?.push(t);
      nRecall.set(n, (nRecall.get(n) ?? 0) + recall(ids(got), want));
    }
  }
  if (used === 0) continue;
  const f: Figures = {
    queries: used,
    exactP50: rounded(exactMs, 50),
    exactP99: rounded(exactMs, 99),
    rumP50: rounded(rumMs, 50),
    rumP99: rounded(rumMs, 99),
    rumRecall: Math.round((rumRecall / used) * 1000) / 1000,
    candidates: Object.fromEntries(
      NS.map((n) => [
        String(n),
        {
          p50: rounded(nMs.get(n) ?? [], 50),
          p99: rounded(nMs.get(n) ?? [], 99),
          recall: Math.round(((nRecall.get(n) ?? 0) / used) * 1000) / 1000,
        },
      ]),
    ),
  };
  out[name] = f;
  console.log(
    `${name.padEnd(16)} ${String(used).padStart(7)} ${String(f.exactP50).padStart(10)} ${String(f.exactP99).padStart(6)} ` +
      `${String(f.rumP50).padStart(15)} ${String(f.rumP99).padStart(6)} ${f.rumRecall.toFixed(3).padStart(6)}  ` +
      NS.map((n) => {
        const c = f.candidates[String(n)];
        return `${String(c?.p50).padStart(18)} ${String(c?.p99).padStart(4)} ${c?.recall.toFixed(3).padStart(6)}`;
      }).join('  '),
  );
}

// A day's insert, with and without the index: each in a transaction rolled back (the index is dropped inside
// it for "without"), so the archive is unchanged.
const day = ([...syntheticChunks(1000, 1000, 9001)][0] ?? []).map((p, i) => ({
  id: `2699.9${String(i).padStart(4, '0')}`,
  title_key: p.title.toLowerCase(),
  title: p.title,
  abstract: p.abstract,
  authors: JSON.stringify(p.authors),
  published_at: p.publishedAt,
  feed_date: p.feedDate,
}));
const insert = `INSERT INTO papers (id, arxiv_id, title_key, title, abstract, authors, published_at, feed_date,
    first_seen_at, updated_at)
  SELECT id, id, title_key, title, abstract, authors, published_at, feed_date, $2, $2
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, title_key text, title text, abstract text, authors text,
    published_at text, feed_date text)`;
const ingest: Record<'with' | 'without', number[]> = { with: [], without: [] };
for (let round = 0; round < 3; round++) {
  for (const kind of ['with', 'without'] as const) {
    await db.query('BEGIN');
    if (kind === 'without') await db.query(`DROP INDEX ${INDEX}`);
    const [, t] = await timed(() => db.query(insert, [JSON.stringify(day), '2026-12-02']));
    await db.query('ROLLBACK');
    ingest[kind].push(Math.round(t));
  }
}
console.log(
  `insert of 1,000 papers (rolled back; 3 rounds): with the RUM index ${ingest.with.join(', ')} ms, without ${ingest.without.join(', ')} ms`,
);

if (!args['keep-index']) await db.query(`DROP INDEX ${INDEX}`);
await db.end();
const file = new URL('./results/postgres-rum.json', import.meta.url);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ papers, buildSeconds, sizesMb: Object.fromEntries(sizes.map((r) => [r.name, Number(r.mb)])), insertMs: ingest, classes: out }, null, 2)}\n`,
);
