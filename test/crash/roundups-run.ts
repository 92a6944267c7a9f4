import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rng } from '../../bench/synthetic.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { addDays } from '../../src/roundup/schedule.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { DAILY_2024_10_25 } from '../fakes/hf-server.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';

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

/** What a run of kills during roundups found. Every list is empty when each message was posted once. */
export interface RoundupCrashReport {
  kills: number;
  phases: Record<string, number>;
  processes: number;
  days: number;
  channels: number;
  /** Messages Slack holds. */
  messages: number;
  /** Keys Slack holds more than one message for, with the messages. */
  duplicates: string[];
  /** Slack messages that carry no key. */
  unkeyed: number;
  /** Planned items never recorded with a message. */
  lost: string[];
  /** Roundups not finished (posted or empty), and roundups missing from the ledger. */
  unfinished: string[];
  /** Recorded items that do not name the one message Slack holds under their key, and keys unrecorded. */
  ledgerMismatches: string[];
  /** Channels shown a paper twice. */
  repeatedPapers: string[];
  /** Messages Slack made for a process killed before it heard the answer, and how many were found later. */
  unanswered: number;
  found: number;
  /** Errors logged by the children, outcomes left unfinished, failed archive checks. */
  errors: string[];
}

/**
 * Runs day after day of roundups in `CHANNELS` through child processes that post via the real Slack
 * adapter to a fake Slack Web API in this process (which outlives them, as Slack does), SIGKILLing `kills`
 * of them: half after a random number of ledger writes, half inside Slack (the message made, its answer
 * never sent). The next process comes just after the dead one's lease. Then checks Slack's messages
 * against the ledger.
 */
export async function crashRoundups(options: {
  dir: string;
  kills: number;
  seed: number;
}): Promise<RoundupCrashReport> {
  const { dir, kills } = options;
  const path = join(dir, 'roundups.db');
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

  const random = rng(options.seed);
  const phases: string[] = [];
  const errors: string[] = [];
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
      const kill = phases.length < kills ? (random() < 0.5 ? 'line' : 'slack') : null;
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
      if (outcome.stderr !== '') errors.push(`${instance} logged: ${outcome.stderr.slice(0, 500)}`);
      if (outcome.killed) {
        phases.push(
          killedInSlack ? 'inside Slack: the message made, its answer not sent' : phaseOf(outcome.lastLine),
        );
        const unfindable = checkArchive(path).unfindable;
        if (unfindable.length > 0)
          errors.push(`after kill ${phases.length}: unfindable ${unfindable.join(', ')}`);
        continue;
      }
      const last = outcome.lines.at(-1) ?? '';
      if (!last.startsWith('complete ') || /will-retry|failed|waiting/.test(last)) {
        errors.push(`${instance} ended with ${last}`);
      }
      // A process that ran to its end finished the day; the next one moves to the next day.
      if (phases.length >= kills) break;
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
  const unfinished = roundups
    .filter((r) => r.state !== 'posted' && r.state !== 'empty')
    .map((r) => `${r.channel} ${r.local_date}: ${r.state}`);
  const expectedRoundups = CHANNELS.length * (day + 1);
  if (roundups.length !== expectedRoundups)
    unfinished.push(`${roundups.length} roundups of ${expectedRoundups}`);
  // Nothing lost: every planned message was recorded.
  const lost = items
    .filter((i) => i.message === null)
    .map((i) => `${i.channel} ${i.local_date} ${i.paper_id}`);
  // Zero duplicates: Slack holds exactly one message per key, and nothing else.
  const byKey = new Map<string, string[]>();
  for (const m of slack.messages) {
    const key = String(m.metadata?.event_payload.key ?? '');
    byKey.set(key, [...(byKey.get(key) ?? []), `slack:${m.channel}:${m.ts}`]);
  }
  const duplicates = [...byKey.entries()]
    .filter(([k, refs]) => k !== '' && refs.length > 1)
    .map(([k, refs]) => `${k}: ${refs.join(' ')}`);
  // The ledger names each message Slack holds, under its own key: none unrecorded, none invented.
  const ledgerMismatches: string[] = [];
  const keyed = items.filter((i) => i.idem_key !== null);
  const recordedKeys = new Set(keyed.map((i) => i.idem_key));
  for (const i of keyed) {
    const refs = byKey.get(i.idem_key ?? '') ?? [];
    if (refs.length !== 1 || refs[0] !== i.message)
      ledgerMismatches.push(`${i.idem_key}: ${i.message} recorded, Slack has ${refs.join(' ') || 'none'}`);
  }
  for (const k of byKey.keys())
    if (k !== '' && !recordedKeys.has(k)) ledgerMismatches.push(`${k}: in Slack, not in the ledger`);
  // No channel was shown a paper twice, on any day.
  const repeatedPapers: string[] = [];
  for (const { channel } of CHANNELS) {
    const shown = items
      .filter((i) => i.channel === channel && i.paper_id !== '#header')
      .map((i) => i.paper_id);
    if (new Set(shown).size !== shown.length) repeatedPapers.push(channel);
  }
  // Each message a process died waiting for was found by its key and recorded, not posted again.
  const recorded = new Set(items.map((i) => i.message));
  const found = [...unanswered].filter((m) => recorded.has(m)).length;
  return {
    kills: phases.length,
    phases: tally(phases),
    processes,
    days: day + 1,
    channels: CHANNELS.length,
    messages: slack.messages.length,
    duplicates,
    unkeyed: byKey.get('')?.length ?? 0,
    lost,
    unfinished,
    ledgerMismatches,
    repeatedPapers,
    unanswered: unanswered.size,
    found,
    errors,
  };
}

/** One line for the log. */
export function describeRoundups(r: RoundupCrashReport, seed: number): string {
  return (
    `crash/roundups: ${r.kills} kills (seed ${seed}) by phase ${JSON.stringify(r.phases)}; ` +
    `${r.processes} processes over ${r.days} days, ${r.messages} Slack messages in ${r.channels} channels; ` +
    `${r.duplicates.length} duplicates, ${r.lost.length} lost, ${r.unfinished.length} unfinished; ` +
    `${r.found} of ${r.unanswered} messages made for a killed process found by key and recorded`
  );
}
