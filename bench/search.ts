/**
 * Archive benchmark at scale, SQLite: builds a synthetic archive of real recombined abstracts (fixed seed)
 * with `paperboy ingest <dir>` (the compiled CLI, built first) in its own process, then prints the
 * import's time, peak RSS and database size; the daily incremental ingest; search latency per query class
 * for paperboy beside the exact FTS5 floor (`MATCH … ORDER BY bm25 LIMIT 10` alone; paperboy's search
 * runs that exact ranking for its candidates, then re-ranks them and reads their rows); the full Slack
 * path and the serving process's RSS and start-up, under tsx and as deployed from the compiled dist
 * (bench/slack.ts on the same archive).
 * Writes bench/results/search-scale-<papers>.json and redraws bench/results/search-scale.svg from every
 * size measured so far (with PostgreSQL from bench/results/postgres-scale.json when present). Asserts nothing.
 *
 *   npm run bench -- --papers 1000000         (default 100,000; --queries N per class, default 100)
 *   npm run bench -- --papers 300000 --keep   (keeps the archive and generated files under bench/.data)
 *   npm run bench -- --papers 300000 --reuse  (searches a kept archive again; its import figures are reused)
 *   npm run bench -- --papers 300000 --db /path/archive.db  (searches that archive, a copy you can spare:
 *                                           the benchmark adds papers and impact lists to it)
 *
 * Impact lists (src/store/sqlite/impact-lists.ts) are built on the archive and timed, with the database's
 * growth; the daily ingest is measured before and after. Per class, besides latency: recall@10 of the
 * store's ranking against FTS5's exact top 10, and the share of queries answered without FTS5 (certified
 * from the lists or ranked from the word columns), both for each query as the search runs it (its
 * abbreviations expanded). Then the archive's commonest abbreviations, each form as typed (the search asks
 * for both: `llm` runs as `llm OR "large language models"`), beside FTS5 ranking the expanded query.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseHfJson } from '../src/feed/hf-json.ts';
import { MIN_DEFINING_PAPERS } from '../src/papers/expand-abbreviations.ts';
import { ingestPapers } from '../src/papers/ingest.ts';
import type { Paper } from '../src/papers/paper.ts';
import { expandQuery, searchPapers } from '../src/papers/search.ts';
import { parseSearchQuery } from '../src/papers/search-query.ts';
import { toFtsMatch } from '../src/store/sqlite/fts-match.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { generateArchive } from './generate.ts';
import { percentile } from './percentile.ts';
import { queryClasses } from './query-classes.ts';
import { drawScaleChart } from './scale-chart.ts';
import { asHfJson, rng, syntheticChunks } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    papers: { type: 'string' },
    queries: { type: 'string' },
    keep: { type: 'boolean' },
    reuse: { type: 'boolean' },
    db: { type: 'string' },
    'skip-slack': { type: 'boolean' },
    'keep-lists': { type: 'boolean' },
  },
});
const N = Number(values.papers ?? process.env.PAPERS ?? 100_000);
const QUERIES = Number(values.queries ?? process.env.QUERIES ?? 100);
const TODAY = '2026-01-15';
const here = new URL('.', import.meta.url).pathname;
const data = join(here, '.data');
const results = join(here, 'results');
const filesDir = join(data, `synthetic-${N}`);
const dbPath = values.db ?? join(data, `archive-${N}.db`);

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

console.log(`paperboy archive benchmark: ${N.toLocaleString('en')} papers, node ${process.version}`);
mkdirSync(data, { recursive: true });
mkdirSync(results, { recursive: true });

// The compiled CLI, built from these sources first (not timed): the import and the start as deployed
// (step 4) run it, and a dist older than the sources may refuse an archive they migrated.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(here, '..'), stdio: 'inherit' });

const importFile = join(data, `import-${N}.json`);
let importFigures: {
  seconds: number;
  peakRssMb: number;
  databaseMb: number;
  /** CPU seconds of every thread of the import, user and system: on two cores, wall time is at least half. */
  cpuSeconds?: { user: number; system: number };
} | null;
if (values.db) {
  importFigures = existsSync(importFile) ? JSON.parse(readFileSync(importFile, 'utf8')) : null;
  console.log(
    `searching ${dbPath}; import figures ${importFigures ? 'from the last import' : 'not measured'}`,
  );
} else if (values.reuse && existsSync(dbPath) && existsSync(importFile)) {
  importFigures = JSON.parse(readFileSync(importFile, 'utf8'));
  console.log(`reusing ${dbPath}; its import: ${JSON.stringify(importFigures)}`);
} else {
  importFigures = await buildArchive();
  writeFileSync(importFile, JSON.stringify(importFigures));
}

async function buildArchive() {
  // 1. The archive as files of a thousand papers each (generated once, not measured).
  if (!existsSync(join(filesDir, '.complete'))) {
    rmSync(filesDir, { recursive: true, force: true });
    const t = performance.now();
    const files = generateArchive(filesDir, N, 1000);
    writeFileSync(join(filesDir, '.complete'), String(files.length));
    console.log(
      `generated ${files.length} files in ${((performance.now() - t) / 1000).toFixed(1)} s (not measured)`,
    );
  }

  // 2. The import of the whole directory, in its own process as a person would run it: `npx paperboy
  // ingest`, the compiled CLI (built above). Under tsx the same import held 20-30 MB more at its peak (the
  // loader's own thread in the process and in the counting thread).
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
  const importStart = performance.now();
  const child = spawn(process.execPath, [join(here, 'paperboy-compiled.mjs'), 'ingest', filesDir], {
    env: { ...process.env, DATABASE_URL: `sqlite:${dbPath}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let childErr = '';
  let childOut = '';
  child.stdout.on('data', (d) => {
    childOut += d;
  });
  child.stderr.on('data', (d) => {
    childErr += d;
    process.stderr.write(d);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const importSeconds = (performance.now() - importStart) / 1000;
  if (code !== 0) throw new Error(`the import failed (${code}): ${childOut}${childErr}`);
  const importRssMb = Number(/peak-rss-kb (\d+)/.exec(childErr)?.[1] ?? Number.NaN) / 1024;
  const cpu = /cpu-s ([\d.]+) ([\d.]+)/.exec(childErr);
  const cpuSeconds = { user: Number(cpu?.[1] ?? Number.NaN), system: Number(cpu?.[2] ?? Number.NaN) };
  const dbBytes = statSync(dbPath).size + (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
  console.log(`\nimport: ${childOut.trim()}`);
  console.log(
    `import of ${N.toLocaleString('en')} papers (paperboy ingest <dir>, compiled): ${importSeconds.toFixed(1)} s (${Math.round(N / importSeconds).toLocaleString('en')} papers/s, node start-up included), CPU ${cpuSeconds.user.toFixed(1)} s user + ${cpuSeconds.system.toFixed(1)} s system (every thread), peak RSS ${importRssMb.toFixed(0)} MB, database ${(dbBytes / 2 ** 20).toFixed(0)} MB`,
  );
  return { seconds: importSeconds, peakRssMb: importRssMb, databaseMb: dbBytes / 2 ** 20, cpuSeconds };
}

const store = SqliteStore.open(dbPath);
const raw = store.rawDatabase;

// 3. The daily incremental ingest on the full archive: a day of new papers, then the same day again; once
// before the impact lists are built and once (another day) after, so their upkeep shows.
let month = 2601;
const dailyIngest = async (seed: number) => {
  const day = [...syntheticChunks(1000, 1000, seed)][0] ?? [];
  // Ids no run has used yet on this archive (a reused archive holds the last run's days).
  while (raw.prepare('SELECT 1 FROM papers WHERE id = ?').get(`${month}.90000`)) month++;
  const dayPapers = day.map((p, i) => ({
    ...p,
    id: `${month}.9${String(i).padStart(4, '0')}`,
    arxivId: `${month}.9${String(i).padStart(4, '0')}`,
  }));
  let t0 = performance.now();
  const added = await ingestPapers(store, parseHfJson(asHfJson(dayPapers)).papers);
  const newMs = performance.now() - t0;
  t0 = performance.now();
  const again = await ingestPapers(store, parseHfJson(asHfJson(dayPapers)).papers);
  const knownMs = performance.now() - t0;
  return { newMs, knownMs, inserted: added.inserted, unchanged: again.unchanged };
};
const dbMb = () => {
  raw.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(dbPath).size / 2 ** 20;
};
type Daily = Awaited<ReturnType<typeof dailyIngest>>;
let dailyBefore: Daily | null = null;
let dailyAfter: Daily | null = null;
let lists: {
  buildSeconds: number;
  terms: number;
  pairs: number;
  entries: number;
  listsMb: number;
  columns: number;
  columnPostings: number;
  columnsMb: number;
  databaseMbBefore: number;
  databaseMbAfter: number;
} | null = null;
// --keep-lists: search an archive whose lists a previous run built (no build, no daily ingests).
if (values['keep-lists'] && raw.prepare('SELECT 1 FROM impact_state WHERE synced IS NOT NULL').get()) {
  console.log('impact lists kept from a previous run; daily ingests not measured');
} else {
  raw.exec('DELETE FROM impact_state');
  dailyBefore = await dailyIngest(9001);
  console.log(
    `daily ingest on the archive, no impact lists: 1,000 new papers ${dailyBefore.newMs.toFixed(0)} ms (${dailyBefore.inserted} new), the same 1,000 again ${dailyBefore.knownMs.toFixed(0)} ms (${dailyBefore.unchanged} unchanged)`,
  );
  const mbBefore = dbMb();
  const t0 = performance.now();
  const built = await store.refreshSearchLists();
  const buildSeconds = (performance.now() - t0) / 1000;
  const listed = raw.prepare('SELECT COUNT(*) AS terms, SUM(size) AS entries FROM impact_terms').get() as {
    terms: number;
    entries: number;
  };
  // Two-word phrases listed (their term holds a space), and the pages the lists and forward rows take.
  const pairs = (
    raw.prepare("SELECT COUNT(*) AS n FROM impact_terms WHERE term LIKE '% %'").get() as { n: number }
  ).n;
  const mbOf = (tables: string[]) =>
    ((
      raw
        .prepare(
          `SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema
           WHERE tbl_name IN (SELECT value FROM json_each(?)))`,
        )
        .get(JSON.stringify(tables)) as { bytes: number | null }
    ).bytes ?? 0) /
    2 ** 20;
  const listsMb = mbOf(['impact_postings', 'impact_blocks', 'impact_docs', 'impact_terms']);
  const columnsMb = mbOf(['impact_columns', 'impact_column_changes', 'impact_lengths']);
  const columns = (
    raw.prepare('SELECT COUNT(DISTINCT term_id) AS n FROM impact_columns').get() as { n: number }
  ).n;
  lists = {
    buildSeconds,
    terms: built.terms,
    pairs,
    entries: built.entries,
    listsMb,
    columns,
    columnPostings: built.columnPostings,
    columnsMb,
    databaseMbBefore: mbBefore,
    databaseMbAfter: dbMb(),
  };
  console.log(
    `impact lists: ${lists.terms} terms (${pairs} of them two-word phrases), ${lists.entries.toLocaleString('en')} entries, built in ${buildSeconds.toFixed(1)} s; lists and forward rows ${listsMb.toFixed(0)} MB; word columns: ${columns} words, ${built.columnPostings.toLocaleString('en')} postings, ${columnsMb.toFixed(0)} MB; database ${mbBefore.toFixed(0)} MB -> ${lists.databaseMbAfter.toFixed(0)} MB`,
  );
  dailyAfter = await dailyIngest(9002);
  console.log(
    `daily ingest with impact lists: 1,000 new papers ${dailyAfter.newMs.toFixed(0)} ms (${dailyAfter.inserted} new), the same 1,000 again ${dailyAfter.knownMs.toFixed(0)} ms; lists now ${listed.terms} terms`,
  );
}
const dailyNewMs = dailyAfter?.newMs ?? null;
const dailyKnownMs = dailyAfter?.knownMs ?? null;

// 4. Team votes: a few hundred papers shared with votes (the ranking reads them).
const random = rng(5);
const total = await store.countPapers();
for (let i = 0; i < Math.min(500, Math.floor(total / 200)); i++) {
  const row = raw.prepare('SELECT id FROM papers WHERE rowid = ?').get(1 + Math.floor(random() * total)) as
    | { id: string }
    | undefined;
  if (!row) continue;
  const message = `slack:C0BENCH:${i}`;
  await store.recordPost({
    message,
    channel: 'slack:C0BENCH',
    paperId: row.id,
    kind: 'share',
    postedBy: 'slack:U0',
    postedAt: `${TODAY}T09:00:00Z`,
  });
  for (let v = 0; v < 1 + Math.floor(random() ** 2 * 8); v++)
    await store.addReaction({ message, user: `slack:U${v}`, emoji: '+1', at: `${TODAY}T10:00:00Z` });
}

// 5. Query classes by document frequency (bench/query-classes.ts, shared with the PostgreSQL benchmark),
// from a sample of the archive's papers.
const samplePapers = raw
  .prepare('SELECT title, abstract FROM papers WHERE rowid % 331 = 0 LIMIT 3000')
  .all() as Paper[];
const classes = queryClasses(samplePapers, QUERIES);
console.log(
  `query classes from ${samplePapers.length} sampled papers: ${classes.map(([n, q]) => `${n} ${q.length}`).join(', ')}`,
);

// As a serving process does before it takes a command (startBot): what the first search would otherwise
// read for itself (the papers' lengths for the word columns, and the largest column).
const preparing = performance.now();
await store.prepareForSearch();
const prepareForSearchMs = performance.now() - preparing;
console.log(
  `read ahead for searches (prepareForSearch, as at start-up): ${prepareForSearchMs.toFixed(1)} ms`,
);

// 6. Latency per class.
const floorStmt = raw.prepare(
  'SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 3.0, 3.0, 3.0, 10.0) LIMIT 10',
);
const floor = (text: string) => {
  const parsed = parseSearchQuery(text);
  if (parsed.ok) floorStmt.all(toFtsMatch(parsed.query));
};
const ids = async (s: SqliteStore, text: string) => {
  const r = await searchPapers(s, text, { limit: 10, today: TODAY });
  return r.ok ? r.results.map((x) => x.paper.id) : [];
};
// The query as the search runs it: with the archive's abbreviations expanded (searchPapers does the same).
const expandedQuery = async (text: string) => {
  const parsed = parseSearchQuery(text);
  return parsed.ok ? (await expandQuery(store, parsed.query)).query : null;
};
// Recall@10 of the store's ranking against FTS5's exact top 10: a paper counts when it is in that top 10
// or scores the same as its 10th (a tie FTS5 could have ordered either way).
const recallAndPath = async (text: string) => {
  const query = await expandedQuery(text);
  if (!query) return null;
  const ours = store.rank(query, 10);
  const path = store.lastSearchPath;
  const exact = store.exactRank(query, 10);
  if (exact.length === 0) return { recall: 1, path };
  const tenth = (exact.at(-1) as { relevance: number }).relevance;
  const top = new Set(exact.map((h) => h.rowid));
  const hits = ours.filter(
    (h) => top.has(h.rowid) || Math.abs(h.relevance - tenth) <= 1e-9 * Math.max(1, tenth),
  ).length;
  return { recall: Math.min(1, hits / exact.length), path };
};
console.log(
  `\nsearch latency, ms (paperboy = parse + FTS5's exact candidates + re-rank + rows; floor = FTS5's exact top 10 alone)`,
);
console.log(
  'class             queries  paperboy p50    p99   floor p50    p99   p99 ratio  recall@10    no FTS5',
);
const classFigures: Record<
  string,
  {
    p50: number;
    p99: number;
    /** The slowest query's time: p99 is the 99th of 100 by nearest rank (percentile.ts). */
    max: number;
    floorP50: number;
    floorP99: number;
    queries: number;
    recallAt10: number;
    certified: number;
    fallbacks: Record<string, number>;
    /** The class's slowest queries, slowest first: what its p99 is made of, for the next thing to fix. */
    slowest: { query: string; ms: number; floorMs: number; path: string }[];
  }
> = {};
for (const [name, queries] of classes) {
  const ours: number[] = [];
  const floors: number[] = [];
  // How each timed search ranked: it asks for more than 10 (the re-ranking's candidates), which can take
  // another path than the top 10 compared for recall below.
  const timedPaths: string[] = [];
  for (const text of queries.slice(0, 5)) {
    floor(text); // warm the page cache as a running server's would be
    await ids(store, text);
  }
  for (const text of queries) {
    let s = performance.now();
    floor(text);
    floors.push(performance.now() - s);
    s = performance.now();
    await ids(store, text);
    ours.push(performance.now() - s);
    timedPaths.push(store.lastSearchPath);
  }
  let recall = 0;
  let certified = 0;
  const fallbacks: Record<string, number> = {};
  for (const text of queries) {
    const r = await recallAndPath(text);
    if (!r) continue;
    recall += r.recall;
    // Answered without FTS5's ranking: certified from the lists, or ranked from the word columns (with one
    // word's FTS5 doclist for 'doclist'), all exact.
    if (r.path === 'certified' || r.path === 'columns' || r.path === 'doclist') certified++;
    else fallbacks[r.path] = (fallbacks[r.path] ?? 0) + 1;
  }
  const f = {
    recallAt10: recall / Math.max(1, queries.length),
    certified: certified / Math.max(1, queries.length),
    fallbacks,
    queries: queries.length,
    p50: percentile(ours, 50),
    p99: percentile(ours, 99),
    max: Math.max(...ours),
    floorP50: percentile(floors, 50),
    floorP99: percentile(floors, 99),
    slowest: queries
      .map((query, i) => ({
        query,
        ms: ours[i] as number,
        floorMs: floors[i] as number,
        path: timedPaths[i] ?? 'not parsed',
      }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3),
  };
  classFigures[name] = f;
  console.log(
    `${name.padEnd(17)} ${String(f.queries).padStart(7)} ${ms(f.p50).padStart(13)} ${ms(f.p99).padStart(6)} ${ms(f.floorP50).padStart(11)} ${ms(f.floorP99).padStart(6)} ${(f.floorP99 / f.p99).toFixed(1).padStart(9)}x ${f.recallAt10.toFixed(3).padStart(10)} ${(f.certified * 100).toFixed(0).padStart(9)}%  ${JSON.stringify(fallbacks)}`,
  );
  if (f.slowest.length > 0)
    console.log(
      `  slowest: ${f.slowest.map((q) => `${JSON.stringify(q.query)} ${ms(q.ms)} (floor ${ms(q.floorMs)}, ${q.path})`).join('; ')}`,
    );
}
// 6b. The archive's commonest abbreviations, each form as typed: the search also asks for the other form
// (`llm` runs as `llm OR "large language models"`), so its floor here is FTS5 ranking that expanded query.
// Kept apart from the classes above (and from the chart), as the PostgreSQL benchmark has no such class.
const defined = raw
  .prepare(
    `SELECT short, MIN(long) AS long FROM abbreviation_counts WHERE papers >= ? GROUP BY short
     ORDER BY SUM(papers) DESC LIMIT ?`,
  )
  .all(MIN_DEFINING_PAPERS, Math.ceil(QUERIES / 2)) as { short: string; long: string }[];
const typed = defined.flatMap((a) => [a.short, a.long]);
const expandedFloor = async (text: string) => {
  const query = await expandedQuery(text);
  if (query) floorStmt.all(toFtsMatch(query));
};
let abbreviationFigures = null;
if (typed.length > 0) {
  const ours: number[] = [];
  const floors: number[] = [];
  const paths: Record<string, number> = {};
  for (const text of typed.slice(0, 5)) {
    await expandedFloor(text);
    await ids(store, text);
  }
  for (const text of typed) {
    let s = performance.now();
    await expandedFloor(text);
    floors.push(performance.now() - s);
    s = performance.now();
    await ids(store, text);
    ours.push(performance.now() - s);
    const r = await recallAndPath(text);
    if (r) paths[r.path] = (paths[r.path] ?? 0) + 1;
  }
  abbreviationFigures = {
    queries: typed.length,
    p50: percentile(ours, 50),
    p99: percentile(ours, 99),
    floorP50: percentile(floors, 50),
    floorP99: percentile(floors, 99),
    paths,
  };
  console.log(
    `abbreviations, both forms as typed (${typed.length} queries, e.g. ${typed.slice(0, 4).join(', ')}): paperboy p50 ${ms(abbreviationFigures.p50)} p99 ${ms(abbreviationFigures.p99)}; floor (FTS5, the expanded query) p50 ${ms(abbreviationFigures.floorP50)} p99 ${ms(abbreviationFigures.floorP99)}; paths ${JSON.stringify(paths)}`,
  );
}
await store.close();

// 7. The full Slack path and the serving process, on the same archive, in their own process.
const slack = values['skip-slack'] ? null : slackFigures();
function slackFigures() {
  const slackOut = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'slack.ts')], {
    env: { ...process.env, ARCHIVE: dbPath, REQUESTS: process.env.REQUESTS ?? '300' },
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  const slack = JSON.parse(/RESULT (.*)/.exec(slackOut)?.[1] ?? '{}') as {
    full: { p50: number; p99: number };
    search: { p50: number; p99: number };
    startupMs: number;
    sinceProcessStartMs: number;
    peakRssMb: number;
    requestsPerSecond: number;
    startupDistMs: number | null;
    startupDistRssMb: number | null;
  };
  console.log(
    `\nSlack /papers, signed request to response: p50 ${ms(slack.full.p50)} ms, p99 ${ms(slack.full.p99)} ms (the search alone p99 ${ms(slack.search.p99)} ms); ${slack.requestsPerSecond.toFixed(0)} requests/s with 8 clients`,
  );
  console.log(
    `serving process (bot + Bolt receiver + archive): peak RSS ${slack.peakRssMb.toFixed(0)} MB; start-up ${slack.startupMs.toFixed(0)} ms (open + receiver), ${slack.sinceProcessStartMs.toFixed(0)} ms since process start (tsx)`,
  );
  if (slack.startupDistMs !== null)
    console.log(
      `paperboy start as deployed (node bin/paperboy.js, compiled dist): /healthz answers ${slack.startupDistMs.toFixed(0)} ms after spawn, RSS then ${slack.startupDistRssMb?.toFixed(0)} MB`,
    );

  return slack;
}

const figures = {
  papers: N,
  // Files without it were measured with the approximate title tier, since withdrawn; the chart leaves
  // their paperboy figures out and keeps their exact floor. 'exact' covers the certified impact lists.
  search: 'exact',
  measuredAt: new Date().toISOString(),
  node: process.version,
  import: importFigures,
  daily: { newMs: dailyNewMs, knownMs: dailyKnownMs, withoutLists: dailyBefore, withLists: dailyAfter },
  lists,
  prepareForSearchMs,
  classes: classFigures,
  abbreviations: abbreviationFigures,
  slack,
};
writeFileSync(join(results, `search-scale-${N}.json`), `${JSON.stringify(figures, null, 2)}\n`);
console.log(`\n${drawScaleChart(results)}`);
if (!values.keep) {
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
}
