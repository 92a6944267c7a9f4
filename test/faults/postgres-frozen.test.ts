import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { StoreUnavailableError } from '../../src/store/port.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SEED_PAPERS } from '../adapters/slack/harness.ts';
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

suite(
  available.ok
    ? 'PostgreSQL behind a network that silently drops everything'
    : `PostgreSQL frozen network: skipped, ${available.ok || available.reason}`,
  () => {
    let proxy: TcpProxy;
    let store: PostgresStore;
    beforeAll(async () => {
      const direct = new URL(await throwawayDatabase());
      const server = new URL(ADMIN_URL);
      proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
      const viaProxy = new URL(direct);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      // A short limit, so the test need not wait out the production one (15 s, and 5 s more client-side).
      store = await PostgresStore.open(viaProxy.toString(), {
        logger: silentLogger,
        statementTimeoutMs: 500,
      });
      await store.upsertPapers(SEED_PAPERS);
    });
    afterAll(async () => {
      await store?.close();
      await proxy?.close();
      await dropThrowawayDatabases();
    });

    it('fails a query that gets no answer as "unavailable" instead of waiting forever, and recovers', async () => {
      proxy.freeze();
      // Reads on the pool and a write in a transaction: neither can hang the caller. Both are sent at once
      // (the read first, so it takes the pool's idle connection and the write has to open one), so the
      // test waits out the two time limits together instead of one after the other.
      const [read, write] = await Promise.all([
        store.getPaper(SEED_PAPERS[0]!.id).catch((e: unknown) => e),
        store.upsertPapers([{ ...SEED_PAPERS[0]!, upvotes: 99 }]).catch((e: unknown) => e),
      ]);
      expect(read).toBeInstanceOf(StoreUnavailableError);
      expect((read as Error).message).toMatch(/Query read timeout/);
      expect(write).toBeInstanceOf(StoreUnavailableError);

      // Once packets flow again, the stuck connections are gone and new ones work.
      await proxy.cut();
      await proxy.restore();
      await until(async () => (await store.getPaper(SEED_PAPERS[0]!.id).catch(() => null)) !== null, 20_000);
      await store.upsertPapers([{ ...SEED_PAPERS[0]!, upvotes: 99 }]);
      expect((await store.getPaper(SEED_PAPERS[0]!.id))?.upvotes).toBe(99);
    }, 60_000);
  },
);
