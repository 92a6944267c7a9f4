/**
 * Slack command latency: signed `/papers <query>` requests into Bolt's real HTTP receiver, with a 100,000
 * paper archive, answered through respond() to a local fake Slack. Prints ack and full-response latency
 * beside the search alone, and requests per second. Asserts nothing.
 *
 *   node --import tsx bench/slack.ts          PAPERS=20000 REQUESTS=300 node --import tsx bench/slack.ts
 *   ARCHIVE=/path/archive.db node --import tsx bench/slack.ts   (an archive already built, kept as it is)
 *
 * With ARCHIVE it also times the real `paperboy start` (node bin/paperboy.js, the compiled dist of
 * `npm run build`, which it needs) serving Slack over HTTP on that archive: spawn until /healthz answers, and
 * the process's RSS then; three starts, the median reported.
 *
 * Ends with a `RESULT {json}` line of its figures, which `npm run bench` reads.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
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
import { searchPapers } from '../src/papers/search.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';
import { syntheticChunks } from './synthetic.ts';

const N = Number(process.env.PAPERS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
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
];

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms`;

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
const opening = performance.now();
const store = SqliteStore.open(ARCHIVE ?? join(dir, 'archive.db'));
const api = await startFakeSlackApi({ botToken: 'xoxb-bench' });
const platform = createSlackPlatform(
  {
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    appToken: undefined,
    apiUrl: api.apiUrl,
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
  await platform.start(bot.handlersFor(platform));
  // Start-up: opening the archive and starting the receiver (timed from open only with a ready archive).
  const startupMs = performance.now() - opening;
  const sinceProcessStartMs = performance.now();
  if (ARCHIVE)
    console.log(
      `start-up: ${startupMs.toFixed(0)} ms to open the archive and start Bolt's receiver; ${sinceProcessStartMs.toFixed(0)} ms since the process started (node, compiling the sources with tsx)`,
    );
  const endpoint = `http://127.0.0.1:${platform.port}/slack/events`;
  console.log(
    `Slack /papers latency: ${archived.toLocaleString('en')} papers archived, node ${process.version}`,
  );

  let counter = 0;
  const request = async (text: string) => {
    const responseUrl = api.responseUrl();
    const body = new URLSearchParams({
      team_id: 'T0PAPERS',
      channel_id: 'C0BENCH',
      user_id: `U${String(counter).padStart(6, '0')}`,
      user_name: 'bench',
      command: '/papers',
      text,
      response_url: responseUrl,
      // Slack gives every command its own trigger id; paperboy handles each id once.
      trigger_id: `1.${counter++}.0`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const path = new URL(responseUrl).pathname;
    const t0 = performance.now();
    const responded = api.waitFor((c) => c.method === 'respond' && c.path === path, 30_000);
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
      body,
    });
    await res.text();
    const ack = performance.now() - t0;
    await responded;
    return { ack, full: performance.now() - t0 };
  };

  for (let i = 0; i < 50; i++) await request(QUERIES[i % QUERIES.length]!); // warm-up
  const acks: number[] = [];
  const fulls: number[] = [];
  const searches: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const q = QUERIES[i % QUERIES.length]!;
    const s0 = performance.now();
    await searchPapers(store, q, { limit: 5, today: '2025-11-12' });
    searches.push(performance.now() - s0);
    const r = await request(q);
    acks.push(r.ack);
    fulls.push(r.full);
  }
  console.log(`sequential, ${REQUESTS} requests over ${QUERIES.length} queries:`);
  console.log(`  ack (HTTP 200 back to Slack):        ${fmt(acks)}`);
  console.log(`  full response (respond() received):  ${fmt(fulls)}`);
  console.log(`  the search alone (same queries):     ${fmt(searches)}`);
  console.log(`  response minus search, p99:          ${(pct(fulls, 99) - pct(searches, 99)).toFixed(2)} ms`);

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await request(QUERIES[next++ % QUERIES.length]!);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `throughput, ${CONCURRENCY} concurrent clients: ${(REQUESTS / seconds).toFixed(0)} full requests/s`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  let compiled: { ms: number; rssMb: number } | null = null;
  if (ARCHIVE && !existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
    console.log('paperboy start (compiled) not measured: no dist; run `npm run build` first');
  else if (ARCHIVE) {
    const runs: { ms: number; rssMb: number }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await startCompiled(ARCHIVE, api.apiUrl));
    runs.sort((a, b) => a.ms - b.ms);
    compiled = runs[1] ?? null;
    console.log(
      `paperboy start (node bin/paperboy.js, compiled dist, Slack over HTTP): healthy ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms after spawn (median ${compiled?.ms.toFixed(0)} ms); RSS then ${compiled?.rssMb.toFixed(0)} MB`,
    );
  }
  const figures = {
    papers: archived,
    ack: { p50: pct(acks, 50), p99: pct(acks, 99) },
    full: { p50: pct(fulls, 50), p99: pct(fulls, 99) },
    search: { p50: pct(searches, 50), p99: pct(searches, 99) },
    requestsPerSecond: REQUESTS / seconds,
    startupMs: ARCHIVE ? startupMs : null,
    sinceProcessStartMs: ARCHIVE ? sinceProcessStartMs : null,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    startupDistMs: compiled?.ms ?? null,
    startupDistRssMb: compiled?.rssMb ?? null,
  };
  console.log(`RESULT ${JSON.stringify(figures)}`);
} finally {
  await platform.stop();
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
