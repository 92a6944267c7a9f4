import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthReport } from '../../src/app/health.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { silentLogger } from '../../src/log.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import { StoreUnavailableError } from '../../src/store/port.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SEED_PAPERS } from '../adapters/slack/harness.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';
import { until } from '../multi/until.ts';
import {
  ADMIN_URL,
  dropThrowawayDatabases,
  postgresAvailable,
  throwawayDatabase,
} from '../store/postgres-db.ts';
import { type FaultBot, startFaultBot } from './slack-bot.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;

suite(
  available.ok
    ? 'PostgreSQL unreachable for a while'
    : `PostgreSQL outage: skipped, ${available.ok || available.reason}`,
  () => {
    let proxy: TcpProxy;
    let bot: FaultBot;
    beforeAll(async () => {
      const direct = new URL(await throwawayDatabase());
      const server = new URL(ADMIN_URL);
      proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
      const viaProxy = new URL(direct);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      bot = await startFaultBot({
        openStore: async () => {
          const store = await PostgresStore.open(viaProxy.toString(), { logger: silentLogger });
          await store.upsertPapers(SEED_PAPERS);
          return store;
        },
      });
    });
    afterAll(async () => {
      await bot?.close();
      await proxy?.close();
      await dropThrowawayDatabases();
    });

    it('answers commands clearly while the database is cut off, and works again once it is back', async () => {
      expect((await bot.ask('search unlearning')).text).toContain('Machine Unlearning at Scale');

      await proxy.cut();
      const search = await bot.ask('search unlearning');
      expect(search.public).toBe(false);
      expect(search.text).toMatch(/archive is busy or unreachable.*Try again/);
      expect(search.text).not.toMatch(/ECONNREFUSED|Connection terminated|\n\s+at /);
      const share = await bot.ask('share 2501.00001');
      expect(share.text).toMatch(/archive is busy or unreachable.*Try again/);
      expect(bot.channelPosts()).toHaveLength(0);
      // The scheduler meets the same outage at its next minute and survives it.
      const scheduler = new Scheduler({
        store: bot.store,
        hf: new HfClient({ baseUrl: bot.hf.url, retries: 0 }),
        platforms: new Map([['slack', new RecordingPlatform()]]),
        defaults: { channels: ['slack:C0GENERAL'], time: '00:00', timezone: 'UTC', catchUpMs: 86_400_000 },
        logger: silentLogger,
      });
      await expect(scheduler.tick()).resolves.toEqual([]);
      await scheduler.ingest();
      expect(scheduler.lastIngestion).toBeNull(); // it could not even take the ingestion lease

      await proxy.restore();
      expect((await bot.ask('search unlearning')).text).toContain('Machine Unlearning at Scale');
      const shared = await bot.ask('share 2501.00001');
      expect(shared.text).toBe('Shared “Machine Unlearning at Scale” in this channel.');
      expect(bot.channelPosts()).toHaveLength(1);
    }, 30_000);

    it('refuses a vote whose connection is cut mid-transaction, and takes it once the database is back', async () => {
      const message = 'slack:C0GENERAL:1712345600.000100';
      await bot.store.recordPost({
        message,
        channel: 'slack:C0GENERAL',
        paperId: '2501.00002',
        kind: 'share',
        postedBy: 'slack:U0ALICE',
        postedAt: '2026-01-05T08:00:00.000Z',
      });
      const vote = { message, user: 'slack:U0CAROL', emoji: '+1', at: '2026-01-05T08:01:00.000Z' };
      const sources = { store: bot.store, platforms: () => [], lastIngestion: () => null };
      const health = async () => (await healthReport(sources)).status;
      expect(await health()).toBe('ok');

      proxy.freeze();
      const swallowed = proxy.swallowed();
      const voting = bot.store.addReaction(vote).then(
        () => null,
        (e: unknown) => e,
      );
      await swallowed; // the transaction's first statement is on its way, and never arrives
      await proxy.cut();
      const error = await voting;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toMatchObject({ message: 'Connection terminated unexpectedly' });
      expect(await health()).toBe('unavailable');

      await proxy.restore();
      // Re-checked until the pool has let go of every connection the cut broke; bounded by until().
      await until(async () => (await health()) === 'ok');
      expect(await bot.store.addReaction(vote)).toBe(1);
    }, 30_000);
  },
);
