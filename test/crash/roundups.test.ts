import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { addDays } from '../../src/roundup/schedule.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { DAILY_2024_10_25 } from '../fakes/hf-server.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';

/** Kills in `npm test`; CRASH_ROUNDUP_KILLS=300 (say) for a longer run. */
const KILLS = Number(process.env.CRASH_ROUNDUP_KILLS ?? 30);
const SEED = Number(process.env.CRASH_SEED ?? 20251112) + 2;
const CHILD = new URL('./roundup-child.ts', import.meta.url).pathname;
const FIRST_DAY = '2024-10-25';
/** The lease each process's roundups run under, as in production. */
const LEASE_MS = 30_000;
/** A restarted process comes this much later (on the clocks it is given): just past a dead run's lease. */
const RESTART_STEP_MS = LEASE_MS + 1_000;
const CHANNELS = [
  ...Array.from({ length: 30 }, (_, i) => ({ channel: `slack:CMSG${i}`, mode: 'messages' as const })),
  ...Array.from({ length: 4 }, (_, i) => ({ channel: `slack:CDIGEST${i}`, mode: 'digest' as const })),
];
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-roundups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the killed process had last done, by its last progress line; or where in Slack's hands it died. */
function phaseOf(line: string | undefined): string {
  const verb = line?.split(' ')[0];
  switch (verb) {
    case undefined:
    case 'ready':
      return 'before any roundup was claimed';
    case 'claimed':
      return 'after a claim';
    case 'planned':
      return 'after a plan was saved';
    case 'recorded':
      return 'after a message was recorded';
    case 'finished':
      return 'after a roundup was finished';
    default:
      return `after "${line}"`;
  }
}

describe('kill -9 during roundups (SQLite, the real Slack adapter, Slack in another process)', () => {
  it(
    `posts every planned message exactly once over ${KILLS} kills, and finishes every roundup`,
    async () => {
      const path = join(dir, 'archive.db');
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
      // Slack outlives every process that posts to it; its clock is the one each process is given.
      const clock = { ms: 0 };
      const slack: FakeSlackApi = await startFakeSlackApi({ botToken: 'xoxb-crash', now: () => clock.ms });

      const random = rng(SEED);
      const phases: string[] = [];
      /** Messages Slack made for a process killed before it could hear Slack's answer. */
      const unanswered = new Set<string>();
      let processes = 0;
      let day = 0;
      let runInDay = 0;
      try {
        for (;;) {
          const localDate = addDays(FIRST_DAY, day);
          const now = Date.parse(`${localDate}T09:00:00Z`) + runInDay * RESTART_STEP_MS;
          clock.ms = now;
          const instance = `run${processes}`;
          // Half the kills land where the process is (after so many ledger writes), half inside Slack:
          // the message made, the answer never sent, as when a process dies awaiting a 200.
          const kill = phases.length < KILLS ? (random() < 0.5 ? 'line' : 'slack') : null;
          const killAfterLines = kill === 'line' ? 1 + Math.floor(random() * 20) : null;
          let postsLeft = kill === 'slack' ? 1 + Math.floor(random() * 8) : 0;
          let killedInSlack = false;
          const outcome = await runChild(
            CHILD,
            [path, slack.apiUrl, new Date(now).toISOString(), instance, String(LEASE_MS)],
            killAfterLines,
            30_000,
            (killChild) => {
              slack.afterPost =
                kill === 'slack'
                  ? (m) => {
                      if (--postsLeft > 0 || killedInSlack) return;
                      killedInSlack = true;
                      unanswered.add(`slack:${m.channel}:${m.ts}`);
                      killChild();
                    }
                  : null;
            },
          );
          // Every request the dead process sent is answered (or gone) before the next process starts.
          await slack.quiet();
          slack.afterPost = null;
          processes++;
          runInDay++;
          assertCleanExit(outcome, 'the roundup child');
          expect(outcome.stderr, `errors logged by ${instance}`).toBe('');
          if (outcome.killed) {
            phases.push(
              killedInSlack
                ? 'inside Slack: the message made, its answer not sent'
                : phaseOf(outcome.lastLine),
            );
            expect(checkArchive(path).unfindable).toEqual([]);
            continue;
          }
          expect(outcome.lines.at(-1)).toMatch(/^complete /);
          for (const o of ['will-retry', 'failed', 'waiting']) expect(outcome.lines.at(-1)).not.toContain(o);
          // A process that ran to its end finished the day; the next one moves to the next day.
          if (phases.length >= KILLS) break;
          day++;
          runInDay = 0;
        }
      } finally {
        await slack.close();
      }

      const db = new Database(path, { readonly: true });
      const roundups = db.prepare('SELECT channel, local_date, state FROM roundups').all() as {
        channel: string;
        local_date: string;
        state: string;
      }[];
      const items = db
        .prepare('SELECT channel, local_date, paper_id, idem_key, message FROM roundup_items')
        .all() as {
        channel: string;
        local_date: string;
        paper_id: string;
        idem_key: string | null;
        message: string | null;
      }[];
      db.close();

      // Every roundup of every day finished, for every channel.
      expect(roundups).toHaveLength(CHANNELS.length * (day + 1));
      expect(roundups.filter((r) => r.state !== 'posted' && r.state !== 'empty')).toEqual([]);
      // Nothing lost: every planned message was recorded.
      const lost = items.filter((i) => i.message === null);
      expect(lost).toEqual([]);

      // Zero duplicates: Slack holds exactly one message per key, and nothing else.
      const byKey = new Map<string, string[]>();
      for (const m of slack.messages) {
        const key = String(m.metadata?.event_payload.key ?? '');
        byKey.set(key, [...(byKey.get(key) ?? []), `slack:${m.channel}:${m.ts}`]);
      }
      const duplicates = [...byKey.entries()].filter(([, refs]) => refs.length > 1);
      expect(duplicates).toEqual([]);
      expect(byKey.has('')).toBe(false);
      // The ledger names each message Slack holds, under its own key: none unrecorded, none invented.
      const keyed = items.filter((i) => i.idem_key !== null);
      expect(keyed).toHaveLength(slack.messages.length);
      for (const i of keyed) expect(byKey.get(i.idem_key ?? '')).toEqual([i.message]);
      // No channel was shown a paper twice, on any day.
      for (const { channel } of CHANNELS) {
        const shown = items
          .filter((i) => i.channel === channel && i.paper_id !== '#header')
          .map((i) => i.paper_id);
        expect(new Set(shown).size, `${channel}: papers shown`).toBe(shown.length);
      }
      // Each message a process died waiting for was found by its key and recorded, not posted again.
      const recorded = new Set(items.map((i) => i.message));
      const found = [...unanswered].filter((m) => recorded.has(m));
      expect(found).toHaveLength(unanswered.size);

      console.info(
        `crash/roundups: ${phases.length} kills (seed ${SEED}) by phase ${JSON.stringify(tally(phases))}; ` +
          `${processes} processes over ${day + 1} days, ${slack.messages.length} Slack messages in ` +
          `${CHANNELS.length} channels; ${duplicates.length} duplicates, ${lost.length} lost; ` +
          `${found.length} messages made for a killed process were found by key and recorded`,
      );
    },
    120_000 + KILLS * 6_000,
  );
});
