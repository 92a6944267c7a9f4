import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { storeContract } from '../contract/store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('SQLite', async () => {
  const file = join(dir, `store-${n++}.db`);
  const clock = { now: new Date('2026-01-05T08:00:00.000Z') };
  const now = () => clock.now;
  return {
    store: SqliteStore.open(file, { now }),
    clock,
    reopen: async () => SqliteStore.open(file, { now }),
  };
});

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
});
