import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReactionEvent } from '../../src/chat/platform.ts';
import { createLogger } from '../../src/log.ts';
import { type DiscordBot, recordShare, startDiscordBot } from '../adapters/discord/harness.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';
import { Recorder } from '../fakes/recording-handlers.ts';
import { waitUntil } from '../fakes/wait-until.ts';
import { holdWriteLock } from './hold-write-lock.ts';

/**
 * Discord sends a gateway event once. Votes cast while another process holds the archive's write lock
 * (a bulk import or `paperboy reindex`, minutes at a million papers) used to be logged and lost; now they
 * wait, in order, and count once the lock is gone. Real discord.js client, real SQLite file, a real second
 * connection holding the lock; only the retry's timers are the test's.
 */
const BUSY_TIMEOUT_MS = 150;
const timers = new ManualTimers();
const handled = new Recorder<ReactionEvent>();
let harness: DiscordBot;

beforeAll(async () => {
  harness = await startDiscordBot({
    upvoteEmoji: ['+1', 'fire'],
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    retryTimers: timers,
    onReactionHandled: (e) => handled.push(e),
  });
});
afterAll(() => harness?.close());

const votes = async (paperId: string) => (await harness.store.getPaper(paperId))?.teamVotes;

describe('votes on Discord while another process holds the archive’s write lock', () => {
  it('are held, in order, and counted once the lock is released: none lost, a removal stays removed', async () => {
    const { fake } = harness;
    const id = await recordShare(harness, '2410.16251', '1299999999999991001');
    const before = (await votes('2410.16251')) ?? 0;
    const lock = holdWriteLock(harness.path, 60_000);
    await lock.locked;
    const { alice, bob } = fake.users;
    fake.reactionAdd(id, { id: null, name: '👍' }, alice.user);
    // Refused past the busy timeout: held, waiting to try again.
    await timers.waits.waitFor(() => true, 'the first vote waiting for the archive');
    fake.reactionAdd(id, { id: null, name: '🔥' }, bob.user);
    fake.reactionRemove(id, { id: null, name: '👍' }, alice.user);
    // All three wait, alice's removal behind her vote.
    await waitUntil(() => harness.platform.heldEvents === 3, 'three reactions held');
    expect(handled.items).toEqual([]);
    await lock.release();
    timers.fire();
    await handled.waitFor((e) => e.user.endsWith(alice.user.id) && !e.added, 'alice’s removal recorded');
    expect(handled.items.map((e) => [e.user, e.emoji, e.added])).toEqual([
      [`discord:${alice.user.id}`, '👍', true],
      [`discord:${bob.user.id}`, '🔥', true],
      [`discord:${alice.user.id}`, '👍', false],
    ]);
    // Bob's vote counts; alice's, removed after it was cast, does not.
    expect(await votes('2410.16251')).toBe(before + 1);
    expect(harness.platform.heldEvents).toBe(0);
  });
});

describe('votes held for the archive when the bot stops', () => {
  it('are written down, and the next start on the host counts them in the order they were cast', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-restart-'));
    const counted = new Recorder<ReactionEvent>();
    const first = await startDiscordBot({
      upvoteEmoji: ['+1', 'fire'],
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      retryTimers: new ManualTimers(),
      dir,
      journal: true,
    });
    let second: DiscordBot | undefined;
    try {
      const id = await recordShare(first, '2410.16251', '1299999999999991004');
      const before = (await first.store.getPaper('2410.16251'))?.teamVotes ?? 0;
      const lock = holdWriteLock(first.path, 60_000);
      await lock.locked;
      const { alice, bob } = first.fake.users;
      first.fake.reactionAdd(id, { id: null, name: '👍' }, alice.user);
      first.fake.reactionAdd(id, { id: null, name: '🔥' }, bob.user);
      first.fake.reactionRemove(id, { id: null, name: '👍' }, alice.user);
      await waitUntil(() => first.platform.heldEvents === 3, 'three reactions held');
      // A deploy restarts the bot while the import still holds the lock.
      await first.close();
      await lock.release();
      second = await startDiscordBot({
        upvoteEmoji: ['+1', 'fire'],
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        retryTimers: new ManualTimers(),
        onReactionHandled: (e) => counted.push(e),
        dir,
        journal: true,
      });
      await counted.waitFor((e) => e.user.endsWith(alice.user.id) && !e.added, 'alice’s removal recorded');
      expect(counted.items.map((e) => [e.user, e.emoji, e.added])).toEqual([
        [`discord:${alice.user.id}`, '👍', true],
        [`discord:${bob.user.id}`, '🔥', true],
        [`discord:${alice.user.id}`, '👍', false],
      ]);
      expect(await second.store.getPaper('2410.16251').then((p) => p?.teamVotes)).toBe(before + 1);
      // Recorded, they are no longer written down: a third start would not count them again.
      expect(readdirSync(join(dir, 'held-events')).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
    } finally {
      await second?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Discord gateway lease while another process holds the archive’s write lock', () => {
  it('is kept past its length, so Discord stays connected: a vote cast after that is held and counts once the lock is gone', async () => {
    const TTL_MS = 600;
    // Resolves once the lease's renewals have been refused for twice its length: by then an instance that
    // let go of a lease it could not renew would have disconnected.
    let refusedLongEnough!: () => void;
    const refused = new Promise<void>((resolve) => {
      refusedLongEnough = resolve;
    });
    let firstRefusal: number | undefined;
    const logger = createLogger('info', {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg?: string; time: number };
        if (entry.msg !== 'could not renew the lease; will retry') return;
        firstRefusal ??= entry.time;
        if (entry.time - firstRefusal > 2 * TTL_MS) refusedLongEnough();
      },
    });
    const leaseTimers = new ManualTimers();
    const counted = new Recorder<ReactionEvent>();
    const h = await startDiscordBot({
      upvoteEmoji: ['+1'],
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      retryTimers: leaseTimers,
      onReactionHandled: (e) => counted.push(e),
      lease: { ttlMs: TTL_MS, logger },
    });
    try {
      expect(h.leased?.active).toBe(true);
      const id = await recordShare(h, '2410.16251', '1299999999999991002');
      const before = (await h.store.getPaper('2410.16251'))?.teamVotes ?? 0;
      const lock = holdWriteLock(h.path, 60_000);
      await lock.locked;
      await refused;
      expect(h.leased?.active).toBe(true);
      // Still connected: the gateway's reaction reaches the bot and waits for the archive.
      h.fake.reactionAdd(id, { id: null, name: '👍' }, h.fake.users.alice.user);
      await leaseTimers.waits.waitFor(() => true, 'the vote waiting for the archive');
      expect(h.platform.heldEvents).toBe(1);
      await lock.release();
      leaseTimers.fire();
      await counted.waitFor((e) => e.message.endsWith(`:${id}`), 'the vote, tried again');
      expect((await h.store.getPaper('2410.16251'))?.teamVotes).toBe(before + 1);
      expect(h.leased?.active).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('when lost to another instance, disconnects but still records the votes it holds once the archive is back', async () => {
    let lost!: () => void;
    const lostToOther = new Promise<void>((resolve) => {
      lost = resolve;
    });
    const logger = createLogger('info', {
      write: (line: string) => {
        if ((JSON.parse(line) as { msg?: string }).msg?.startsWith('lease lost to another instance')) lost();
      },
    });
    const retryTimers = new ManualTimers();
    const counted = new Recorder<ReactionEvent>();
    const h = await startDiscordBot({
      upvoteEmoji: ['+1'],
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      retryTimers,
      onReactionHandled: (e) => counted.push(e),
      lease: { ttlMs: 600, logger },
    });
    try {
      const id = await recordShare(h, '2410.16251', '1299999999999991003');
      const before = (await h.store.getPaper('2410.16251'))?.teamVotes ?? 0;
      const lock = holdWriteLock(h.path, 60_000);
      await lock.locked;
      h.fake.reactionAdd(id, { id: null, name: '👍' }, h.fake.users.alice.user);
      await retryTimers.waits.waitFor(() => true, 'the vote waiting for the archive');
      await lock.release();
      // Another instance takes the gateway before the vote is tried again.
      const other = new Database(h.path);
      other
        .prepare(
          "UPDATE leases SET holder = 'other-instance', expires_at = '2100-01-01T00:00:00.000Z' WHERE name = ?",
        )
        .run('discord-gateway');
      other.close();
      await lostToOther;
      expect(h.leased?.active).toBe(false);
      expect(h.platform.heldEvents).toBe(1);
      retryTimers.fire();
      await counted.waitFor(
        (e) => e.message.endsWith(`:${id}`),
        'the held vote, recorded after the handover',
      );
      expect((await h.store.getPaper('2410.16251'))?.teamVotes).toBe(before + 1);
    } finally {
      await h.close();
    }
  });
});
