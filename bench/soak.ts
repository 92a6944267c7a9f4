/**
 * Bounded soak: the real Bot behind the real Slack adapter (Bolt's HTTP receiver on loopback), a SQLite
 * archive of 20,000 papers, and the real Scheduler ingesting from a fake Hugging Face, driven open-loop at a
 * steady mix of signed slash commands and reaction events for SOAK_SECONDS (default 600). Every 10 s it
 * records throughput, p50/p99 latency, errors, RSS and heap; at the end it prints the table, the RSS trend
 * over the last 80% of the run, a check that the store's vote tallies match the reactions sent, and draws
 * two SVG charts. All traffic stays on 127.0.0.1; every loop is bounded in count and time.
 *
 *   node --import tsx bench/soak.ts                 SOAK_SECONDS=30 node --import tsx bench/soak.ts
 *
 * Full runs (>= 600 s) draw the charts into bench/results/, shorter ones into bench/out/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSlackPlatform } from '../adapters/slack/platform.ts';
import { Bot } from '../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../src/chat/emoji.ts';
import { ArxivClient } from '../src/feed/arxiv-client.ts';
import { HfClient } from '../src/feed/hf-client.ts';
import { createLogger } from '../src/log.ts';
import { ingestPapers } from '../src/papers/ingest.ts';
import { Scheduler } from '../src/roundup/scheduler.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { startFakeHf } from '../test/fakes/hf-server.ts';
import { FAKE_TEAM_ID, startFakeSlackApi } from '../test/fakes/slack-api.ts';
import { peakRssMb } from './peak-rss.ts';
import { percentile } from './percentile.ts';
import { COMMAND_MIX, type CommandKind, pickKind, searchTexts } from './soak/mix.ts';
import { latencyChart, memoryChart, type Row, tableHeader, tableLine } from './soak/report.ts';
import { SignedSlackClient } from './soak/slack-client.ts';
import { linearFit } from './soak/stats.ts';
import { type Choice, VoteLedger } from './soak/votes.ts';
import { rng, syntheticChunks } from './synthetic.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const COMMANDS_PER_S = 20;
const REACTIONS_PER_S = 30;
const INGEST_EVERY_S = 30;
const PAPERS = 20_000;
const WINDOW_S = 10;
/** Requests of one kind allowed in flight; beyond it a request due is shed and counted, not queued. */
const MAX_IN_FLIGHT = 64;
const CHANNELS = Array.from({ length: 8 }, (_, i) => `C0SOAK${i}`);
const COMMAND_USERS = 200;
const VOTERS = 64;
const SECRET = 'soak-signing-secret';
/** The fake Hugging Face serves its fixture day 2024-10-25; ingestion asks for the three days up to this. */
const FEED_NOW = new Date('2024-10-27T12:00:00Z');

const MB = 1024 * 1024;
const out = new URL('./out/', import.meta.url);
const chartDir = SECONDS >= 600 ? new URL('./results/', import.meta.url) : out;
mkdirSync(out, { recursive: true });
mkdirSync(chartDir, { recursive: true });

/** Warnings and errors the bot logs, counted (and the first few kept) instead of printed. */
const logged = { warn: 0, error: 0, samples: [] as string[] };
const logger = createLogger('warn', {
  write(line: string) {
    const level = (JSON.parse(line) as { level: number }).level;
    if (level >= 50) logged.error++;
    else logged.warn++;
    if (logged.samples.length < 5) logged.samples.push(line.trim().slice(0, 300));
  },
});

const dir = mkdtempSync(join(tmpdir(), 'paperboy-soak-'));
const store = SqliteStore.open(join(dir, 'archive.db'));
const api = await startFakeSlackApi({ botToken: 'xoxb-soak' });
const hfFake = await startFakeHf({ today: FEED_NOW.toISOString().slice(0, 10) });
const hf = new HfClient({ baseUrl: hfFake.url, retries: 0, logger });
const platform = createSlackPlatform(
  {
    botToken: 'xoxb-soak',
    signingSecret: SECRET,
    appToken: undefined,
    apiUrl: api.apiUrl,
    admins: [],
    teamId: undefined,
  },
  { port: 0, host: '127.0.0.1', logger },
);
const scheduler = new Scheduler({
  store,
  hf,
  platforms: new Map([['slack', platform]]),
  defaults: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 3_600_000 },
  logger,
  now: () => FEED_NOW,
});

interface Window {
  commands: number[];
  reactions: number[];
  errors: number;
  shed: number;
}
const fresh = (): Window => ({ commands: [], reactions: [], errors: 0, shed: 0 });

const random = rng(7);
const nextSearch = searchTexts(rng(11));
const ledger = new VoteLedger(VOTERS);
const byKind = new Map<CommandKind, number[]>(COMMAND_MIX.map((m) => [m.kind, []]));
const errorSamples: string[] = [];
const ingestions: { ms: number; ok: boolean }[] = [];
const memory: [number, number, number][] = []; // [seconds, rss MB, heap MB]
const rows: Row[] = [];
let win = fresh();
let shares = 0;
let commandCount = 0;

const noteError = (what: string) => {
  win.errors++;
  if (errorSamples.length < 10) errorSamples.push(what);
};

try {
  for (const chunk of syntheticChunks(PAPERS, 1000)) await ingestPapers(store, chunk);
  const bot = new Bot({
    store,
    hf,
    arxiv: new ArxivClient({ baseUrl: hfFake.arxivUrl, retries: 0, logger }),
    upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
    logger,
  });
  await platform.start(bot.handlersFor(platform));
  const client = new SignedSlackClient(`http://127.0.0.1:${platform.port}/slack/events`, SECRET);

  /** Sends one command and waits for its respond() call; returns its latency in ms, or null on failure. */
  const command = async (kind: CommandKind): Promise<number | null> => {
    const n = commandCount++;
    const channel = CHANNELS[n % CHANNELS.length]!;
    let text: string;
    if (kind === 'search') text = `search ${nextSearch()}`;
    else if (kind === 'top') text = random() < 0.8 ? 'top week' : 'top all';
    else if (kind === 'share') {
      // A different paper each time (a stride coprime to the archive size), so every post is its own tally.
      const k = (shares++ * 7919) % PAPERS;
      text = `share 2300.${String(k).padStart(5, '0')} worth a read`;
    } else text = kind;
    const responseUrl = api.responseUrl();
    const path = new URL(responseUrl).pathname;
    const t0 = performance.now();
    const responded = api.waitFor((c) => c.method === 'respond' && c.path === path, 30_000);
    responded.catch(() => undefined); // awaited below; a failed ack leaves it to time out unobserved
    try {
      const status = await client.command({
        team: FAKE_TEAM_ID,
        channel,
        user: `U0CMD${n % COMMAND_USERS}`,
        text,
        responseUrl,
      });
      if (status !== 200) throw new Error(`HTTP ${status}`);
      const call = await responded;
      const ms = performance.now() - t0;
      const reply = String(call.body.text ?? '');
      if (/went wrong|could not|^Sorry/i.test(reply) || (kind === 'share' && !reply.startsWith('Shared'))) {
        throw new Error(`reply: ${reply.slice(0, 120)}`);
      }
      return ms;
    } catch (error) {
      noteError(`${text}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  };

  /** Sends one reaction event and records it in the ledger; returns the ack latency in ms, or null. */
  const reaction = async (choice: Choice): Promise<number | null> => {
    const { target } = choice;
    const t0 = performance.now();
    let acked = false;
    try {
      const status = await client.reaction({
        team: FAKE_TEAM_ID,
        added: choice.added,
        user: `U0VOTE${choice.voter}`,
        emoji: choice.emoji,
        channel: target.channel,
        ts: target.ts,
      });
      acked = status === 200;
      if (!acked) throw new Error(`HTTP ${status}`);
      return performance.now() - t0;
    } catch (error) {
      noteError(`reaction: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    } finally {
      ledger.settle(choice, acked);
      // Bolt acks an event before its listener runs: the pair stays busy a moment so events never overtake.
      setTimeout(() => {
        target.busy[choice.voter] = 0;
      }, 100);
    }
  };

  /** Messages the bot posted, matched to their papers through the store once recorded. */
  const pending: { channel: string; ts: string; tries: number }[] = [];
  const collectPosts = async () => {
    pending.push(...api.messages.splice(0).map((m) => ({ channel: m.channel, ts: m.ts, tries: 0 })));
    for (const m of pending.splice(0)) {
      const post = await store.getPost(`slack:${m.channel}:${m.ts}`);
      if (post?.paperId) ledger.track(m.channel, m.ts, post.paperId);
      else if (m.tries < 20) pending.push({ ...m, tries: m.tries + 1 });
    }
  };

  // Shares to react on before the clock starts, one per channel (posts are paced per channel).
  for (let i = 0; i < CHANNELS.length * 2; i++) await command('share');
  await collectPosts();
  if (ledger.targets.length === 0) throw new Error('The seeding shares posted nothing; see the errors above');
  errorSamples.length = 0;
  win = fresh();
  // Building the archive leaves ~100 MB of garbage: collect it once before the clock starts, so the memory
  // chart starts from the working set of the running bot rather than from the set-up.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();

  const inFlight = { commands: 0, reactions: 0 };
  const running = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    running.add(p);
    void p.finally(() => running.delete(p));
  };
  const launchCommand = () => {
    if (inFlight.commands >= MAX_IN_FLIGHT) return void win.shed++;
    const kind = pickKind(random);
    inFlight.commands++;
    track(
      command(kind).then((ms) => {
        inFlight.commands--;
        if (ms === null) return;
        win.commands.push(ms);
        byKind.get(kind)?.push(ms);
      }),
    );
  };
  const launchReaction = () => {
    const choice = inFlight.reactions < MAX_IN_FLIGHT ? ledger.next(random) : null;
    if (!choice) return void win.shed++;
    inFlight.reactions++;
    track(
      reaction(choice).then((ms) => {
        inFlight.reactions--;
        if (ms !== null) win.reactions.push(ms);
      }),
    );
  };
  const ingest = async () => {
    const t0 = performance.now();
    await scheduler.ingest();
    ingestions.push({ ms: performance.now() - t0, ok: scheduler.lastIngestion?.ok === true });
  };

  console.log(
    `Soak: ${SECONDS} s, ${COMMANDS_PER_S} slash commands/s (${COMMAND_MIX.map((m) => `${m.share * 100}% ${m.kind}`).join(', ')}), ${REACTIONS_PER_S} reaction events/s, ingestion every ${INGEST_EVERY_S} s; ${PAPERS.toLocaleString('en')} papers; node ${process.version}`,
  );
  console.log(tableHeader);

  const closeWindow = () => {
    const m = process.memoryUsage();
    const span = Math.min(nextWindow, SECONDS) - (rows.at(-1)?.t ?? 0);
    const row: Row = {
      t: Math.min(nextWindow, SECONDS),
      commands: win.commands.length,
      reactions: win.reactions.length,
      commandsPerS: win.commands.length / span,
      reactionsPerS: win.reactions.length / span,
      cmdP50: percentile(win.commands, 50),
      cmdP99: percentile(win.commands, 99),
      ackP50: percentile(win.reactions, 50),
      ackP99: percentile(win.reactions, 99),
      errors: win.errors,
      shed: win.shed,
      rssMB: m.rss / MB,
      heapMB: m.heapUsed / MB,
    };
    rows.push(row);
    console.log(tableLine(row));
    win = fresh();
    nextWindow += WINDOW_S;
  };

  const start = performance.now();
  const m0 = process.memoryUsage();
  memory.push([0, m0.rss / MB, m0.heapUsed / MB]);
  const totalCommands = Math.floor(SECONDS * COMMANDS_PER_S);
  const totalReactions = Math.floor(SECONDS * REACTIONS_PER_S);
  let commandsIssued = 0;
  let reactionsIssued = 0;
  let nextIngest = 0;
  let nextSecond = 1;
  let nextWindow = WINDOW_S;
  // The clock loop: at most SECONDS / 5 ms iterations, each issuing what is due by now (open loop).
  for (let elapsed = 0; elapsed < SECONDS; elapsed = (performance.now() - start) / 1000) {
    const dueCommands = Math.min(totalCommands, Math.floor(elapsed * COMMANDS_PER_S));
    for (; commandsIssued < dueCommands; commandsIssued++) launchCommand();
    const dueReactions = Math.min(totalReactions, Math.floor(elapsed * REACTIONS_PER_S));
    for (; reactionsIssued < dueReactions; reactionsIssued++) launchReaction();
    if (elapsed >= nextIngest) {
      nextIngest += INGEST_EVERY_S;
      track(ingest());
    }
    if (elapsed >= nextSecond) {
      nextSecond++;
      // The fake records every call it receives; the soak drops them so RSS measures the bot, not the log.
      api.calls.length = 0;
      hfFake.requests.length = 0;
      await collectPosts();
      const m = process.memoryUsage();
      memory.push([elapsed, m.rss / MB, m.heapUsed / MB]);
    }
    if (elapsed >= nextWindow) closeWindow();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  closeWindow();
  // Drain: every request is bounded by a 30 s timeout, so this ends.
  await Promise.all(running);
  const tail = win;
  await scheduler.stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await collectPosts();

  console.log(
    `drain: ${tail.commands.length} commands and ${tail.reactions.length} reactions completed after the clock, ${tail.errors} errors`,
  );
  const sum = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);
  const completed = sum((r) => r.commands) + tail.commands.length;
  const acked = sum((r) => r.reactions) + tail.reactions.length;
  console.log(
    `\ntotals: ${commandsIssued} commands due, ${completed} answered; ${reactionsIssued} reactions due, ${acked} acked; errors ${sum((r) => r.errors) + tail.errors}; shed ${sum((r) => r.shed)}`,
  );
  for (const [kind, xs] of byKind) {
    console.log(
      `  ${kind.padEnd(7)} ${String(xs.length).padStart(6)} answered, p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`,
    );
  }
  const ingestMs = ingestions.map((i) => i.ms);
  console.log(
    `  ingest  ${ingestions.length} runs (${ingestions.filter((i) => i.ok).length} ok), p50 ${percentile(ingestMs, 50).toFixed(1)} ms, max ${Math.max(...ingestMs).toFixed(1)} ms`,
  );
  console.log(`  bot log: ${logged.warn} warnings, ${logged.error} errors`);
  for (const s of logged.samples) console.log(`    ${s}`);
  for (const s of errorSamples) console.log(`  error: ${s}`);

  // Memory: a least-squares line through the per-second samples of the last 80% of the run.
  const steady = memory.filter(([t]) => t >= SECONDS * 0.2);
  const rssFit = linearFit(steady.map(([t, rss]) => [t / 60, rss]));
  const heapFit = linearFit(steady.map(([t, , heap]) => [t / 60, heap]));
  // Under 1 MB/min counts as no growth trend only when the 95% interval also reaches zero; a smaller slope
  // that is still clearly above zero is reported as what it is.
  const within = Math.abs(rssFit.slope) < 1;
  const reachesZero = Math.abs(rssFit.slope) <= 2 * rssFit.slopeStdErr;
  const trend = !within ? 'a growth trend' : reachesZero ? 'no growth trend' : 'a small, measurable rise';
  const verdict =
    within && reachesZero
      ? 'no growth trend: the slope is within noise (< 1 MB/min, and its 95% interval includes zero)'
      : within
        ? `below the 1 MB/min threshold, but not zero: RSS rises ${rssFit.slope.toFixed(2)} MB/min and the 95% interval excludes zero (the JS heap: ${heapFit.slope.toFixed(2)} MB/min)`
        : `RSS ${rssFit.slope > 0 ? 'grows' : 'shrinks'} by ${Math.abs(rssFit.slope).toFixed(2)} MB/min over the steady part: a trend, not noise (the JS heap: ${heapFit.slope.toFixed(2)} MB/min)`;
  console.log(
    `\nRSS slope over the last 80% (${steady.length} samples): ${rssFit.slope.toFixed(3)} MB/min (±${(2 * rssFit.slopeStdErr).toFixed(3)}, 95%), r² ${rssFit.r2.toFixed(2)}; heap used ${heapFit.slope.toFixed(3)} MB/min (±${(2 * heapFit.slopeStdErr).toFixed(3)})`,
  );
  // The heap grows until a major collection drops it, so the lowest RSS of each minute is a second view
  // that the sawtooth does not sway.
  const floors = new Map<number, number>();
  for (const [t, rss] of steady) {
    const minute = Math.floor(t / 60);
    floors.set(minute, Math.min(floors.get(minute) ?? rss, rss));
  }
  const floorFit = linearFit([...floors].map(([minute, rss]) => [minute, rss]));
  console.log(
    `RSS floor (lowest sample of each minute, ${floors.size} minutes): ${floorFit.slope.toFixed(3)} MB/min (±${(2 * floorFit.slopeStdErr).toFixed(3)})`,
  );
  console.log(`verdict: ${verdict}`);
  const first = steady[0];
  const last = steady.at(-1);
  if (first && last) {
    console.log(
      `RSS ${first[1].toFixed(1)} → ${last[1].toFixed(1)} MB, heap ${first[2].toFixed(1)} → ${last[2].toFixed(1)} MB (steady part); peak RSS ${peakRssMb().toFixed(0)} MB`,
    );
  }

  // Tallies: each shared paper's vote count in the store against the reactions Slack would show.
  let expectedTotal = 0;
  let storedTotal = 0;
  let skipped = 0;
  const mismatches: string[] = [];
  for (const target of ledger.targets) {
    if (target.uncertain.some((u) => u === 1)) {
      skipped++;
      continue;
    }
    const expected = ledger.expected(target);
    const stored = (await store.getPaper(target.paperId))?.teamVotes ?? -1;
    expectedTotal += expected;
    storedTotal += stored;
    if (stored !== expected) mismatches.push(`${target.paperId}: expected ${expected}, stored ${stored}`);
  }
  const s = ledger.sent;
  console.log(
    `\ntally check: ${ledger.targets.length - skipped} posts checked (${skipped} skipped after a failed send), reactions sent: ${s.added} adds, ${s.removed} removals, ${s.redelivered} redelivered adds, ${s.removedAbsent} removals of absent reactions, ${s.notUpvote} non-upvote emoji`,
  );
  console.log(
    `tally check: votes expected ${expectedTotal}, stored ${storedTotal}; ${mismatches.length === 0 ? 'every paper matches: no vote lost or doubled' : `${mismatches.length} papers differ`}`,
  );
  for (const m of mismatches.slice(0, 10)) console.log(`  mismatch ${m}`);
  if (pending.length > 0) console.log(`  ${pending.length} posted messages never recorded as posts`);

  // Charts, drawn here from the rows and samples above.
  const subtitle = `${COMMANDS_PER_S} commands/s + ${REACTIONS_PER_S} reactions/s + ingestion every ${INGEST_EVERY_S} s, ${PAPERS.toLocaleString('en')}-paper SQLite archive, Slack HTTP receiver on loopback, node ${process.version}`;
  const latencySvg = latencyChart(rows, subtitle);
  const memorySvg = memoryChart(memory, rssFit, [steady[0]?.[0] ?? 0, SECONDS], trend);
  const latencyPath = new URL('soak-latency.svg', chartDir);
  const memoryPath = new URL('soak-rss.svg', chartDir);
  writeFileSync(latencyPath, latencySvg);
  writeFileSync(memoryPath, memorySvg);
  writeFileSync(
    new URL('soak.json', out),
    JSON.stringify({ seconds: SECONDS, rows, rssFit, heapFit, floorFit, mismatches, sent: s }, null, 2),
  );
  console.log(`\ncharts: ${latencyPath.pathname}, ${memoryPath.pathname}`);
} finally {
  await scheduler.stop();
  await platform.stop();
  await api.close();
  await hfFake.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
