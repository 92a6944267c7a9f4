import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { compiledChild } from '../crash/compiled-child.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-gateway.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from '../store/postgres-db.ts';
import { until } from './until.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;
const CLI_CHILD = new URL('../cli/cli-child.ts', import.meta.url).pathname;
const CHANNELS = ['CALPHA', 'CBRAVO', 'CCHARLIE', 'CDELTA'];

/**
 * One paperboy instance in its own process, as a process manager would run it: `paperboy start` from the
 * CLI compiled once for this file (compiled-child.ts), not through tsx, which would compile the sources
 * again in each of the three processes starting at once.
 */
function startInstance(cli: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [cli, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

suite(
  available.ok
    ? 'several instances on one PostgreSQL'
    : `several instances: skipped, ${available.ok || available.reason}`,
  () => {
    let slack: FakeSlackApi;
    let discord: FakeDiscord;
    let hf: FakeHf;
    let store: PostgresStore;
    const children: ChildProcess[] = [];
    let localDay = '';

    beforeAll(async () => {
      const url = await migratedDatabase();
      store = await PostgresStore.open(url);
      // Everything keyed to a minute ago, so a run that straddles midnight UTC stays on one day.
      const dueAt = new Date(Date.now() - 60_000);
      const today = dueAt.toISOString().slice(0, 10);
      localDay = today;
      // Today's feed, and four Slack channels whose roundup was due a minute ago, every day of the week.
      const feed = readFileSync(
        new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url),
        'utf8',
      );
      await store.upsertPapers(parseHfJson(feed).papers.map((p) => ({ ...p, feedDate: today })));
      const due = dueAt.toISOString().slice(11, 16);
      for (const c of CHANNELS) {
        await store.saveChannelSettings({
          ...defaultSettings(`slack:${c}`, { time: due, timezone: 'UTC' }),
          days: [1, 2, 3, 4, 5, 6, 7],
        });
      }
      slack = await startFakeSlackApi({ botToken: 'xoxb-multi' });
      discord = await startFakeDiscord();
      hf = await startFakeHf();
      const env = {
        DATABASE_URL: url,
        HF_API_URL: hf.url,
        LOG_LEVEL: 'warn',
        PORT: '0',
        SLACK_BOT_TOKEN: 'xoxb-multi',
        SLACK_SIGNING_SECRET: 'multi-secret',
        SLACK_API_URL: slack.apiUrl,
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_LEASE_SECONDS: '2',
        // The instances share a host: one folder for the events they hold, not the checkout's ./data.
        HELD_EVENTS_DIR: mkdtempSync(join(tmpdir(), 'paperboy-held-')),
      };
      const cli = await compiledChild(CLI_CHILD);
      for (let i = 0; i < 3; i++) children.push(startInstance(cli, env));
    });

    afterAll(async () => {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map(exited));
      await store?.close();
      await Promise.all([slack?.close(), discord?.close(), hf?.close()]);
      await dropThrowawayDatabases();
      // Three processes stopping on a machine the rest of the suite keeps busy: more than the default.
    }, 90_000);

    it('posts each channel roundup exactly once when three instances are due at the same minute', async () => {
      const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200);
      // Header plus five papers in each of the four channels.
      await slack.waitFor(() => posts().length >= CHANNELS.length * 6, 60_000);
      // The ledger is written just after the last post lands: re-check it as each instance finishes.
      const localDate = localDay;
      const ledger = () => Promise.all(CHANNELS.map((c) => store.getRoundup(`slack:${c}`, localDate)));
      await until(async () => (await ledger()).every((r) => r?.state === 'posted'), 20_000);
      for (const record of await ledger()) expect(record?.items).toHaveLength(6);
      // Let every instance finish what it had started, then count again: nothing was posted twice.
      const byChannel = new Map<string, unknown[]>();
      for (const call of posts())
        byChannel.set(String(call.body.channel), [
          ...(byChannel.get(String(call.body.channel)) ?? []),
          call.body.text,
        ]);
      for (const c of CHANNELS) {
        const texts = byChannel.get(c) ?? [];
        expect(texts).toHaveLength(6);
        expect(new Set(texts).size).toBe(6);
      }
    }, 90_000);

    it('keeps one Discord gateway connection, and another instance takes over when its holder is killed', async () => {
      await discord.waitForFrame((f) => f.kind === 'recv' && f.op === 2, 'the first IDENTIFY', 30_000);
      const holder = async () => {
        const r = await store.rawPool.query<{ holder: string }>(
          "SELECT holder FROM leases WHERE name = 'discord-gateway'",
        );
        return r.rows[0]?.holder ?? '';
      };
      const first = await holder();
      const pid = Number(first.split('-').at(-2));
      const victim = children.find((c) => c.pid === pid);
      expect(victim).toBeDefined();
      expect(discord.frames.filter((f) => f.kind === 'recv' && f.op === 2)).toHaveLength(1);

      const killedAt = Date.now();
      victim?.kill('SIGKILL');
      await exited(victim!);
      // The lease (2 s) expires and a standing-by instance connects and identifies.
      await discord.waitForFrame(
        (f) => f.kind === 'recv' && f.op === 2 && f.at > killedAt,
        'a new IDENTIFY',
        30_000,
      );
      expect(await holder()).not.toBe(first);

      const sent = discord.command('help');
      const edited = await discord.waitForCall(
        (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
        'the help reply from the new holder',
        20_000,
      );
      expect(JSON.stringify(edited.body)).toMatch(/papers/);
    }, 90_000);
  },
);
