/**
 * Slack command latency: signed `/papers <query>` requests into Bolt's real HTTP receiver, with a 100,000
 * paper archive, answered through respond() to a local fake Slack. Prints ack and full-response latency
 * beside the search alone, and requests per second. Asserts nothing.
 *
 *   node --import tsx bench/slack.ts          PAPERS=20000 REQUESTS=300 node --import tsx bench/slack.ts
 *   ARCHIVE=/path/archive.db node --import tsx bench/slack.ts   (an archive already built, kept as it is)
 *
 * Ends with a `RESULT {json}` line of its figures, which `npm run bench` reads.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
  const figures = {
    papers: archived,
    ack: { p50: pct(acks, 50), p99: pct(acks, 99) },
    full: { p50: pct(fulls, 50), p99: pct(fulls, 99) },
    search: { p50: pct(searches, 50), p99: pct(searches, 99) },
    requestsPerSecond: REQUESTS / seconds,
    startupMs: ARCHIVE ? startupMs : null,
    sinceProcessStartMs: ARCHIVE ? sinceProcessStartMs : null,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(`RESULT ${JSON.stringify(figures)}`);
} finally {
  await platform.stop();
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
