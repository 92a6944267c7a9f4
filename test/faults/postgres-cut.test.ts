import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { postSigned, reactionEventBody, SEED_PAPERS } from '../adapters/slack/harness.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { FAKE_TEAM_ID, type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { until } from '../multi/until.ts';
import {
  ADMIN_URL,
  dropThrowawayDatabases,
  postgresAvailable,
  throwawayDatabase,
} from '../store/postgres-db.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;
const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = new URL('./bot-child.ts', import.meta.url).pathname;
const SECRET = 'cut-secret';
const TOKEN = 'xoxb-cut';
/** A paper post in #general that reactions turn into votes. */
const POST = { channel: 'C0GENERAL', ts: '1712345600.000100' };

type LogRecord = { msg?: string; err?: { type?: string; message?: string }; [key: string]: unknown };

/** A port free right now, for the child's Slack receiver (which also serves /healthz). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The child's JSON log lines as they arrive. `waitFor` resolves with the first matching record, and
 * rejects as soon as the child exits without one: a crash fails the test at once, with its stderr.
 */
function watchLogs(child: ChildProcess) {
  const records: LogRecord[] = [];
  const waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      return; // not a log record (nothing else writes to stdout, but a stray line must not break the test)
    }
    records.push(record);
    for (const w of waiters.filter((x) => x.match(record))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(record);
    }
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`the bot exited (${code ?? signal}); stderr:\n${stderr}`)),
  );
  return {
    records,
    waitFor(match: (r: LogRecord) => boolean, what: string, timeoutMs = 20_000): Promise<LogRecord> {
      const seen = records.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogRecord>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line "${what}" within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
        void exited.then((why) => {
          clearTimeout(timer);
          reject(new Error(`waiting for "${what}": ${why}`));
        });
      });
    },
  };
}

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
      const url = await throwawayDatabase();
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
      child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: viaProxy.toString(),
          HF_API_URL: hf.url,
          PORT: String(port),
          SLACK_BOT_TOKEN: TOKEN,
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_API_URL: slack.apiUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      logs = watchLogs(child);
      await logs.waitFor((r) => r.msg === 'platform started', 'platform started');
    });

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
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

      proxy.freeze();
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
