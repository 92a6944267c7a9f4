import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { reactionEventBody, SEED_PAPERS, sign, slashCommandBody } from '../adapters/slack/harness.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { until } from '../multi/until.ts';
import {
  ADMIN_URL,
  dropThrowawayDatabases,
  migratedDatabase,
  postgresAvailable,
} from '../store/postgres-db.ts';
import { freePort, spawnBot, stopBot, watchLogs } from './bot-process.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;
const SECRET = 'soak-secret';
const TOKEN = 'xoxb-soak';
/** Paper posts in #general: the first paper twice (a person still counts once), the second once. */
const POSTS = [
  { channel: 'C0GENERAL', ts: '1712345600.000100', paper: 0 },
  { channel: 'C0GENERAL', ts: '1712345600.000200', paper: 0 },
  { channel: 'C0GENERAL', ts: '1712345600.000300', paper: 1 },
];
const USERS = Array.from({ length: 12 }, (_, i) => `U0SOAK${String(i).padStart(2, '0')}`);
/** Two upvote emoji and one that is not. */
const EMOJI = ['+1', 'fire', 'eyes'];
const UPVOTES = new Set(['+1', 'fire']);
/** Reaction events sent in each stretch of the soak (up, cut, up, cut, up), and commands with them. */
const EVENTS_PER_STRETCH = 40;
const COMMANDS_PER_STRETCH = 3;
/** Deliveries in flight at once. */
const CONCURRENCY = 6;

interface Reaction {
  post: (typeof POSTS)[number];
  user: string;
  emoji: string;
  added: boolean;
}

suite(
  available.ok
    ? 'PostgreSQL cut twice while traffic flows'
    : `PostgreSQL soak with cuts: skipped, ${available.ok || available.reason}`,
  () => {
    let archive: PostgresStore;
    let proxy: TcpProxy;
    let slack: FakeSlackApi;
    let hf: FakeHf;
    let child: ChildProcess;
    let logs: ReturnType<typeof watchLogs>;
    let base = '';

    beforeAll(async () => {
      const url = await migratedDatabase();
      archive = await PostgresStore.open(url);
      await archive.upsertPapers(SEED_PAPERS);
      for (const p of POSTS) {
        await archive.recordPost({
          message: `slack:${p.channel}:${p.ts}`,
          channel: `slack:${p.channel}`,
          paperId: SEED_PAPERS[p.paper]!.id,
          kind: 'share',
          postedBy: 'slack:U0ALICE',
          postedAt: '2026-01-05T08:00:00.000Z',
        });
      }
      const server = new URL(ADMIN_URL);
      proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      slack = await startFakeSlackApi({ botToken: TOKEN });
      hf = await startFakeHf();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = await spawnBot({
        DATABASE_URL: viaProxy.toString(),
        HF_API_URL: hf.url,
        PORT: String(port),
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
      });
      logs = watchLogs(child);
      await logs.waitFor((r) => r.msg === 'platform started', 'platform started', 60_000);
    }, 90_000);

    afterAll(async () => {
      await stopBot(child);
      await archive?.close();
      await Promise.all([proxy?.close(), slack?.close(), hf?.close()]);
      await dropThrowawayDatabases();
    });

    const health = async () => (await fetch(`${base}/healthz`)).status;
    const alive = () => child.exitCode === null && child.signalCode === null;

    /** Deliveries in flight, and those waiting for a slot. */
    let inFlight = 0;
    const slots: (() => void)[] = [];
    /** One delivery of a signed body, as Slack makes it: a retry says which, and why. */
    const deliver = async (body: string, contentType: string, retry = 0) => {
      if (inFlight >= CONCURRENCY) await new Promise<void>((resolve) => slots.push(resolve));
      inFlight++;
      try {
        return await post(body, contentType, retry);
      } finally {
        inFlight--;
        slots.shift()?.();
      }
    };
    const post = async (body: string, contentType: string, retry: number) => {
      const ts = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(SECRET, ts, body),
      };
      if (retry > 0) {
        headers['x-slack-retry-num'] = String(retry);
        headers['x-slack-retry-reason'] = 'http_error';
      }
      return (await fetch(`${base}/slack/events`, { method: 'POST', headers, body })).status;
    };

    it('stays up through two cuts, is healthy after each, answers every command and loses no vote', async () => {
      const random = rng(20260105);
      /** Resolves once the database is back and /healthz says so; replaced at each cut. */
      let healthy: Promise<void> = Promise.resolve();
      const sent: Reaction[] = [];
      const answered500: string[] = [];
      const dropped: string[] = [];
      let retried = 0;
      /** Each reaction's events in order: the next waits until Slack has had a 200 for the one before. */
      const chains = new Map<string, Promise<void>>();

      /**
       * Sends one reaction event and, on a 500, retries it as Slack does (the same event_id, numbered
       * retries): once at once, then twice more later (a minute, five minutes: here, once the database is
       * back). Slack gives up after the third retry; the vote would then be lost.
       */
      const sendReaction = async (r: Reaction) => {
        const body = reactionEventBody(
          r.added ? 'reaction_added' : 'reaction_removed',
          r.post,
          r.user,
          r.emoji,
        );
        const id = String(JSON.parse(body).event_id);
        for (let retry = 0; retry <= 3; retry++) {
          if (retry >= 2) await healthy;
          const status = await deliver(body, 'application/json', retry);
          if (status === 200) return;
          expect(status, `event ${id}`).toBe(500);
          answered500.push(id);
          retried++;
        }
        dropped.push(id);
      };
      const react = (r: Reaction) => {
        sent.push(r);
        const key = `${r.post.ts} ${r.user} ${r.emoji}`;
        const next = (chains.get(key) ?? Promise.resolve()).then(() => sendReaction(r));
        chains.set(key, next);
        return next;
      };
      /** A slash command; resolves with what the person is answered. */
      const command = async (text: string) => {
        const responseUrl = slack.responseUrl();
        const path = new URL(responseUrl).pathname;
        expect(await deliver(slashCommandBody(text, responseUrl), 'application/x-www-form-urlencoded')).toBe(
          200,
        );
        const reply = await slack.waitFor((c) => c.method === 'respond' && c.path === path, 20_000);
        return String(reply.body.text ?? '');
      };
      /**
       * A stretch of traffic: random reaction events (a few deliveries in flight at a time) with some
       * commands among them. Resolves once the commands are answered; `events` settle once each event had
       * its 200 (during a cut, only after the database is back).
       */
      const stretch = async () => {
        const events: Promise<void>[] = [];
        const replies: Promise<string>[] = [];
        for (let i = 0; i < EVENTS_PER_STRETCH; i++) {
          const post = POSTS[Math.floor(random() * POSTS.length)]!;
          const user = USERS[Math.floor(random() * USERS.length)]!;
          const emoji = EMOJI[Math.floor(random() * EMOJI.length)]!;
          events.push(react({ post, user, emoji, added: random() < 0.65 }));
          if (
            i % Math.floor(EVENTS_PER_STRETCH / COMMANDS_PER_STRETCH) === 0 &&
            replies.length < COMMANDS_PER_STRETCH
          ) {
            replies.push(command('search unlearning'));
          }
        }
        return { replies: await Promise.all(replies), events };
      };

      expect(await health()).toBe(200);
      const first = await stretch();
      await Promise.all(first.events);
      for (const reply of first.replies) expect(reply).toContain('Machine Unlearning at Scale');

      const cuts: { failedEvents: number; busyReplies: number }[] = [];
      for (let cut = 0; cut < 2; cut++) {
        let back!: () => void;
        healthy = new Promise<void>((resolve) => {
          back = resolve;
        });
        const failedBefore = answered500.length;
        await proxy.cut();
        const during = await stretch();
        // Whoever asks meanwhile is told the archive is busy, and the load balancer sees the outage.
        expect(await health()).toBe(503);
        const busy = during.replies.filter((t) => /archive is busy or unreachable.*Try again/.test(t)).length;
        expect(alive(), 'the bot process is running').toBe(true);

        await proxy.restore();
        await until(async () => (await health()) === 200, 30_000);
        back();
        // Slack's later retries arrive now; each stretch's events end with a 200.
        await Promise.all(during.events);
        cuts.push({ failedEvents: answered500.length - failedBefore, busyReplies: busy });

        const after = await stretch();
        await Promise.all(after.events);
        for (const reply of after.replies) expect(reply).toContain('Machine Unlearning at Scale');
      }
      await Promise.all(chains.values());

      // The database was really gone each time: events were answered 500 and commands heard "busy".
      for (const c of cuts) {
        expect(c.failedEvents).toBeGreaterThan(0);
        expect(c.busyReplies).toBe(COMMANDS_PER_STRETCH);
      }
      // Every event was written within Slack's retries: none would have been given up.
      expect(dropped).toEqual([]);
      expect(alive(), 'the bot process is running').toBe(true);
      expect(await health()).toBe(200);

      // The tallies are exactly what the events leave: each reaction as its last event left it, a person
      // once per paper.
      const state = new Map<string, Reaction>();
      for (const r of sent) state.set(`${r.post.ts} ${r.user} ${r.emoji}`, r);
      const voters = SEED_PAPERS.map(() => new Set<string>());
      for (const r of state.values())
        if (r.added && UPVOTES.has(r.emoji)) voters[r.post.paper]!.add(`slack:${r.user}`);
      const top = await archive.topVoted(null, 10);
      for (const [i, paper] of SEED_PAPERS.entries()) {
        expect((await archive.getPaper(paper.id))?.teamVotes, `team votes of ${paper.id}`).toBe(
          voters[i]!.size,
        );
        const entry = top.find((t) => t.paper.id === paper.id);
        expect(new Set(entry?.voters ?? []), `voters of ${paper.id}`).toEqual(voters[i]);
      }
      expect(voters.reduce((n, v) => n + v.size, 0)).toBeGreaterThan(5);
      console.info(
        `faults/postgres-soak: ${sent.length} reaction events and ${COMMANDS_PER_STRETCH * 5} commands over two ` +
          `cuts; ${cuts.map((c) => c.failedEvents).join(' and ')} deliveries answered 500 during them, ` +
          `${retried} retries in all, 0 given up; ${voters.map((v) => v.size).join(' + ')} votes, exact`,
      );
    }, 180_000);
  },
);
