import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileHeldJournal } from '../../src/chat/held-journal.ts';
import { UnrecordedPosts } from '../../src/chat/unrecorded-posts.ts';
import { silentLogger } from '../../src/log.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { PostRecord } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';
import { waitUntil } from '../fakes/wait-until.ts';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-unrecorded-'));
  // A write waiting for another writer's lock gives up after 50 ms, as after 5 s in production.
  store = SqliteStore.open(join(dir, 'archive.db'), { busyTimeoutMs: 50 });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post: PostRecord = {
  message: 'slack:C0BUSY:1767300000.000100',
  channel: 'slack:C0BUSY',
  paperId: null,
  kind: 'share',
  postedBy: 'slack:U0ERIN',
  postedAt: '2026-01-02T08:00:00.000Z',
};

it('a share the archive could not record before a restart is recorded by the next start, and votes on it wait until then', async () => {
  const lock = new Database(join(dir, 'archive.db'));
  lock.exec('BEGIN IMMEDIATE');
  const refusal = await store.recordPost(post).then(
    () => null,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(StoreUnavailableError);
  const held = join(dir, 'held-events');
  const firstJournal = new FileHeldJournal(held, silentLogger);
  const first = new UnrecordedPosts({
    logger: silentLogger,
    timers: new ManualTimers(),
    journal: firstJournal,
    record: (p) => store.recordPost(p),
  });
  first.recordLater(post, refusal as StoreUnavailableError);
  // The bot stops (a deploy) while the lock is still held.
  await first.stop();
  firstJournal.close();

  const timers = new ManualTimers();
  const journal = new FileHeldJournal(held, silentLogger);
  const next = new UnrecordedPosts({
    logger: silentLogger,
    timers,
    journal,
    record: (p) => store.recordPost(p),
  });
  try {
    // Still locked: the share waits again, and a vote on its message is refused as the archive refused it.
    await timers.waits.waitFor(() => true, 'the share waiting for the archive');
    expect(next.waitingFor(post.message)).toBeInstanceOf(StoreUnavailableError);
    lock.exec('ROLLBACK');
    lock.close();
    timers.fire();
    await waitUntil(() => next.waitingFor(post.message) === null, 'the share recorded');
    expect(await store.getPost(post.message)).toMatchObject({ kind: 'share', postedBy: 'slack:U0ERIN' });
    expect(readdirSync(held).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  } finally {
    await next.stop();
    journal.close();
  }
});
