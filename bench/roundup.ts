/**
 * Roundups for many channels due at the same minute, posted by the real scheduler through the real Slack
 * adapter (with its one-message-a-second pacing per channel) to a local fake Slack that also answers a
 * burst of 429s. Prints the time to build and hand every post to Slack, the 429s waited out, and peak RSS.
 *
 *   node --import tsx bench/roundup.ts        CHANNELS=200 node --import tsx bench/roundup.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSlackPlatform } from '../adapters/slack/platform.ts';
import { HfClient } from '../src/feed/hf-client.ts';
import { parseHfJson } from '../src/feed/hf-json.ts';
import { createLogger } from '../src/log.ts';
import { ingestPapers } from '../src/papers/ingest.ts';
import { defaultSettings } from '../src/roundup/roundup.ts';
import { Scheduler } from '../src/roundup/scheduler.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';
import { peakRssMb } from './peak-rss.ts';

const CHANNELS = Number(process.env.CHANNELS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const RATE_LIMITED = Number(process.env.RATE_LIMITED ?? 20);

const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-roundup-'));
const store = SqliteStore.open(join(dir, 'archive.db'));
const api = await startFakeSlackApi({ botToken: 'xoxb-bench' });
const logger = createLogger('error');
const platform = createSlackPlatform(
  {
    botToken: 'xoxb-bench',
    signingSecret: 's',
    appToken: undefined,
    apiUrl: api.apiUrl,
    admins: [],
    teamId: undefined,
  },
  { port: 0, host: '127.0.0.1', logger },
);
try {
  const feed = readFileSync(
    new URL('../test/fixtures/hf-daily-papers-2024-10-25.json', import.meta.url),
    'utf8',
  );
  await ingestPapers(store, parseHfJson(feed, { feedDate: '2024-10-25' }).papers);
  for (let i = 0; i < CHANNELS; i++) {
    await store.saveChannelSettings({
      ...defaultSettings(`slack:C${String(i).padStart(6, '0')}`, { time: '09:00', timezone: 'UTC' }),
    });
  }
  await platform.start({
    onCommand: async () => ({ visibility: 'ephemeral' }),
    onShare: async () => ({ visibility: 'ephemeral' }),
    onReaction: async () => {},
    onReactionsCleared: async () => {},
    onSuggest: async () => [],
    onLinks: async () => [],
    onThreadReply: async () => {},
  });
  // A burst of rate-limit answers at the start, as Slack gives a workspace that posts too fast.
  api.script(
    'chat.postMessage',
    Array.from({ length: RATE_LIMITED }, () => ({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    })),
  );

  const scheduler = new Scheduler({
    store,
    hf: new HfClient({ baseUrl: 'http://127.0.0.1:9', retries: 0 }),
    platforms: new Map([['slack', platform]]),
    defaults: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 6 * 3_600_000 },
    logger,
    now: () => new Date('2024-10-25T09:00:00Z'),
    concurrency: CONCURRENCY,
  });
  console.log(
    `roundups: ${CHANNELS} Slack channels due at 09:00 UTC, ${CONCURRENCY} side by side, ${RATE_LIMITED} × 429 injected`,
  );
  const t0 = performance.now();
  const results = await scheduler.tick();
  const seconds = (performance.now() - t0) / 1000;
  const posts = api.calls.filter((c) => c.method === 'chat.postMessage');
  const limited = posts.filter((c) => c.status === 429).length;
  const delivered = posts.length - limited;
  const outcomes = new Map<string, number>();
  for (const r of results) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
  // Pacing check: the closest two accepted posts into one channel.
  const byChannel = new Map<string, number[]>();
  for (const c of posts.filter((p) => p.status === 200))
    byChannel.set(String(c.body.channel), [...(byChannel.get(String(c.body.channel)) ?? []), c.at]);
  let minGap = Number.POSITIVE_INFINITY;
  for (const times of byChannel.values())
    for (let i = 1; i < times.length; i++) minGap = Math.min(minGap, times[i]! - times[i - 1]!);
  console.log(
    `all posts handed to Slack in ${seconds.toFixed(1)} s: ${delivered} messages (${(delivered / seconds).toFixed(1)}/s), outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
  );
  console.log(
    `429 answers waited out and retried: ${limited}; closest two posts into one channel: ${minGap} ms apart`,
  );
  console.log(`peak RSS: ${peakRssMb().toFixed(0)} MB`);
} finally {
  await platform.stop();
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
