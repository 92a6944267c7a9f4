import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { SEED_PAPERS } from '../adapters/slack/harness.ts';
import { holdWriteLock } from './hold-write-lock.ts';
import { type FaultBot, startFaultBot } from './slack-bot.ts';

const BUSY_TIMEOUT_MS = 1000;
let path = '';

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
    const lock = holdWriteLock(path, BUSY_TIMEOUT_MS / 3);
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
    const lock = holdWriteLock(path, 60_000);
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
