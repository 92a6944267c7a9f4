/**
 * Slack command latency: signed `/papers <query>` requests into Bolt's real HTTP receiver, with a 100,000
 * paper archive, answered through respond() to a fake Slack. Slack's side (the fake Web API and the client
 * sending the requests, bench/slack-client.ts) runs in a process of its own, as Slack runs elsewhere: its
 * timings never wait on the bot's event loop. Prints ack and full-response latency beside the search alone,
 * the path's own cost beyond the archive's ranked full-text query (each request's full time less the time
 * its `store.search` calls took), and requests per second. Asserts nothing.
 *
 *   node --import tsx bench/slack.ts          PAPERS=20000 REQUESTS=300 node --import tsx bench/slack.ts
 *   ARCHIVE=/path/archive.db node --import tsx bench/slack.ts   (an archive already built, kept as it is)
 *   CLASSES=30 ARCHIVE=… node --import tsx bench/slack.ts  (also 30 requests of each query class of
 *                                                            bench/query-classes.ts, rare words included)
 *
 * With ARCHIVE it also times the real `paperboy start` (node bin/paperboy.js, the compiled dist of
 * `npm run build`, which it needs) serving Slack over HTTP on that archive: spawn until /healthz answers, and
 * the process's RSS then; three starts, the median reported.
 *
 * Ends with a `RESULT {json}` line of its figures, which `npm run bench` reads.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSlackPlatform } from '../adapters/slack/platform.ts';
import { Bot } from '../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../src/chat/emoji.ts';
import { ArxivClient } from '../src/feed/arxiv-client.ts';
import { HfClient } from '../src/feed/hf-client.ts';
import { ingestPapers } from '../src/papers/ingest.ts';
import type { Paper } from '../src/papers/paper.ts';
import { searchPapers } from '../src/papers/search.ts';
import type { PaperStore } from '../src/store/port.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { peakRssMb } from './peak-rss.ts';
import { percentile } from './percentile.ts';
import { queryClasses } from './query-classes.ts';
import type { ClientAnswer, ClientRequest } from './slack-client.ts';
import { syntheticChunks } from './synthetic.ts';

const N = Number(process.env.PAPERS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const CLASSES = Number(process.env.CLASSES ?? 0);
const SECRET = 'bench-signing-secret';
const QUERIES = [
  'unlearning',
  'diffusion models',
  'quantization',
  'reinforcement learning',
  'contrastive loss',
  'video generation',
  'hallucination',
  'red teaming',
  'llm',
];

const fmt = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(2)} ms, p99 ${percentile(xs, 99).toFixed(2)} ms`;
type Pcts = { p50: number; p99: number };
const pcts = (xs: number[]): Pcts => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });

const root = join(new URL('.', import.meta.url).pathname, '..');

/** A port free right now, for a process that must be told its port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `node bin/paperboy.js start` on `archive`, serving Slack over HTTP against `apiUrl`, as deployed: ms from
 * spawn until GET /healthz answers 200, and the process's RSS then (from /proc). Stops it with SIGTERM.
 */
async function startCompiled(archive: string, apiUrl: string): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin', 'paperboy.js'), 'start'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: `sqlite:${archive}`,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      // Nothing to fetch: the feeds point at a closed port, so the scheduler's first ingest fails at once.
      HF_API_URL: 'http://127.0.0.1:9',
      ARXIV_API_URL: 'http://127.0.0.1:9/api/query',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`paperboy start exited (${exitCode}): ${stderr}`);
      if (performance.now() - t0 > 60_000) throw new Error(`paperboy start not healthy in 60 s: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ms = performance.now() - t0;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const ARCHIVE = process.env.ARCHIVE;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-slack-'));

// Slack's side, in its own process: the fake Web API and the requests' client.
const client = fork(join(root, 'bench', 'slack-client.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const answers: ((a: ClientAnswer) => void)[] = [];
client.on('message', (a: ClientAnswer) => answers.shift()?.(a));
const ask = <T extends ClientAnswer>(m: ClientRequest | null): Promise<T> =>
  new Promise((resolve) => {
    answers.push((a) => resolve(a as T));
    if (m) client.send(m);
  });
const { apiUrl } = await ask<{ apiUrl: string }>(null);

const opening = performance.now();
const sqlite = SqliteStore.open(ARCHIVE ?? join(dir, 'archive.db'));
/**
 * Time and this process's CPU time spent in the store's ranked full-text query (`search`) since last
 * reset: the part of a request that is not the path's own.
 */
let inSearch = 0;
let inSearchCpu = 0;
/** This process's CPU time (user and system) since `since`, in ms. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const store = new Proxy(sqlite, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver);
    if (key !== 'search' || typeof value !== 'function') return value;
    return async (...args: Parameters<PaperStore['search']>) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      try {
        return await value.apply(target, args);
      } finally {
        inSearch += performance.now() - t0;
        inSearchCpu += cpuMs(c0);
      }
    };
  },
}) as SqliteStore;
const platform = createSlackPlatform(
  {
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    appToken: undefined,
    apiUrl,
    admins: [],
    teamId: undefined,
  },
  { port: 0, host: '127.0.0.1', postIntervalMs: 0 },
);
try {
  if (!ARCHIVE) for (const chunk of syntheticChunks(N, 1000)) await ingestPapers(store, chunk);
  const archived = await store.countPapers();
  const bot = new Bot({
    store,
    hf: new HfClient({ baseUrl: 'http://127.0.0.1:9', retries: 0 }),
    arxiv: new ArxivClient({ baseUrl: 'http://127.0.0.1:9/api/query', retries: 0 }),
    upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
  });
  // As startBot does: what the first search would read, read before the receiver takes a command.
  await store.prepareForSearch();
  await platform.start(bot.handlersFor(platform));
  // Start-up: opening the archive and starting the receiver (timed from open only with a ready archive).
  const startupMs = performance.now() - opening;
  const sinceProcessStartMs = performance.now();
  if (ARCHIVE)
    console.log(
      `start-up: ${startupMs.toFixed(0)} ms to open the archive and start Bolt's receiver; ${sinceProcessStartMs.toFixed(0)} ms since the process started (node, compiling the sources with tsx)`,
    );
  client.send({ endpoint: `http://127.0.0.1:${platform.port}/slack/events`, signingSecret: SECRET });
  console.log(
    `Slack /papers latency: ${archived.toLocaleString('en')} papers archived, node ${process.version}`,
  );

  /**
   * One request: its ack and full times, the path's own part of the full time, and the CPU time the bot's
   * process spent on the request beyond store.search (which other processes on the machine do not inflate
   * as they inflate wall times).
   */
  const request = async (text: string) => {
    inSearch = 0;
    inSearchCpu = 0;
    const answer = ask<{ ack: number; full: number }>({ request: text });
    // From after the request is handed to Slack's side: writing it to the pipe is the bench's own cost.
    const c0 = process.cpuUsage();
    const r = await answer;
    return { ...r, own: r.full - inSearch, ownCpu: cpuMs(c0) - inSearchCpu };
  };
  /** Sequential requests of `queries`, each after the same query's search alone. */
  const sequential = async (queries: readonly string[], requests: number) => {
    const acks: number[] = [];
    const fulls: number[] = [];
    const owns: number[] = [];
    const ownCpus: number[] = [];
    const searches: number[] = [];
    for (let i = 0; i < requests; i++) {
      const q = queries[i % queries.length] ?? '';
      const s0 = performance.now();
      await searchPapers(sqlite, q, { limit: 5, today: '2025-11-12' });
      searches.push(performance.now() - s0);
      const r = await request(q);
      acks.push(r.ack);
      fulls.push(r.full);
      owns.push(r.own);
      ownCpus.push(r.ownCpu);
    }
    return { acks, fulls, owns, ownCpus, searches };
  };

  for (let i = 0; i < 50; i++) await request(QUERIES[i % QUERIES.length]!); // warm-up
  const { acks, fulls, owns, ownCpus, searches } = await sequential(QUERIES, REQUESTS);
  console.log(`sequential, ${REQUESTS} requests over ${QUERIES.length} queries:`);
  console.log(`  ack (HTTP 200 back to Slack):        ${fmt(acks)}`);
  console.log(`  full response (respond() received):  ${fmt(fulls)}`);
  console.log(`  the search alone (same queries):     ${fmt(searches)}`);
  console.log(`  full less its store.search time:     ${fmt(owns)}`);
  console.log(`  the bot's CPU beyond store.search:   ${fmt(ownCpus)}`);
  console.log(
    `  response minus search, p99:          ${(percentile(fulls, 99) - percentile(searches, 99)).toFixed(2)} ms`,
  );

  const classes: Record<string, { queries: number; full: Pcts; search: Pcts; own: Pcts; ownCpu: Pcts }> = {};
  if (CLASSES > 0) {
    const sample = sqlite.rawDatabase
      .prepare('SELECT title, abstract FROM papers WHERE rowid % 331 = 0 LIMIT 3000')
      .all() as Paper[];
    console.log(`per query class, ${CLASSES} queries each, one request per query:`);
    for (const [name, queries] of queryClasses(sample, CLASSES)) {
      if (queries.length === 0) continue;
      const r = await sequential(queries, queries.length);
      classes[name] = {
        queries: queries.length,
        full: pcts(r.fulls),
        search: pcts(r.searches),
        own: pcts(r.owns),
        ownCpu: pcts(r.ownCpus),
      };
      console.log(
        `  ${name.padEnd(16)} full ${fmt(r.fulls)}; search alone ${fmt(r.searches)}; full less store.search ${fmt(r.owns)}; CPU beyond it ${fmt(r.ownCpus)}`,
      );
    }
  }

  const { seconds } = await ask<{ seconds: number }>({
    burst: { queries: QUERIES, requests: REQUESTS, concurrency: CONCURRENCY },
  });
  console.log(
    `throughput, ${CONCURRENCY} concurrent clients: ${(REQUESTS / seconds).toFixed(0)} full requests/s`,
  );
  console.log(`peak RSS: ${peakRssMb().toFixed(0)} MB`);
  let compiled: { ms: number; rssMb: number } | null = null;
  if (ARCHIVE && !existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
    console.log('paperboy start (compiled) not measured: no dist; run `npm run build` first');
  else if (ARCHIVE) {
    const runs: { ms: number; rssMb: number }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await startCompiled(ARCHIVE, apiUrl));
    runs.sort((a, b) => a.ms - b.ms);
    compiled = runs[1] ?? null;
    console.log(
      `paperboy start (node bin/paperboy.js, compiled dist, Slack over HTTP): healthy ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms after spawn (median ${compiled?.ms.toFixed(0)} ms); RSS then ${compiled?.rssMb.toFixed(0)} MB`,
    );
  }
  const figures = {
    papers: archived,
    ack: pcts(acks),
    full: pcts(fulls),
    search: pcts(searches),
    own: pcts(owns),
    ownCpu: pcts(ownCpus),
    ...(CLASSES > 0 ? { classes } : {}),
    requestsPerSecond: REQUESTS / seconds,
    startupMs: ARCHIVE ? startupMs : null,
    sinceProcessStartMs: ARCHIVE ? sinceProcessStartMs : null,
    peakRssMb: peakRssMb(),
    startupDistMs: compiled?.ms ?? null,
    startupDistRssMb: compiled?.rssMb ?? null,
  };
  console.log(`RESULT ${JSON.stringify(figures)}`);
} finally {
  await platform.stop();
  client.send({ stop: true });
  await new Promise((resolve) => client.once('exit', resolve));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
