import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { postSigned, reactionEventBody, SEED_PAPERS } from '../adapters/slack/harness.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { FAKE_TEAM_ID, type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
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
const SECRET = 'cut-secret';
const TOKEN = 'xoxb-cut';
/** A paper post in #general that reactions turn into votes. */
const POST = { channel: 'C0GENERAL', ts: '1712345600.000100' };

suite(
  available.ok
    ? 'PostgreSQL cut in the middle of a transaction'
    : `PostgreSQL cut mid-transaction: skipped, ${available.ok || available.reason}`,
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
      await archive.recordPost({
        message: `slack:${POST.channel}:${POST.ts}`,
        channel: `slack:${POST.channel}`,
        paperId: SEED_PAPERS[0]!.id,
        kind: 'share',
        postedBy: 'slack:U0ALICE',
        postedAt: '2026-01-05T08:00:00.000Z',
      });
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
      await logs.waitFor((r) => r.msg === 'platform started', 'platform started');
    });

    afterAll(async () => {
      await stopBot(child);
      await archive?.close();
      await Promise.all([proxy?.close(), slack?.close(), hf?.close()]);
      await dropThrowawayDatabases();
    });

    const health = async () => (await fetch(`${base}/healthz`)).status;
    /** A signed reaction_added; resolves with Slack's answer, which waits for the vote's write. */
    const react = async (user: string) => {
      const body = reactionEventBody('reaction_added', POST, user, '+1');
      return (await postSigned(`${base}/slack/events`, SECRET, body, 'application/json')).status;
    };
    const ask = async (text: string) => {
      const responseUrl = slack.responseUrl();
      const body = new URLSearchParams({
        team_id: FAKE_TEAM_ID,
        channel_id: POST.channel,
        user_id: 'U0ALICE',
        user_name: 'alice',
        command: '/papers',
        text,
        response_url: responseUrl,
        trigger_id: '1.2.3',
      }).toString();
      expect((await postSigned(`${base}/slack/events`, SECRET, body)).status).toBe(200);
      const reply = await slack.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
      return String(reply.body.text ?? '');
    };
    const votes = async () => (await archive.getPaper(SEED_PAPERS[0]!.id))?.teamVotes ?? 0;

    it('keeps the process up, reports the vote, answers "busy" and is healthy again once the database is back', async () => {
      // A health check leaves a connected client idle in the pool: the vote's transaction takes that one.
      expect(await health()).toBe(200);

      // Frozen as the vote's transaction begins (after the delivery was claimed in the store).
      proxy.freezeWhen('BEGIN');
      const swallowed = proxy.swallowed();
      // The event is acked only once its vote is written, so its answer is still to come.
      const answered = react('U0CAROL');
      // The transaction's first statement has gone into the frozen network and waits for an answer...
      await swallowed;
      // ...when the connection drops: "Connection terminated unexpectedly" on a checked-out client.
      await proxy.cut();
      // The write failed, so Slack is answered 500 and will deliver the event again.
      expect(await answered).toBe(500);

      const failed = await logs.waitFor((r) => r.msg === 'recording a reaction failed', 'the failed vote');
      expect(failed.message).toBe(`slack:${POST.channel}:${POST.ts}`);
      // Reported as the store's one "not now" error, wrapping what the driver said.
      expect(failed.err?.message).toMatch(
        /^The PostgreSQL archive cannot be used right now: Connection terminated/,
      );
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();

      // The person asking meanwhile is told to wait, and the load balancer sees the outage.
      expect(await ask('search unlearning')).toMatch(/archive is busy or unreachable.*Try again/);
      expect(await health()).toBe(503);

      await proxy.restore();
      await until(async () => (await health()) === 200);
      // The vote that was lost with the connection counts when it is cast again.
      expect(await votes()).toBe(0);
      expect(await react('U0CAROL')).toBe(200);
      await until(async () => (await votes()) === 1);
      expect(child.exitCode).toBeNull();
    }, 60_000);
  },
);
