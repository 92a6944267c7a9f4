import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoundupDefaults } from '../../src/app/config.ts';
import type { ChannelRef, MessageRef, Reply } from '../../src/chat/platform.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import type { ChannelSettings } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { type Archive, NOWHERE, openArchive } from '../commands/archive.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';

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
    staleClaimMs: 10 * 60_000,
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

  it('resumes a roundup that crashed part-way without reposting what was posted', async () => {
    await configure({ channel: 'slack:C1', size: 5 });
    class Flaky extends RecordingPlatform {
      left = 3;
      override async post(channel: ChannelRef, reply: Reply): Promise<MessageRef> {
        if (this.left-- <= 0) throw new Error('socket hang up');
        return super.post(channel, reply);
      }
    }
    const flaky = new Flaky();
    clock.now = new Date('2024-10-25T09:00:00Z');
    expect((await scheduler(flaky).tick()).map((r) => r.outcome)).toEqual(['failed']);
    expect(flaky.posts).toHaveLength(3); // the header and two papers
    // Meanwhile the feed moves: four papers that were not picked become the most upvoted.
    const picked = new Set(titles(flaky));
    const others = (await archive.store.papersOnFeedDate('2024-10-25')).filter((p) => !picked.has(p.title));
    await archive.store.upsertPapers(others.slice(-4).map((p) => ({ ...p, upvotes: 10_000 })));
    const healthy = new RecordingPlatform();
    clock.now = new Date('2024-10-25T09:05:00Z');
    // The claim is not stale yet: its holder may still be posting.
    expect((await scheduler(healthy).tick()).map((r) => r.outcome)).toEqual(['claimed-elsewhere']);
    expect(healthy.posts).toHaveLength(0);
    clock.now = new Date('2024-10-25T09:11:00Z');
    expect((await scheduler(healthy).tick()).map((r) => r.outcome)).toEqual(['posted']);
    expect(healthy.posts.every((p) => !p.reply.title)).toBe(true); // no second header
    const all = [...titles(flaky), ...titles(healthy)];
    expect(all).toHaveLength(5);
    expect(new Set(all).size).toBe(5);
    expect((await archive.store.getRoundup('slack:C1', '2024-10-25'))?.state).toBe('posted');
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
