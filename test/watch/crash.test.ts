import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { assertCleanExit, runChild, tally } from '../crash/child-process.ts';
import { DAILY_2024_10_25 } from '../fakes/hf-server.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';

/** Kills in `npm test`; WATCH_CRASH_KILLS=100 (say) for a longer run. */
const KILLS = Number(process.env.WATCH_CRASH_KILLS ?? 12);
const SEED = Number(process.env.CRASH_SEED ?? 20251112) + 5;
const CHILD = new URL('./crash-child.ts', import.meta.url).pathname;
const LEASE_MS = 30_000;
/** A restarted process comes this much later (on the clocks it is given): just past a dead run's lease. */
const RESTART_STEP_MS = LEASE_MS + 1_000;
const START = Date.parse('2026-03-02T09:00:00Z');
const TOPICS = [
  'language',
  'models',
  'llms',
  'editing',
  'reasoning',
  'attention',
  'video',
  'hallucinations',
  'efficient',
  'scaling',
  'reward',
  'benchmark',
  '"language models"',
  'data -robotic',
  'generation',
];
const PEOPLE = Array.from({ length: 48 }, (_, i) => `slack:U${String(i).padStart(4, '0')}`);
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-watches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Papers a DM shows, by the ids its Share buttons carry. */
function shown(blocks: unknown): string[] {
  return (blocks as { accessory?: { action_id?: string; value?: string } }[]).flatMap((b) =>
    b.accessory?.action_id === 'share_paper' && b.accessory.value ? [b.accessory.value] : [],
  );
}

describe('kill -9 during watch deliveries (SQLite, the real Slack adapter, Slack in another process)', () => {
  it(
    `sends every person their matches in exactly one DM over ${KILLS} kills`,
    async () => {
      const random = rng(SEED);
      const path = join(dir, 'archive.db');
      const setup = SqliteStore.open(path, { now: () => new Date(START - 60_000) });
      for (const person of PEOPLE)
        for (let i = 0; i < 1 + Math.floor(random() * 2); i++)
          await setup.addWatch(person, TOPICS[Math.floor(random() * TOPICS.length)]!, 'slack:C0GENERAL', 20);
      await setup.upsertPapers(parseHfJson(DAILY_2024_10_25, { feedDate: '2024-10-25' }).papers);
      await setup.close();
      const clock = { ms: START };
      const slack: FakeSlackApi = await startFakeSlackApi({ botToken: 'xoxb-crash', now: () => clock.ms });
      const phases: string[] = [];
      const unanswered = new Set<string>();
      let processes = 0;
      try {
        for (;;) {
          const now = START + processes * RESTART_STEP_MS;
          clock.ms = now;
          const kill = phases.length < KILLS ? (random() < 0.5 ? 'line' : 'slack') : null;
          const killAfterLines = kill === 'line' ? 2 + Math.floor(random() * 12) : null;
          let postsLeft = kill === 'slack' ? 1 + Math.floor(random() * 4) : 0;
          let killedInSlack = false;
          const outcome = await runChild(
            CHILD,
            [path, slack.apiUrl, new Date(now).toISOString(), `run${processes}`, String(LEASE_MS)],
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
          await slack.quiet();
          slack.afterPost = null;
          processes++;
          assertCleanExit(outcome, 'the watch child');
          expect(outcome.stderr, `errors logged by run${processes - 1}`).toBe('');
          if (outcome.killed) {
            phases.push(
              killedInSlack
                ? 'inside Slack: the DM made, its answer not sent'
                : (outcome.lastLine ?? 'ready').split(' ')[0]!,
            );
            continue;
          }
          expect(outcome.lines.at(-1)).toMatch(/^complete /);
          if (phases.length >= KILLS) break;
        }
      } finally {
        await slack.close();
      }

      const db = new Database(path, { readonly: true });
      const deliveries = db.prepare('SELECT owner, state, idem_key, message FROM watch_deliveries').all() as {
        owner: string;
        state: string;
        idem_key: string;
        message: string | null;
      }[];
      const matches = db.prepare('SELECT owner, paper_id, delivery_id FROM watch_matches').all() as {
        owner: string;
        paper_id: string;
        delivery_id: number | null;
      }[];
      db.close();

      // Everything matched was delivered, each delivery sent once and recorded.
      expect(matches.length).toBeGreaterThan(PEOPLE.length);
      expect(matches.filter((m) => m.delivery_id === null)).toEqual([]);
      expect(deliveries.filter((d) => d.state !== 'sent')).toEqual([]);
      // Zero duplicates: one Slack message per key, and one DM per person (every paper arrived at once).
      const byKey = new Map<string, string[]>();
      for (const m of slack.messages) {
        const key = String(m.metadata?.event_payload.key ?? '');
        byKey.set(key, [...(byKey.get(key) ?? []), `slack:${m.channel}:${m.ts}`]);
      }
      const duplicates = [...byKey.values()].filter((refs) => refs.length > 1);
      expect(duplicates).toEqual([]);
      expect(slack.messages).toHaveLength(deliveries.length);
      const owners = new Set(matches.map((m) => m.owner));
      expect(deliveries).toHaveLength(owners.size);
      for (const d of deliveries) expect(byKey.get(d.idem_key)).toEqual([d.message]);
      // Each DM shows only that person's matches, the best ten of them.
      for (const m of slack.messages) {
        const owner = `slack:U${m.channel.slice(1)}`;
        const theirs = new Set(matches.filter((x) => x.owner === owner).map((x) => x.paper_id));
        const ids = shown(m.blocks);
        expect(ids.length).toBe(Math.min(10, theirs.size));
        for (const id of ids) expect(theirs.has(id)).toBe(true);
      }
      // Each DM a process died waiting for was found by its key and recorded, not sent again.
      const recorded = new Set(deliveries.map((d) => d.message));
      expect([...unanswered].filter((m) => recorded.has(m))).toHaveLength(unanswered.size);
      console.info(
        `watch crash: ${phases.length} kills (seed ${SEED}) by phase ${JSON.stringify(tally(phases))}; ` +
          `${processes} processes, ${slack.messages.length} DMs to ${owners.size} people, ${matches.length} matches; ` +
          `${duplicates.length} duplicates; ${unanswered.size} DMs made for a killed process found by key`,
      );
    },
    120_000 + KILLS * 8_000,
  );
});
