import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { DAILY_2024_10_25 } from '../fakes/hf-server.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';
import type { PostLine } from './roundup-child.ts';

const KILLS = 16;
const SEED = Number(process.env.CRASH_SEED ?? 20251112) + 2;
const CHILD = new URL('./roundup-child.ts', import.meta.url).pathname;
const LOCAL_DATE = '2024-10-25';
const START = Date.parse(`${LOCAL_DATE}T09:00:00Z`);
/** Each restart comes this much later: past the 10-minute stale-claim time, inside the catch-up window. */
const RESTART_STEP_MS = 11 * 60_000;
const CHANNELS = [
  ...Array.from({ length: 30 }, (_, i) => ({ channel: `slack:CMSG${i}`, mode: 'messages' as const })),
  ...Array.from({ length: 4 }, (_, i) => ({ channel: `slack:CDIGEST${i}`, mode: 'digest' as const })),
];
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-roundups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 during roundups (SQLite)', () => {
  it(`finishes every roundup over ${KILLS} kills, repeating at most the message in flight at each`, async () => {
    const path = join(dir, 'archive.db');
    const postsPath = join(dir, 'posts.jsonl');
    const setup = SqliteStore.open(path);
    await setup.upsertPapers(parseHfJson(DAILY_2024_10_25, { feedDate: '2024-10-25' }).papers);
    for (const { channel, mode } of CHANNELS) {
      await setup.saveChannelSettings({
        ...defaultSettings(channel, { time: '09:00', timezone: 'UTC' }),
        days: [1, 2, 3, 4, 5, 6, 7],
        size: 5,
        mode,
      });
    }
    await setup.close();

    const random = rng(SEED);
    const killed: { instance: string; lastLine: string }[] = [];
    let run = 0;
    for (;;) {
      const instance = `run${run}`;
      const now = new Date(START + run * RESTART_STEP_MS).toISOString();
      const killAfter = killed.length < KILLS ? 1 + Math.floor(random() * 30) : null;
      const outcome = await runChild(CHILD, [path, postsPath, now, instance], killAfter);
      assertCleanExit(outcome, 'the roundup child');
      expect(outcome.stderr, `errors logged by ${instance}`).toBe('');
      run++;
      if (!outcome.killed) {
        expect(outcome.lines.at(-1)).toMatch(/^complete /);
        expect(outcome.lines.at(-1)).not.toContain('failed');
        if (killed.length >= KILLS) break;
        continue;
      }
      killed.push({ instance, lastLine: outcome.lastLine ?? '' });
      expect(checkArchive(path).unfindable).toEqual([]);
    }

    const lines: PostLine[] = existsSync(postsPath)
      ? readFileSync(postsPath, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as PostLine)
      : [];
    const db = new Database(path, { readonly: true });
    const states = db.prepare('SELECT channel, state FROM roundups WHERE local_date = ?').all(LOCAL_DATE) as {
      channel: string;
      state: string;
    }[];
    const ledger = new Set(
      (db.prepare('SELECT message FROM roundup_items').all() as { message: string }[]).map((r) => r.message),
    );
    const recorded = new Set(
      (db.prepare('SELECT message FROM posts').all() as { message: string }[]).map((r) =>
        r.message.replace(/#\d+$/, ''),
      ),
    );
    db.close();

    // Every channel's roundup finished, and the ledger names only messages that were really posted.
    expect(new Map(states.map((s) => [s.channel, s.state]))).toEqual(
      new Map(CHANNELS.map((c) => [c.channel, 'posted'])),
    );
    const posted = new Set(lines.map((l) => l.message));
    for (const m of ledger) expect(posted.has(m), `ledger message ${m} was posted`).toBe(true);

    // Where each kill landed, read from what was posted and recorded: the killed instance's last message.
    const inFlight = new Set<string>();
    const phases = killed.map(({ instance }) => {
      const last = lines.filter((l) => l.instance === instance).at(-1);
      if (!last) return 'before its first post';
      if (ledger.has(last.message)) return 'after a post and its ledger entry';
      inFlight.add(last.message);
      return recorded.has(last.message)
        ? 'after a post was recorded, before its ledger entry'
        : 'between a post and any record of it (the repeat window)';
    });

    // A message repeats a channel's paper (or its header) only when the earlier one was in flight at a kill.
    let repeats = 0;
    for (const { channel } of CHANNELS) {
      const seen = new Map<string, string>(); // paper id or '#header' → the message that showed it
      let kept = 0;
      for (const l of lines.filter((x) => x.channel === channel)) {
        const keys = l.title ? ['#header', ...l.papers] : l.papers;
        const earlier = keys.map((k) => seen.get(k)).filter((m): m is string => m !== undefined);
        if (earlier.length > 0) {
          repeats++;
          for (const m of earlier) expect(inFlight.has(m), `${channel}: ${m} shown again`).toBe(true);
        }
        if (!inFlight.has(l.message)) kept += l.papers.length;
        for (const k of keys) seen.set(k, l.message);
      }
      expect(kept, `${channel}: papers shown`).toBeGreaterThanOrEqual(5);
    }
    expect(inFlight.size).toBeLessThanOrEqual(killed.length);
    expect(repeats).toBeLessThanOrEqual(killed.length);
    console.info(
      `crash/roundups: ${killed.length} kills (seed ${SEED}) by phase ${JSON.stringify(tally(phases))}; ` +
        `${run} processes, ${lines.length} messages in ${CHANNELS.length} channels; ` +
        `${inFlight.size} kills left a message in flight, ${repeats} messages repeated one (bound: one per kill)`,
    );
  }, 80_000);
});
