import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rng } from '../../bench/synthetic.ts';
import type { ReactionEvent } from '../../src/chat/platform.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { DAILY_2024_10_25 } from '../fakes/hf-server.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';

const CHILD = new URL('./vote-child.ts', import.meta.url).pathname;

/**
 * Emoji as platforms deliver them, with what the default upvote set makes of each: an upvote under its
 * normalised name, or null (not an upvote). Written out here rather than computed with the code under test.
 */
const EMOJI: [string, string | null][] = [
  ['+1', '+1'],
  ['thumbsup', '+1'],
  ['👍', '+1'],
  ['+1::skin-tone-3', '+1'],
  ['fire', 'fire'],
  ['🔥', 'fire'],
  ['heart', 'heart'],
  ['❤️', 'heart'],
  ['eyes', null],
  ['one', null], // a keycap: a vote only on a digest, and these posts are not digests
];

interface Post {
  message: string;
  channel: string;
  paperId: string | null;
}

function posts(paperIds: string[]): Post[] {
  const out: Post[] = Array.from({ length: 14 }, (_, j) => {
    const channel = j % 2 === 0 ? 'slack:CPAPERS' : 'discord:900000000000000001';
    const message = channel.startsWith('slack')
      ? `${channel}:1712345678.${String(j).padStart(6, '0')}`
      : `${channel}:${1300000000000000000n + BigInt(j)}`;
    // Nine papers over fourteen posts: several papers are posted twice (a vote counts once per person).
    return { message, channel, paperId: paperIds[j % 9] ?? null };
  });
  out.push({ message: 'slack:CPAPERS:1712345678.999999', channel: 'slack:CPAPERS', paperId: null });
  return out;
}

function events(all: Post[], random: () => number, count: number): ReactionEvent[] {
  const unknown = { message: 'slack:CPAPERS:1700000000.000001', channel: 'slack:CPAPERS', paperId: null };
  const targets = [...all, unknown];
  const users = Array.from({ length: 30 }, (_, i) => `slack:U${i}`);
  const start = Date.parse('2024-10-25T09:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const post = targets[Math.floor(random() * targets.length)] as Post;
    const [emoji] = EMOJI[Math.floor(random() * EMOJI.length)] as [string, string | null];
    return {
      message: post.message,
      channel: post.channel,
      user: users[Math.floor(random() * users.length)] as string,
      emoji,
      added: random() < 0.55,
      byBot: random() < 0.03,
      at: new Date(start + i * 1000).toISOString(),
    };
  });
}

/**
 * The team votes per paper the full event list must leave: each reaction (message, person, emoji as the
 * platform named it) ends as its last event left it; a person counts once per paper.
 */
function expected(all: Post[], list: ReactionEvent[]): { tally: Map<string, number>; rows: string[] } {
  const paperOf = new Map(all.map((p) => [p.message, p.paperId]));
  const upvote = new Map(EMOJI);
  const present = new Map<string, boolean>();
  for (const e of list) {
    const name = upvote.get(e.emoji);
    if (e.byBot || !name || !paperOf.get(e.message)) continue;
    // One reaction per platform emoji variant (👍 and 👍🏽 are two reactions on Discord).
    present.set(`${e.message}\u0000${e.user}\u0000${e.emoji}`, e.added);
  }
  const voters = new Map<string, Set<string>>();
  for (const [key, on] of present) {
    if (!on) continue;
    const [message, user] = key.split('\u0000') as [string, string];
    const paper = paperOf.get(message) as string;
    voters.set(paper, (voters.get(paper) ?? new Set()).add(user));
  }
  return {
    tally: new Map([...voters].map(([paper, who]) => [paper, who.size])),
    rows: [...present]
      .filter(([, on]) => on)
      .map(([key]) => key)
      .sort(),
  };
}

/** What a run of kills while votes come in found. Every list is empty when no vote was lost or doubled. */
export interface VotingCrashReport {
  kills: number;
  phases: Record<string, number>;
  events: number;
  processes: number;
  /** Team votes the events leave, over how many papers. */
  votes: number;
  papers: number;
  /** Reactions the events leave that the archive lacks. */
  lost: string[];
  /** Reactions the archive holds that the events do not leave (doubled, or brought back after removal). */
  extra: string[];
  /** Papers whose team vote count or top-voted entry differs from the events' count. */
  wrongTallies: string[];
  /** Reactions stored on a message that shows no paper. */
  orphans: number;
  /** Checks of the archive that failed after a kill, and error output of any child. */
  errors: string[];
}

/**
 * Applies `events` reaction events through the real Bot in child processes against a SQLite archive in
 * `dir`, SIGKILLing `kills` of them after a random number of progress lines and replaying from the last
 * event reported done, then compares the stored reactions and tallies with what the events leave.
 */
export async function crashVoting(options: {
  dir: string;
  kills: number;
  seed: number;
  events?: number;
}): Promise<VotingCrashReport> {
  const { dir, kills } = options;
  const path = join(dir, 'voting.db');
  const papers = parseHfJson(DAILY_2024_10_25, { feedDate: '2024-10-25' }).papers.slice(0, 9);
  const all = posts(papers.map((p) => p.id));
  const store = SqliteStore.open(path);
  await store.upsertPapers(papers);
  for (const p of all)
    await store.recordPost({ ...p, kind: 'share', postedBy: null, postedAt: '2024-10-25T08:00:00Z' });
  await store.close();
  const random = rng(options.seed);
  const list = events(all, random, options.events ?? 3000);
  const eventsPath = join(dir, 'events.json');
  writeFileSync(eventsPath, JSON.stringify(list));

  const phases: string[] = [];
  const errors: string[] = [];
  let from = 0;
  let processes = 0;
  for (;;) {
    const killAfter = phases.length < kills ? 1 + Math.floor(random() * 240) : null;
    const run = await runChild(CHILD, [path, eventsPath, String(from)], killAfter);
    processes++;
    assertCleanExit(run, 'the voting child');
    // A vote the bot failed to record is only logged: any error output is a failure.
    if (run.stderr !== '') errors.push(`process ${processes}: ${run.stderr.slice(0, 500)}`);
    if (!run.killed) {
      if (run.lines.at(-1) !== 'complete') errors.push(`the last process ended with ${run.lines.at(-1)}`);
      break;
    }
    const last = run.lastLine ?? '';
    phases.push(
      last.startsWith('apply') ? 'inside an event' : last === 'ready' ? 'at start-up' : 'between events',
    );
    const done = run.lines.filter((l) => l.startsWith('done ')).at(-1);
    if (done) from = Number(done.slice('done '.length));
    const unfindable = checkArchive(path).unfindable;
    if (unfindable.length > 0)
      errors.push(`after kill ${phases.length}: unfindable ${unfindable.join(', ')}`);
  }

  const { tally: want, rows: wantRows } = expected(all, list);
  const wrongTallies: string[] = [];
  const reopened = SqliteStore.open(path);
  for (const p of papers) {
    const got = (await reopened.getPaper(p.id))?.teamVotes;
    if (got !== (want.get(p.id) ?? 0))
      wrongTallies.push(`${p.id}: ${got} team votes, ${want.get(p.id) ?? 0} expected`);
  }
  const top = new Map((await reopened.topVoted(null, 50)).map((t) => [t.paper.id, t.votes]));
  for (const id of new Set([...top.keys(), ...want.keys()])) {
    if (top.get(id) !== want.get(id))
      wrongTallies.push(`${id}: top lists ${top.get(id)}, ${want.get(id)} expected`);
  }
  await reopened.close();
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT message, user_ref, emoji FROM reactions').all() as {
    message: string;
    user_ref: string;
    emoji: string;
  }[];
  const orphans = db
    .prepare(
      'SELECT COUNT(*) AS n FROM reactions WHERE message NOT IN (SELECT message FROM posts WHERE paper_id IS NOT NULL)',
    )
    .get() as { n: number };
  db.close();
  const stored = rows.map((r) => `${r.message}\u0000${r.user_ref}\u0000${r.emoji}`);
  const storedSet = new Set(stored);
  const wantSet = new Set(wantRows);
  const readable = (k: string) => k.replaceAll('\u0000', ' ');
  return {
    kills: phases.length,
    phases: tally(phases),
    events: list.length,
    processes,
    votes: [...want.values()].reduce((a, b) => a + b, 0),
    papers: want.size,
    lost: wantRows.filter((k) => !storedSet.has(k)).map(readable),
    // A row stored twice is as wrong as one that should not be there.
    extra: stored.filter((k) => !wantSet.delete(k)).map(readable),
    wrongTallies,
    orphans: orphans.n,
    errors,
  };
}

/** One line for the log. */
export function describeVoting(r: VotingCrashReport, seed: number): string {
  return (
    `crash/voting: ${r.kills} kills (seed ${seed}) by phase ${JSON.stringify(r.phases)}; ${r.events} events ` +
    `over ${r.processes} processes; ${r.votes} team votes on ${r.papers} papers; ${r.lost.length} lost, ` +
    `${r.extra.length} extra, ${r.wrongTallies.length} wrong tallies`
  );
}
