import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { SEED_PAPERS } from '../adapters/slack/harness.ts';
import { type FaultBot, startFaultBot } from './slack-bot.ts';

const BUSY_TIMEOUT_MS = 1000;
let path = '';

/**
 * Another connection (in a worker thread: better-sqlite3 waits synchronously, so the holder must not
 * share the bot's thread) takes the write lock with BEGIN IMMEDIATE and keeps it until `holdMs` pass or
 * it is told to let go. `released` is when it committed, on the same clock as the fakes.
 */
function holdWriteLock(holdMs: number) {
  const shared = new SharedArrayBuffer(16);
  const flag = new Int32Array(shared, 0, 1);
  const releasedAt = new Float64Array(shared, 8, 1);
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const Database = require(workerData.module);
     const db = new Database(workerData.path);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("INSERT INTO leases (name, holder, expires_at) VALUES ('lock-test', 'other', '2100-01-01')").run();
     parentPort.postMessage('locked');
     const flag = new Int32Array(workerData.shared, 0, 1);
     Atomics.wait(flag, 0, 0, workerData.holdMs);
     db.exec('ROLLBACK');
     new Float64Array(workerData.shared, 8, 1)[0] = Date.now();
     db.close();`,
    {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, holdMs, shared },
    },
  );
  const locked = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    locked,
    /** Lets go now (if still held) and resolves with the commit time once the worker is gone. */
    async release(): Promise<number> {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await exited;
      return releasedAt[0] as number;
    },
  };
}

describe('the SQLite archive locked by another writer', () => {
  let bot: FaultBot;
  beforeAll(async () => {
    bot = await startFaultBot({
      openStore: async (dir) => {
        path = join(dir, 'archive.db');
        const store = SqliteStore.open(path, { busyTimeoutMs: BUSY_TIMEOUT_MS });
        await store.upsertPapers(SEED_PAPERS);
        return store;
      },
    });
  });
  afterAll(() => bot?.close());

  it('a share that must write waits for the lock (busy timeout) and succeeds once it is released', async () => {
    const lock = holdWriteLock(BUSY_TIMEOUT_MS / 3);
    await lock.locked;
    // 2410.17243 is not in the archive: sharing it stores it (a write) before posting.
    const answer = await bot.ask('share 2410.17243');
    const releasedAt = await lock.release();
    expect(answer.text).toContain('Shared “Breaking the Memory Barrier');
    // The answer came after the other connection let go: the write waited instead of failing.
    expect(answer.call.at).toBeGreaterThanOrEqual(releasedAt);
    expect(await bot.store.getPaper('2410.17243')).not.toBeNull();
  });

  it('one blocked longer than the busy timeout is told to try again, and the bot keeps working', async () => {
    const lock = holdWriteLock(60_000);
    await lock.locked;
    const answer = await bot.ask('share 2410.16251');
    const releasedAt = await lock.release();
    expect(answer.call.at).toBeLessThanOrEqual(releasedAt);
    expect(answer.public).toBe(false);
    expect(answer.text).toMatch(/archive is busy or unreachable.*Try again/);
    expect(answer.text).not.toMatch(/SQLITE_BUSY|database is locked|\n\s+at /);
    expect(await bot.store.getPaper('2410.16251')).toBeNull();
    // Released: the same command now works.
    const again = await bot.ask('share 2410.16251');
    expect(again.text).toMatch(/^Shared “/);
    expect(await bot.store.getPaper('2410.16251')).not.toBeNull();
  });
});
