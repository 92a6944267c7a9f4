import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import type { ReactionEvent } from '../../src/chat/platform.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { DAILY_2024_10_25 } from '../fakes/hf-server.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';

const KILLS = 17;
const EVENTS = 3000;
const SEED = Number(process.env.CRASH_SEED ?? 20251112) + 1;
const CHILD = new URL('./vote-child.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-votes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

function events(all: Post[], random: () => number): ReactionEvent[] {
  const unknown = { message: 'slack:CPAPERS:1700000000.000001', channel: 'slack:CPAPERS', paperId: null };
  const targets = [...all, unknown];
  const users = Array.from({ length: 30 }, (_, i) => `slack:U${i}`);
  const start = Date.parse('2024-10-25T09:00:00Z');
  return Array.from({ length: EVENTS }, (_, i) => {
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

describe('kill -9 while votes come in (SQLite)', () => {
  it(`loses and doubles no vote over ${KILLS} kills, replaying from the last event reported done`, async () => {
    const path = join(dir, 'archive.db');
    const papers = parseHfJson(DAILY_2024_10_25, { feedDate: '2024-10-25' }).papers.slice(0, 9);
    const all = posts(papers.map((p) => p.id));
    const store = SqliteStore.open(path);
    await store.upsertPapers(papers);
    for (const p of all)
      await store.recordPost({ ...p, kind: 'share', postedBy: null, postedAt: '2024-10-25T08:00:00Z' });
    await store.close();
    const random = rng(SEED);
    const list = events(all, random);
    const eventsPath = join(dir, 'events.json');
    writeFileSync(eventsPath, JSON.stringify(list));

    const phases: string[] = [];
    let from = 0;
    let runs = 0;
    for (;;) {
      const killAfter = phases.length < KILLS ? 1 + Math.floor(random() * 240) : null;
      const run = await runChild(CHILD, [path, eventsPath, String(from)], killAfter);
      runs++;
      assertCleanExit(run, 'the voting child');
      // A vote the bot failed to record is only logged: any error output fails the test.
      expect(run.stderr).toBe('');
      if (!run.killed) {
        expect(run.lines.at(-1)).toBe('complete');
        break;
      }
      const last = run.lastLine ?? '';
      phases.push(
        last.startsWith('apply') ? 'inside an event' : last === 'ready' ? 'at start-up' : 'between events',
      );
      const done = run.lines.filter((l) => l.startsWith('done ')).at(-1);
      if (done) from = Number(done.slice('done '.length));
      expect(checkArchive(path).unfindable).toEqual([]);
    }
    expect(phases).toHaveLength(KILLS);

    const { tally: want, rows: wantRows } = expected(all, list);
    const reopened = SqliteStore.open(path);
    for (const p of papers) {
      expect((await reopened.getPaper(p.id))?.teamVotes, `team votes of ${p.id}`).toBe(want.get(p.id) ?? 0);
    }
    const top = await reopened.topVoted(null, 50);
    expect(new Map(top.map((t) => [t.paper.id, t.votes]))).toEqual(want);
    await reopened.close();
    // Exactly the reactions the events leave (none lost, none twice), none on a message showing no paper.
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
    expect(rows.map((r) => `${r.message}\u0000${r.user_ref}\u0000${r.emoji}`).sort()).toEqual(wantRows);
    expect(orphans.n).toBe(0);
    const votes = [...want.values()].reduce((a, b) => a + b, 0);
    console.info(
      `crash/voting: ${phases.length} kills (seed ${SEED}) by phase ${JSON.stringify(tally(phases))}; ` +
        `${list.length} events over ${runs} processes; ${votes} team votes on ${want.size} papers, as expected`,
    );
  }, 400_000);
});
