import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { readingListContract } from '../contract/reading-list.contract.ts';
import { paper, type StoreUnderTest, storeContract } from '../contract/store.contract.ts';
import { similarityContract } from '../contract/store-similarity.contract.ts';
import { watchStoreContract } from '../contract/watch-store.contract.ts';
import { startTcpProxy, type TcpProxy } from '../faults/tcp-proxy.ts';
import {
  ADMIN_URL,
  ageLeasesAndClaims,
  migratedDatabase,
  postgresAvailable,
  throwawayDatabase,
} from './postgres-db.ts';

const available = await postgresAvailable();
/** Every contract store talks to the server through this proxy, so that a test can cut the network. */
let proxy: TcpProxy | undefined;
async function throughProxy(url: string): Promise<string> {
  if (!proxy) {
    const server = new URL(ADMIN_URL);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  }
  const via = new URL(url);
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  return via.toString();
}

const suite = available.ok ? describe : describe.skip;

// Without a reachable server the suite is reported as skipped, with the reason in its name.
suite(available.ok ? 'PostgreSQL' : `PostgreSQL: skipped, ${available.reason}`, () => {
  similarityContract('PostgreSQL', async () => PostgresStore.open(await migratedDatabase()));

  const openPostgres = async (): Promise<StoreUnderTest> => {
    const direct = await migratedDatabase();
    const url = await throughProxy(direct);
    const now = () => new Date('2026-01-05T08:00:00.000Z');
    return {
      store: await PostgresStore.open(url, { now }),
      reopen: () => PostgresStore.open(url, { now }),
      elapse: (ms) => ageLeasesAndClaims(direct, ms),
      outage: async () => {
        await proxy?.cut();
        return async () => {
          await proxy?.restore();
        };
      },
    };
  };
  storeContract('PostgreSQL', openPostgres);
  watchStoreContract('PostgreSQL', openPostgres);
  readingListContract('PostgreSQL', openPostgres);

  describe('stop words', () => {
    it('a query requiring only stop words finds nothing, with or without an exclusion', async () => {
      const store = await PostgresStore.open(await migratedDatabase());
      try {
        const make = (arxivId: string, title: string) =>
          paper({ arxivId, title, abstract: `${title}, with a method and its evaluation.` });
        await store.upsertPapers([make('2601.00001', 'Sparse attention'), make('2601.00002', 'A framework')]);
        const search = async (text: string) => {
          const parsed = parseSearchQuery(text);
          if (!parsed.ok) throw new Error(parsed.error);
          return (await store.search(parsed.query, 10)).map((h) => h.paper.id);
        };
        expect(await search('with')).toEqual([]);
        // Not "every paper without framework": the exclusion alone is no query.
        expect(await search('with -framework')).toEqual([]);
        expect(await search('with attention -framework')).toEqual(['2601.00001']);
      } finally {
        await store.close();
      }
    });
  });

  describe('hosts whose clocks disagree', () => {
    const HOUR = 3_600_000;
    let behind: PostgresStore;
    let ahead: PostgresStore;
    beforeAll(async () => {
      const url = await migratedDatabase();
      behind = await PostgresStore.open(url, { now: () => new Date(Date.now() - HOUR) });
      ahead = await PostgresStore.open(url, { now: () => new Date(Date.now() + HOUR) });
    });
    afterAll(async () => {
      await behind?.close();
      await ahead?.close();
    });

    it('do not take a lease from each other: expiry is on the database clock', async () => {
      expect(await behind.acquireLease('discord-gateway', 'behind', 30_000)).toBe(true);
      expect(await ahead.acquireLease('discord-gateway', 'ahead', 30_000)).toBe(false);
      expect(await ahead.acquireLease('ingest', 'ahead', 30_000)).toBe(true);
      expect(await behind.acquireLease('ingest', 'behind', 30_000)).toBe(false);
    });

    it('do not take a live roundup lease for one that ran out', async () => {
      expect(await behind.claimRoundup('slack:C1', '2026-01-05', 'behind', 30_000)).toBe(true);
      expect(await ahead.claimRoundup('slack:C1', '2026-01-05', 'ahead', 30_000)).toBe(false);
      // Renewing the lease stamps it with the database's time too.
      expect(await behind.renewRoundup('slack:C1', '2026-01-05', 'behind', 30_000)).toBe(true);
      expect(await ahead.claimRoundup('slack:C1', '2026-01-05', 'ahead', 30_000)).toBe(false);
      expect((await ahead.getRoundup('slack:C1', '2026-01-05'))?.claimedBy).toBe('behind');
      // …and so is a failed try's retry time.
      expect(await behind.recordRoundupFailure('slack:C1', '2026-01-05', 'behind', 'x', 60_000)).toBe(true);
      expect(await ahead.claimRoundup('slack:C1', '2026-01-05', 'ahead', 30_000)).toBe(false);
    });
  });

  describe('start-up', () => {
    let url: string;
    beforeAll(async () => {
      url = await throwawayDatabase();
    });

    it('applies migrations once when several instances start at the same moment', async () => {
      const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open(url)));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const r = await client.query('SELECT version FROM paperboy_migrations ORDER BY version');
      await client.end();
      expect(r.rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
      for (const s of stores) await s.close();
    });

    it('upgrades an archive from before migration 4: its papers become searchable by organization and id, and their abbreviations are learned', async () => {
      const old = await throwawayDatabase();
      const client = new pg.Client({ connectionString: old });
      await client.connect();
      await client.query(
        'CREATE TABLE paperboy_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      for (const m of POSTGRES_MIGRATIONS.filter((x) => x.version <= 3)) {
        await client.query(m.sql);
        await client.query('INSERT INTO paperboy_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
      }
      for (const [id, abstract] of [
        ['2501.00001', 'We study large language models (LLMs) at scale.'],
        ['2501.00002', 'Large Language Models (LLMs) forget.'],
      ]) {
        await client.query(
          `INSERT INTO papers (id, arxiv_id, title_key, title, abstract, authors, org_id, org_name, first_seen_at, updated_at)
           VALUES ($1, $1, $1, 'A paper', $2, '[]', 'MHUGLab', 'Multimedia and Human Understanding Group', 'x', 'x')`,
          [id, abstract],
        );
      }
      await client.end();
      const store = await PostgresStore.open(old);
      try {
        const q = parseSearchQuery('human understanding 2501.00002');
        if (!q.ok) throw new Error(q.error);
        expect((await store.search(q.query, 10)).map((h) => h.paper.id)).toEqual(['2501.00002']);
        expect(await store.abbreviations(['llm'], [], 2)).toMatchObject([{ short: 'llm', papers: 2 }]);
        expect(await store.vocabulary('p', 5, 5)).toEqual([{ word: 'paper', papers: 2 }]);
      } finally {
        await store.close();
      }
    });

    it('names the host, never the password, when the database cannot be reached', async () => {
      const err = await PostgresStore.open('postgres://paperboy:hunter2@127.0.0.1:9/none').catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/^Cannot use the PostgreSQL database at 127\.0\.0\.1:9\/none: /);
      expect((err as Error).message).not.toContain('hunter2');
    });
  });
});

// Every DROP DATABASE waits for a checkpoint: on a busy disk the suite's ~25 drops can outlast the
// default hook timeout, failing a run whose tests all passed.
afterAll(async () => {
  await proxy?.close();
  const { dropThrowawayDatabases } = await import('./postgres-db.ts');
  await dropThrowawayDatabases();
}, 120_000);
