import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { LOCK_COOL_OFF_MS, LockWait, SHORT_LOCK_WAIT_MS } from '../../src/store/sqlite/lock-wait.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { holdWriteLock } from '../faults/hold-write-lock.ts';

/**
 * A write that waited the full busy timeout for another process's lock and failed makes the next writes
 * wait only briefly, for a while: better-sqlite3 waits on the bot's one thread, and a bulk import or a
 * reindex holds the lock for minutes.
 */
const FULL_MS = 400;
let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const busy = () => new Database.SqliteError('database is locked', 'SQLITE_BUSY');

describe('LockWait', () => {
  it('waits the full timeout, briefly after a write timed out on the lock, and fully again once that is past', () => {
    const db = new Database(':memory:');
    let t = 0;
    const wait = new LockWait(db, FULL_MS, () => t);
    const timeout = () => db.pragma('busy_timeout', { simple: true });
    expect(timeout()).toBe(FULL_MS);
    wait.failed(new Error('not a lock'));
    wait.before();
    expect(timeout()).toBe(FULL_MS);
    wait.failed(busy());
    wait.before();
    expect(timeout()).toBe(SHORT_LOCK_WAIT_MS);
    // Another failure on the lock later extends the short waits from then.
    t += LOCK_COOL_OFF_MS - 1;
    wait.failed(busy());
    t += LOCK_COOL_OFF_MS - 1;
    wait.before();
    expect(timeout()).toBe(SHORT_LOCK_WAIT_MS);
    t += 1;
    wait.before();
    expect(timeout()).toBe(FULL_MS);
    db.close();
  });
});

describe('the SQLite store while another process holds the write lock', () => {
  it('fails the first write after the full wait, later ones after a short one, and writes again once the lock is free', async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-lockwait-'));
    const path = join(dir, 'archive.db');
    const store = SqliteStore.open(path, { busyTimeoutMs: FULL_MS });
    const post = (message: string) => ({
      message,
      channel: 'slack:C1',
      paperId: null,
      kind: 'share' as const,
      postedBy: null,
      postedAt: '2026-12-05T08:00:00.000Z',
    });
    try {
      expect(store.lockWait?.waitMs).toBe(FULL_MS);
      const lock = holdWriteLock(path, 60_000);
      await lock.locked;
      await expect(store.recordPost(post('slack:C1:1'))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(store.lockWait?.waitMs).toBe(SHORT_LOCK_WAIT_MS);
      await expect(store.recordPost(post('slack:C1:2'))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(store.rawDatabase.pragma('busy_timeout', { simple: true })).toBe(SHORT_LOCK_WAIT_MS);
      // Reads never wait for the writer (WAL).
      expect(await store.getPost('slack:C1:1')).toBeNull();
      await lock.release();
      // Still in the short waits, but the lock is free: the write goes through at once.
      await store.recordPost(post('slack:C1:3'));
      expect(await store.getPost('slack:C1:3')).not.toBeNull();
    } finally {
      await store.close();
    }
  });
});
