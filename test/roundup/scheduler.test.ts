import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoundupDefaults } from '../../src/app/config.ts';
import type { ChannelRef, MessageRef, PostOptions, Reply } from '../../src/chat/platform.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import type { ChannelSettings } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { type Archive, NOWHERE, openArchive } from '../commands/archive.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';
import { until } from '../multi/until.ts';

const H = 3_600_000;
// The recorded feed is Friday 2024-10-25's; the clock starts that morning.
const clock = { now: new Date('2024-10-25T06:00:00Z') };
const DEFAULTS: RoundupDefaults = { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 6 * H };

let archive: Archive;
let stores: SqliteStore[];
beforeEach(async () => {
  archive = await openArchive(['daily']);
  stores = [];
  clock.now = new Date('2024-10-25T06:00:00Z');
});
afterEach(async () => {
  for (const s of stores) await s.close();
  await archive.close();
});

/** Another process's view of the same SQLite file, on the shared fake clock. */
function openStore(): SqliteStore {
  const s = SqliteStore.open(archive.path, { now: () => clock.now });
  stores.push(s);
  return s;
}

function scheduler(
  platform: RecordingPlatform,
  defaults: Partial<RoundupDefaults> = {},
  store = openStore(),
) {
  return new Scheduler({
    store,
    hf: new HfClient({ baseUrl: NOWHERE, retries: 0, timeoutMs: 500 }),
    platforms: new Map([['slack', platform]]),
    defaults: { ...DEFAULTS, ...defaults },
    logger: silentLogger,
    now: () => clock.now,
    leaseMs: 30_000,
  });
}

async function configure(over: Partial<ChannelSettings> & { channel: string }): Promise<void> {
  await archive.store.saveChannelSettings({ ...defaultSettings(over.channel, DEFAULTS), ...over });
}

const paperPosts = (p: RecordingPlatform, channel?: string) =>
  p.posts.filter((x) => x.reply.papers?.length && (!channel || x.channel === channel));
const titles = (p: RecordingPlatform, channel?: string) =>
  paperPosts(p, channel).map((x) => x.reply.papers?.[0]?.paper.title);

describe('roundup timing', () => {
  it('posts each channel at its own local time, in several zones', async () => {
    await configure({ channel: 'slack:BERLIN', time: '09:30', timezone: 'Europe/Berlin' });
    await configure({ channel: 'slack:TOKYO', time: '17:00', timezone: 'Asia/Tokyo' });
    await configure({ channel: 'slack:NYC', time: '08:00', timezone: 'America/New_York' });
    const platform = new RecordingPlatform();
    const s = scheduler(platform);
    clock.now = new Date('2024-10-25T07:29:00Z'); // 09:29 in Berlin (CEST), 16:29 in Tokyo
    expect(await s.tick()).toEqual([]);
    clock.now = new Date('2024-10-25T07:30:00Z');
    expect((await s.tick()).map((r) => r.channel)).toEqual(['slack:BERLIN']);
    clock.now = new Date('2024-10-25T08:00:00Z'); // 17:00 in Tokyo
    expect((await s.tick()).map((r) => r.channel)).toEqual(['slack:TOKYO']);
    clock.now = new Date('2024-10-25T12:00:00Z'); // 08:00 in New York (EDT)
    expect((await s.tick()).map((r) => [r.channel, r.outcome])).toEqual([['slack:NYC', 'posted']]);
    expect(await s.tick()).toEqual([]);
    for (const c of ['slack:BERLIN', 'slack:TOKYO', 'slack:NYC']) {
      const posts = platform.posts.filter((p) => p.channel === c);
      expect(posts[0]?.reply.title).toBe('Paper roundup for 2024-10-25');
      expect(posts).toHaveLength(6);
    }
    // The bot seeds its upvote emoji on each paper, never on the header.
    expect(platform.reactions).toHaveLength(15);
  });

  it('posts once across a DST change, for a time inside the repeated hour', async () => {
    // Berlin falls back on Sunday 2024-10-27 at 03:00 → 02:00; 02:30 happens twice.
    await configure({ channel: 'slack:C1', time: '02:30', timezone: 'Europe/Berlin', days: [7] });
    const platform = new RecordingPlatform();
    const s = scheduler(platform);
    clock.now = new Date('2024-10-27T00:30:00Z');
    expect((await s.tick()).map((r) => r.localDate)).toEqual(['2024-10-27']);
    clock.now = new Date('2024-10-27T01:30:00Z');
    expect(await s.tick()).toEqual([]);
    expect(platform.posts.filter((p) => p.reply.title)).toHaveLength(1);
  });

  it('catches up a missed roundup within the window, and skips it after', async () => {
    await configure({ channel: 'slack:LATE', time: '09:00' });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T14:59:00Z');
    expect((await scheduler(platform).tick()).map((r) => r.outcome)).toEqual(['posted']);
    await configure({ channel: 'slack:MISSED', time: '08:00' });
    clock.now = new Date('2024-10-25T14:01:00Z');
    expect(await scheduler(platform).tick()).toEqual([]);
    expect(platform.posts.some((p) => p.channel === 'slack:MISSED')).toBe(false);
  });

  it('uses configured channels with the default time and zone', async () => {
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T07:45:00Z'); // 08:45 in London (BST)
    const results = await scheduler(platform, {
      channels: ['slack:CFG'],
      time: '08:45',
      timezone: 'Europe/London',
    }).tick();
    expect(results).toEqual([{ channel: 'slack:CFG', localDate: '2024-10-25', outcome: 'posted' }]);
  });
});

describe('what the roundup says about each paper', () => {
  it('GIVEN a paper shared and voted on in another channel THEN its roundup post says so, naming no one', async () => {
    await configure({ channel: 'slack:CROUND' });
    const [first] = await archive.store.papersOnFeedDate('2024-10-25');
    if (!first) throw new Error('the archive has no papers for the day');
    await archive.store.recordPost({
      message: 'slack:CLLM:1',
      channel: 'slack:CLLM',
      paperId: first.id,
      kind: 'share',
      postedBy: 'slack:UANA',
      postedAt: '2024-10-24T15:00:00Z',
    });
    await archive.store.addReaction({
      message: 'slack:CLLM:1',
      user: 'slack:UBO',
      emoji: '+1',
      at: '2024-10-24T16:00:00Z',
    });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect((await scheduler(platform).tick()).map((r) => r.outcome)).toEqual(['posted']);
    const items = paperPosts(platform, 'slack:CROUND').map((p) => p.reply.papers?.[0]);
    const shown = items.find((i) => i?.paper.id === first.id);
    expect(shown?.team).toEqual({
      share: { by: null, channel: 'slack:CLLM', here: false, ago: 'today', at: expect.any(String) },
      votes: 1,
      voters: [],
      replies: 0,
    });
    expect(items.filter((i) => i?.paper.id !== first.id).every((i) => i?.team === undefined)).toBe(true);
  });
});

describe('resilience', () => {
  it('leaves channels of a platform held by another instance to that instance', async () => {
    await configure({ channel: 'slack:C1' });
    const standby = Object.assign(new RecordingPlatform(), { active: false });
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect(await scheduler(standby).tick()).toEqual([]);
    expect(await archive.store.getRoundup('slack:C1', '2024-10-25')).toBeNull();
  });

  it('survives a store that cannot be read: the tick reports nothing, and the next one works', async () => {
    await configure({ channel: 'slack:C1' });
    const platform = new RecordingPlatform();
    const broken = openStore();
    await broken.close();
    clock.now = new Date('2024-10-25T09:00:00Z');
    await expect(scheduler(platform, {}, broken).tick()).resolves.toEqual([]);
    expect((await scheduler(platform).tick()).map((r) => r.outcome)).toEqual(['posted']);
  });
});

describe('exactly once', () => {
  it('never posts twice after a restart', async () => {
    await configure({ channel: 'slack:C1' });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:00:00Z');
    await scheduler(platform).tick();
    clock.now = new Date('2024-10-25T10:00:00Z');
    expect(await scheduler(platform).tick()).toEqual([]);
    expect(platform.posts).toHaveLength(6);
  });

  it('posts once with two scheduler instances on one SQLite file ticking together', async () => {
    for (const c of ['slack:A', 'slack:B', 'slack:C', 'slack:D']) await configure({ channel: c });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:00:00Z');
    const [one, two] = await Promise.all([scheduler(platform).tick(), scheduler(platform).tick()]);
    const posted = [...one, ...two].filter((r) => r.outcome === 'posted').map((r) => r.channel);
    expect(posted.sort()).toEqual(['slack:A', 'slack:B', 'slack:C', 'slack:D']);
    for (const c of ['slack:A', 'slack:B', 'slack:C', 'slack:D']) {
      expect(platform.posts.filter((p) => p.channel === c)).toHaveLength(6);
    }
  });

  it('resumes a roundup whose try failed part-way, following its plan, without reposting', async () => {
    await configure({ channel: 'slack:C1', size: 5 });
    class Flaky extends RecordingPlatform {
      left = 3;
      override async post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef> {
        if (this.left-- <= 0) throw new Error('socket hang up');
        return super.post(channel, reply, options);
      }
    }
    const flaky = new Flaky();
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect((await scheduler(flaky).tick()).map((r) => r.outcome)).toEqual(['will-retry']);
    expect(flaky.posts).toHaveLength(3); // the header and two papers
    const planned = (await archive.store.getRoundup('slack:C1', '2024-10-25'))?.items ?? [];
    expect(planned.map((i) => i.message !== null)).toEqual([true, true, true, false, false, false]);
    // Meanwhile the feed moves: four papers that were not picked become the most upvoted.
    const picked = new Set(planned.map((i) => i.paperId));
    const others = (await archive.store.papersOnFeedDate('2024-10-25')).filter((p) => !picked.has(p.id));
    await archive.store.upsertPapers(others.slice(-4).map((p) => ({ ...p, upvotes: 10_000 })));
    const healthy = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:00:45Z');
    // The failed try waits a minute before the next.
    expect(await scheduler(healthy).tick()).toEqual([]);
    clock.now = new Date('2024-10-25T09:01:00Z');
    expect((await scheduler(healthy).tick()).map((r) => r.outcome)).toEqual(['posted']);
    expect(healthy.posts.every((p) => !p.reply.title)).toBe(true); // no second header
    // The plan stands: the three papers it had left, not the newly upvoted ones.
    expect(healthy.posts.map((p) => p.reply.papers?.[0]?.paper.id)).toEqual(
      planned.slice(3).map((i) => i.paperId),
    );
    const all = [...titles(flaky), ...titles(healthy)];
    expect(all).toHaveLength(5);
    expect(new Set(all).size).toBe(5);
    expect(await archive.store.getRoundup('slack:C1', '2024-10-25')).toMatchObject({
      state: 'posted',
      failures: 1,
      lastError: 'socket hang up',
    });
  });

  it('finds the message a failed try may have posted, by its key, instead of posting it again', async () => {
    await configure({ channel: 'slack:C1', size: 3 });
    // The platform made the message but its answer never arrived (a timeout after the post).
    class Unanswered extends RecordingPlatform {
      lose = 2;
      override async post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef> {
        const message = await super.post(channel, reply, options);
        if (--this.lose === 0) throw new Error('ETIMEDOUT');
        return message;
      }
    }
    const keys: RecordingPlatform['keys'] = new Map();
    const first = new Unanswered('slack', keys);
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect((await scheduler(first).tick()).map((r) => r.outcome)).toEqual(['will-retry']);
    expect(first.posts).toHaveLength(2);
    const second = new RecordingPlatform('slack', keys); // the same chat service, another process
    clock.now = new Date('2024-10-25T09:01:00Z');
    expect((await scheduler(second).tick()).map((r) => r.outcome)).toEqual(['posted']);
    // The first unrecorded item alone may have been out: it was posted with the plan's time and found...
    const record = await archive.store.getRoundup('slack:C1', '2024-10-25');
    expect(second.repeats.map((p) => p.options.since)).toEqual([record?.plannedAt]);
    expect(record?.items[1]?.message).toBe(first.posts[1]?.message);
    // ...and the items after it were posted as new, without a lookup.
    expect(second.posts.map((p) => p.options.since)).toEqual([undefined, undefined]);
    expect([...titles(first), ...titles(second)]).toHaveLength(3);
  });
});

describe('the lease on a running roundup', () => {
  it('is renewed while a post waits (a long Retry-After), so no other run takes the roundup meanwhile', async () => {
    await configure({ channel: 'slack:SLOW', size: 2 });
    let release: () => void = () => {};
    let reached: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      reached = resolve;
    });
    class Slow extends RecordingPlatform {
      override async post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef> {
        if (this.posts.length === 1) {
          reached();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return super.post(channel, reply, options);
      }
    }
    // The store on the real clock, since renewals are timers; the lease is short so that several renewals
    // fall in one wait. The schedule stays on the test clock: the roundup is due at 09:00 that Friday.
    const store = SqliteStore.open(archive.path);
    stores.push(store);
    const s = new Scheduler({
      store,
      hf: new HfClient({ baseUrl: NOWHERE, retries: 0, timeoutMs: 500 }),
      platforms: new Map([['slack', new Slow()]]),
      defaults: DEFAULTS,
      logger: silentLogger,
      now: () => clock.now,
      // Long enough that a busy machine's event-loop stalls do not let it run out between renewals.
      leaseMs: 1000,
    });
    clock.now = new Date('2024-10-25T09:00:00Z');
    const localDate = '2024-10-25';
    const ticking = s.tick();
    await waiting;
    expect((await store.getRoundup('slack:SLOW', localDate))?.state).toBe('claimed');
    // Wait until a renewal came more than a whole lease after the claim: the run is still waiting...
    await until(async () => {
      const r = await store.getRoundup('slack:SLOW', localDate);
      return Date.parse(r?.leaseUntil ?? '') - Date.parse(r?.claimedAt ?? '') > 2 * 1000;
    });
    // ...and still holds the roundup: another instance cannot take it.
    expect(await store.claimRoundup('slack:SLOW', localDate, 'other', 1000)).toBe(false);
    release();
    expect((await ticking).map((r) => r.outcome)).toEqual(['posted']);
    expect((await store.getRoundup('slack:SLOW', localDate))?.leaseUntil).toBeNull();
  });
  it('stops at its next post once a forward step of the wall clock let another instance take it over', async () => {
    await configure({ channel: 'slack:C1', size: 4 });
    let reached: () => void = () => {};
    let release: () => void = () => {};
    const answering = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first paper's message is made, but its answer comes late; meanwhile the host's clock steps.
    class LateAnswer extends RecordingPlatform {
      override async post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef> {
        const message = await super.post(channel, reply, options);
        if (this.posts.length === 2) {
          reached();
          await gate;
        }
        return message;
      }
    }
    const keys: RecordingPlatform['keys'] = new Map();
    const first = new LateAnswer('slack', keys);
    const second = new RecordingPlatform('slack', keys); // the same chat service, another process
    clock.now = new Date('2024-10-25T09:00:00Z');
    const ticking = scheduler(first).tick();
    await answering;
    // A step of a minute (an NTP correction, a resumed VM): the 30 s lease has run out in the ledger,
    // while on the first run's monotonic clock it has barely begun.
    clock.now = new Date('2024-10-25T09:01:00Z');
    expect((await scheduler(second).tick()).map((r) => r.outcome)).toEqual(['posted']);
    release();
    expect((await ticking).map((r) => r.outcome)).toEqual(['claimed-elsewhere']);
    // Every paper of the plan is in the channel once: the first run stopped instead of posting the rest.
    const all = [...titles(first), ...titles(second)];
    expect(all).toHaveLength(4);
    expect(new Set(all).size).toBe(4);
    // The message in flight at the takeover was found by its key, not posted again.
    expect(second.repeats).toHaveLength(1);
  });
});

describe('a roundup while the archive is locked', () => {
  it('posts nothing it could not record: the run whose claim cannot be confirmed waits, and the next posts the rest once', async () => {
    await configure({ channel: 'slack:C1', size: 2 });
    const lock = new Database(archive.path);
    // Another writer (an import) takes the lock once the first paper is out and recorded (at its seed).
    class LockedAfterFirst extends RecordingPlatform {
      override async react(message: MessageRef, emoji: string): Promise<void> {
        await super.react(message, emoji);
        if (!lock.inTransaction) lock.exec('BEGIN IMMEDIATE');
      }
    }
    const first = new LockedAfterFirst();
    // A write gives up after 50 ms of waiting for the lock, as after 5 s in production.
    const store = SqliteStore.open(archive.path, { now: () => clock.now, busyTimeoutMs: 50 });
    stores.push(store);
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect((await scheduler(first, {}, store).tick()).map((r) => r.outcome)).toEqual(['will-retry']);
    // The header and the first paper; the second was not posted, since it could not have been recorded.
    expect(first.posts).toHaveLength(2);
    lock.exec('ROLLBACK');
    lock.close();
    const second = new RecordingPlatform('slack', first.keys);
    clock.now = new Date('2024-10-25T09:01:00Z');
    expect((await scheduler(second).tick()).map((r) => r.outcome)).toEqual(['posted']);
    const all = [...titles(first), ...titles(second)];
    expect(all).toHaveLength(2);
    expect(new Set(all).size).toBe(2);
  });
});

describe('a roundup that keeps failing', () => {
  it('is retried with backoff, given up after five tries, logged once, and never tried again', async () => {
    await configure({ channel: 'slack:GONE' });
    const lines: { level: number; msg: string; channel?: string }[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
    const removed = new RecordingPlatform();
    removed.failPosts = new Error('An API error occurred: not_in_channel');
    const s = new Scheduler({
      store: openStore(),
      hf: new HfClient({ baseUrl: NOWHERE, retries: 0, timeoutMs: 500 }),
      platforms: new Map([['slack', removed]]),
      defaults: DEFAULTS,
      logger,
      now: () => clock.now,
    });
    const outcomes: string[] = [];
    let at = Date.parse('2024-10-25T09:00:00Z');
    // Checks every 15 s for an hour: the tries come 1, 2, 4 and 8 minutes apart, then stop.
    for (let i = 0; i < 240; i++, at += 15_000) {
      clock.now = new Date(at);
      for (const r of await s.tick()) outcomes.push(`${clock.now.toISOString().slice(11, 16)} ${r.outcome}`);
    }
    expect(outcomes).toEqual([
      '09:00 will-retry',
      '09:01 will-retry',
      '09:03 will-retry',
      '09:07 will-retry',
      '09:15 failed',
    ]);
    expect(await archive.store.getRoundup('slack:GONE', '2024-10-25')).toMatchObject({
      state: 'failed',
      failures: 5,
      lastError: 'An API error occurred: not_in_channel',
    });
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors.map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^The roundup of slack:GONE for 2024-10-25 failed 5 times and will not be tried again: .*not_in_channel.*--retry$/,
      ),
    ]);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(4);
  });
});

describe('what a roundup holds', () => {
  it('ranks by the feed ranking and never repeats a paper the channel has seen, day after day', async () => {
    await configure({ channel: 'slack:C1', size: 5, days: [1, 2, 3, 4, 5, 6, 7] });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:00:00Z');
    await scheduler(platform).tick();
    const day1 = titles(platform);
    const upvotes = paperPosts(platform).map((p) => p.reply.papers?.[0]?.paper.upvotes ?? 0);
    expect([...upvotes].sort((a, b) => b - a)).toEqual(upvotes);
    clock.now = new Date('2024-10-26T09:00:00Z');
    await scheduler(platform).tick();
    const day2 = titles(platform).slice(5);
    expect(day2).toHaveLength(5);
    for (const t of day2) expect(day1).not.toContain(t);
  });

  it('boosts the channel topics and drops excluded ones', async () => {
    await configure({ channel: 'slack:C1', size: 3, topics: ['"video"', 'contrastive', '-memory'] });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:00:00Z');
    await scheduler(platform).tick();
    const picked = paperPosts(platform).map((p) => p.reply.papers?.[0]?.paper);
    expect(picked).toHaveLength(3);
    for (const p of picked) expect(`${p?.title} ${p?.abstract}`).not.toMatch(/memory/i);
    expect(`${picked[0]?.title} ${picked[0]?.abstract}`).toMatch(/video|contrastive/i);
  });

  it('logs an unreachable feed once per outage, as a sentence saying what to do', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
    const s = new Scheduler({
      store: openStore(),
      hf: new HfClient({ baseUrl: NOWHERE, retries: 0, timeoutMs: 500 }),
      platforms: new Map(),
      defaults: DEFAULTS,
      logger,
      now: () => clock.now,
    });
    await s.ingest();
    await s.ingest();
    await s.ingest();
    const warnings = lines.filter((l) => l.level >= 40);
    expect(warnings.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^The Hugging Face feed could not be reached \(.+\); .*npx paperboy ingest/),
    ]);
  });

  it('says in one line why a day is empty: a weekend, or an unreachable feed', async () => {
    await configure({ channel: 'slack:C1', days: [6] });
    const platform = new RecordingPlatform();
    clock.now = new Date('2024-11-02T09:00:00Z'); // a Saturday a week later: nothing in the lookback
    expect((await scheduler(platform).tick()).map((r) => r.outcome)).toEqual(['empty']);
    expect(platform.posts).toHaveLength(1);
    expect(platform.posts[0]?.reply.text).toMatch(/no papers at weekends/);

    await configure({ channel: 'slack:C2', days: [1] });
    const s = scheduler(platform);
    await s.ingest(); // HF_API_URL points nowhere: the ingestion fails
    expect(s.lastIngestion?.ok).toBe(false);
    clock.now = new Date('2024-11-04T09:00:00Z');
    await s.tick();
    expect(platform.posts.at(-1)?.reply.text).toMatch(/could not be reached/);
  });
});

/** Posts `left` messages, then fails every post, as a platform answering 5xx past its retries would. */
class FailsAfter extends RecordingPlatform {
  constructor(private left: number) {
    super();
  }
  override async post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef> {
    if (this.left-- <= 0) throw new Error('An API error occurred: internal_error');
    return super.post(channel, reply, options);
  }
}

describe('a roundup already started', () => {
  const roundup = () => archive.store.getRoundup('slack:C1', '2024-10-25');

  it('is finished by its retry after the catch-up window has closed', async () => {
    await configure({ channel: 'slack:C1', size: 5 });
    // Back late in the window (09:00 + 6 h): the first try posts the header and two papers, then fails.
    clock.now = new Date('2024-10-25T14:59:30Z');
    const flaky = new FailsAfter(3);
    expect((await scheduler(flaky).tick()).map((r) => r.outcome)).toEqual(['will-retry']);
    // Its retry is due a minute later, past the window.
    const healthy = new RecordingPlatform();
    clock.now = new Date('2024-10-25T15:00:30Z');
    expect((await scheduler(healthy).tick()).map((r) => r.outcome)).toEqual(['posted']);
    expect(flaky.posts.length + healthy.posts.length).toBe(6);
    expect(await roundup()).toMatchObject({ state: 'posted', failures: 1 });
  });

  it('is resumed after a run that died just before the window closed', async () => {
    await configure({ channel: 'slack:C1', size: 2 });
    clock.now = new Date('2024-10-25T14:59:50Z');
    const store = openStore();
    expect(await store.claimRoundup('slack:C1', '2024-10-25', 'dead', 30_000)).toBe(true);
    const papers = (await store.papersOnFeedDate('2024-10-25')).slice(0, 2);
    await store.saveRoundupPlan('slack:C1', '2024-10-25', 'dead', {
      layout: 'messages',
      note: null,
      items: [
        { paperId: '#header', key: 'k0' },
        ...papers.map((p, i) => ({ paperId: p.id, key: `k${i + 1}` })),
      ],
    });
    await store.recordRoundupItem('slack:C1', '2024-10-25', '#header', 'slack:C1:dead.1');
    // Its lease ran out at 15:00:20; the window closed at 15:00.
    const healthy = new RecordingPlatform();
    clock.now = new Date('2024-10-25T15:00:30Z');
    expect((await scheduler(healthy).tick()).map((r) => r.outcome)).toEqual(['posted']);
    expect(healthy.posts.map((p) => p.reply.papers?.[0]?.paper.id)).toEqual(papers.map((p) => p.id));
    expect((await roundup())?.state).toBe('posted');
  });

  it('is finished after an admin changed its days so that today is no longer one of them', async () => {
    await configure({ channel: 'slack:C1', size: 5 });
    clock.now = new Date('2024-10-25T09:00:00Z'); // a Friday
    const flaky = new FailsAfter(3);
    expect((await scheduler(flaky).tick()).map((r) => r.outcome)).toEqual(['will-retry']);
    await configure({ channel: 'slack:C1', size: 5, days: [1, 3] });
    const healthy = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:01:00Z');
    expect((await scheduler(healthy).tick()).map((r) => r.outcome)).toEqual(['posted']);
    expect(flaky.posts.length + healthy.posts.length).toBe(6);
  });

  it('is left as it is once the channel’s roundup is turned off', async () => {
    await configure({ channel: 'slack:C1', size: 5 });
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect((await scheduler(new FailsAfter(3)).tick()).map((r) => r.outcome)).toEqual(['will-retry']);
    await configure({ channel: 'slack:C1', size: 5, enabled: false });
    clock.now = new Date('2024-10-25T09:01:00Z');
    const healthy = new RecordingPlatform();
    expect(await scheduler(healthy).tick()).toEqual([]);
    expect(healthy.posts).toEqual([]);
    expect((await roundup())?.state).toBe('waiting');
  });
});
