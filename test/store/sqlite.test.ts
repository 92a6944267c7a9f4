import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { readingListContract } from '../contract/reading-list.contract.ts';
import { paper, type StoreUnderTest, storeContract } from '../contract/store.contract.ts';
import { similarityContract } from '../contract/store-similarity.contract.ts';
import { watchStoreContract } from '../contract/watch-store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/**
 * A write blocked by another connection waits this long before failing. Short, because the outage test
 * waits it out on every write it tries; a store's connections in one thread never wait for each other.
 */
const busyTimeoutMs = 100;

similarityContract('SQLite', async () => SqliteStore.open(join(dir, `similar-${n++}.db`)));

const openSqlite = async (): Promise<StoreUnderTest> => {
  const file = join(dir, `store-${n++}.db`);
  // One file on one host: leases and claims are timed by the host's clock, which the suite moves.
  const clock = { now: new Date('2026-01-05T08:00:00.000Z') };
  const now = () => clock.now;
  return {
    store: SqliteStore.open(file, { now, busyTimeoutMs }),
    reopen: async () => SqliteStore.open(file, { now, busyTimeoutMs }),
    elapse: async (ms) => {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    outage: async () => {
      // Another process in the middle of a long write: it holds the write lock until it is done.
      const writer = new Database(file);
      writer.exec('BEGIN IMMEDIATE');
      return async () => {
        writer.exec('ROLLBACK');
        writer.close();
      };
    },
  };
};
storeContract('SQLite', openSqlite);
watchStoreContract('SQLite', openSqlite);
readingListContract('SQLite', openSqlite);

describe('SQLite file', () => {
  it('creates its folder, survives reopening, and migrates only once', async () => {
    const file = join(dir, 'nested', 'deeper', 'archive.db');
    const a = SqliteStore.open(file);
    await a.upsertPapers([
      {
        id: '2410.17243',
        arxivId: '2410.17243',
        title: 'T',
        abstract: '',
        authors: [],
        authorCount: null,
        organization: null,
        publishedAt: null,
        feedDate: null,
        upvotes: 1,
        comments: null,
      },
    ]);
    await a.close();
    const b = SqliteStore.open(file);
    expect(await b.countPapers()).toBe(1);
    expect(b.rawDatabase.pragma('journal_mode', { simple: true })).toBe('wal');
    await b.close();
  });

  it('upgrades an archive from before migration 4: its papers become searchable by organization and id, and their abbreviations are learned', async () => {
    const file = join(dir, 'v3.db');
    const old = new Database(file);
    for (const m of SQLITE_MIGRATIONS.filter((x) => x.version <= 3)) old.exec(m.sql);
    old.pragma('user_version = 3');
    const insert = old.prepare(
      `INSERT INTO papers (id, arxiv_id, title_key, title, abstract, authors, org_id, org_name, first_seen_at, updated_at)
       VALUES (?, ?, ?, 'A paper', ?, '[]', 'MHUGLab', 'Multimedia and Human Understanding Group', 'x', 'x')`,
    );
    insert.run('2501.00001', '2501.00001', '2501.00001', 'We study large language models (LLMs) at scale.');
    insert.run('2501.00002', '2501.00002', '2501.00002', 'Large Language Models (LLMs) forget.');
    old.close();
    const store = SqliteStore.open(file);
    const q = parseSearchQuery('human understanding 2501.00002');
    if (!q.ok) throw new Error(q.error);
    expect((await store.search(q.query, 10)).map((h) => h.paper.id)).toEqual(['2501.00002']);
    expect(await store.abbreviations(['llm'], [], 2)).toMatchObject([{ short: 'llm', papers: 2 }]);
    expect(await store.vocabulary('p', 5, 5)).toEqual([{ word: 'paper', papers: 2 }]);
    await store.close();
  });

  it('refuses an archive a newer paperboy has migrated, and leaves it as it was', async () => {
    const file = join(dir, 'newer.db');
    const latest = SQLITE_MIGRATIONS.at(-1)?.version as number;
    const store = SqliteStore.open(file);
    await store.upsertPapers([paper({ title: 'A paper kept by a newer paperboy' })]);
    await store.close();
    const newer = new Database(file);
    newer.pragma(`user_version = ${latest + 1}`);
    newer.close();
    expect(() => SqliteStore.open(file)).toThrow(
      new RegExp(`schema version ${latest + 1}, written by a newer paperboy; this one knows up to ${latest}`),
    );
    // Untouched: still the newer version, its paper still there.
    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(latest + 1);
    expect(after.prepare('SELECT COUNT(*) FROM papers').pluck().get()).toBe(1);
    after.close();
    rmSync(file);
  });

  it('keeps the roundup ledger of an older archive, and lets its unfinished claim be resumed', async () => {
    const file = join(dir, 'v2.db');
    const old = new Database(file);
    for (const m of SQLITE_MIGRATIONS.filter((x) => x.version <= 2)) old.exec(m.sql);
    old.pragma('user_version = 2');
    old.exec(`INSERT INTO roundups VALUES ('slack:C1', '2026-01-05', 'claimed', 'old', '2026-01-05T09:00:00.000Z', NULL);
      INSERT INTO roundup_items VALUES ('slack:C1', '2026-01-05', 0, '#header', 'slack:C1:1');`);
    old.close();
    const store = SqliteStore.open(file, { now: () => new Date('2026-01-05T09:00:30.000Z') });
    expect(await store.getRoundup('slack:C1', '2026-01-05')).toMatchObject({
      state: 'claimed',
      leaseUntil: null,
      failures: 0,
      layout: null,
      items: [{ paperId: '#header', key: null, message: 'slack:C1:1' }],
    });
    // A claim from before leases has no lease left: the next run takes it at once.
    expect(await store.claimRoundup('slack:C1', '2026-01-05', 'new', 30_000)).toBe(true);
    await store.close();
  });
});
