import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsolePlatform } from '../../adapters/console/platform.ts';
import { Bot } from '../../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../../src/chat/emoji.ts';
import type { InboundHandlers } from '../../src/chat/platform.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { silentLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { Watcher } from '../../src/watch/watcher.ts';
import { paper } from '../contract/store.contract.ts';
import { until } from '../multi/until.ts';

const YOU = 'console:you';
const NOWHERE = 'http://127.0.0.1:9';

/**
 * Watches end to end on the console: the real bot runs `/papers watch …`, the real watcher matches and
 * delivers through the console's direct messages, over a real SQLite file, on a clock the test moves.
 */
describe('watch delivery', () => {
  let dir: string;
  let clock: { now: Date };
  let store: SqliteStore;
  let out: string;
  let input: PassThrough;
  let platform: ConsolePlatform;
  let handlers: InboundHandlers;
  let watcher: Watcher;
  let n = 0;

  const now = () => clock.now;
  const newWatcher = (instanceId = 'instance-a') =>
    new Watcher({
      store,
      platforms: new Map([['console', platform]]),
      logger: silentLogger,
      instanceId,
      now,
      leaseMs: 30_000,
      catchUpMs: 6 * 3_600_000,
    });
  const say = async (text: string, user = YOU) => {
    const reply = await handlers.onCommand({
      platform: 'console',
      channel: 'console:local',
      user,
      userName: 'you',
      input: { kind: 'text', text },
      canManageChannel: true,
    });
    return `${reply.title ?? ''}\n${reply.text ?? ''}\n${(reply.papers ?? []).map((p) => p.paper.title).join('\n')}`;
  };
  /** The direct messages printed so far, each as its text. */
  const dms = () => out.split('[direct message] paperboy:').slice(1);
  const add = async (...titles: string[]) => {
    await store.upsertPapers(
      titles.map((title) => paper({ arxivId: `2601.${String(++n).padStart(5, '0')}`, title, upvotes: 1 })),
    );
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-watch-'));
    clock = { now: new Date('2026-03-02T06:00:00.000Z') };
    store = SqliteStore.open(join(dir, 'archive.db'), { now });
    await add('Diffusion models are old news', 'An unrelated paper');
    // Watches are set a second later: what the archive held before is not new to them.
    clock.now = new Date(clock.now.getTime() + 1000);
    out = '';
    input = new PassThrough();
    platform = new ConsolePlatform({ input, output: { write: (s: string) => (out += s) }, now });
    const bot = new Bot({
      store,
      hf: new HfClient({ baseUrl: NOWHERE, retries: 0 }),
      arxiv: new ArxivClient({ baseUrl: NOWHERE, retries: 0, minIntervalMs: 0 }),
      upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
      watchLimit: 3,
      now,
    });
    handlers = bot.handlersFor(platform);
    await platform.start(handlers);
    watcher = newWatcher();
  });

  afterEach(async () => {
    await watcher.stop();
    await platform.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one DM with exactly the new matching papers, once, and nothing again after a restart', async () => {
    const confirm = await say('watch diffusion');
    expect(confirm).toContain('Watching “diffusion”');
    expect(confirm).toContain('1 archived paper already matches it');
    expect(confirm).toContain('Diffusion models are old news');
    await add('Latent diffusion for video', 'Sparse attention', 'Diffusion policies for robots');
    const tick = await watcher.tick();
    // The two papers archived before the watch count as seen, not as its matches.
    expect(tick).toMatchObject({ papers: 5, matches: 2 });
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toContain('2 new papers for your watches');
    expect(dms()[0]).toContain('Latent diffusion for video');
    expect(dms()[0]).toContain('Diffusion policies for robots');
    expect(dms()[0]).toContain('your watch “diffusion”');
    expect(dms()[0]).not.toContain('Sparse attention');
    expect(dms()[0]).not.toContain('old news');
    await watcher.tick();
    await watcher.stop();
    watcher = newWatcher('instance-b');
    expect((await watcher.tick()).deliveries.size).toBe(0);
    expect(dms()).toHaveLength(1);
    // `watch list` counts what each watch found.
    expect(await say('watch list')).toContain('1. diffusion: 2 new papers in the last 30 days');
  });

  it('counts a reaction on a paper in the DM as the person’s vote for it', async () => {
    await say('watch diffusion');
    await add('Latent diffusion for video', 'Diffusion policies for robots');
    await watcher.tick();
    const second = dms()[0]!.includes('2. Latent')
      ? 'Latent diffusion for video'
      : 'Diffusion policies for robots';
    input.write(':+1: 2\n');
    await until(async () => out.includes('You reacted'));
    const voted = (
      await store.search(
        { must: [second.toLowerCase().split(' ')], exclude: [], mode: 'all', notice: null },
        1,
      )
    )[0];
    expect(voted?.paper.title).toBe(second);
    expect(voted?.paper.teamVotes).toBe(1);
  });

  it('sends nothing while paused, not even later, and again once resumed', async () => {
    await say('watch diffusion');
    expect(await say('watch pause')).toContain('paused');
    await add('Diffusion while paused');
    await watcher.tick();
    expect(dms()).toHaveLength(0);
    expect(await say('watch resume')).toContain('on again');
    await add('Diffusion after resuming');
    await watcher.tick();
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toContain('Diffusion after resuming');
    expect(dms()[0]).not.toContain('while paused');
  });

  it('removes a watch by its number, and its papers are no longer sent', async () => {
    await say('watch diffusion');
    await say('watch robots');
    expect(await say('watch remove 1')).toContain('Removed watch 1, “diffusion”');
    expect(await say('watch remove 7')).toContain('1 to 1');
    await add('Diffusion only', 'Robots only');
    await watcher.tick();
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toContain('Robots only');
    expect(dms()[0]).not.toContain('Diffusion only');
  });

  it('keeps to the limit, refuses a duplicate, and warns about a query matching much of the archive', async () => {
    const broad = await say('watch paper');
    expect(broad).toContain('matches 1 of the 2 archived papers (50%)');
    expect(await say('watch paper')).toContain('You already watch “paper”');
    await say('watch a1');
    await say('watch b2');
    expect(await say('watch c3')).toContain('You have 3 watches, the most one person may have');
    expect(await say('watch -survey')).toContain('excluded words alone match nothing');
  });

  it('in daily mode sends one digest a day at the person’s local time', async () => {
    await say('watch diffusion');
    expect(await say('watch mode daily 08:30 Europe/Berlin')).toContain(
      'one daily message at 08:30 Europe/Berlin',
    );
    expect(await say('watch mode daily 25:00')).toContain('The mode is instant, or daily');
    expect(await say('watch mode daily 08:30 Mars/Base')).toContain('not a time zone I know');
    await add('Diffusion at dawn');
    await watcher.tick(); // 07:00 in Berlin: not yet
    expect(dms()).toHaveLength(0);
    clock.now = new Date('2026-03-02T07:29:00.000Z'); // 08:29 in Berlin
    await add('Diffusion at breakfast');
    await watcher.tick();
    expect(dms()).toHaveLength(0);
    clock.now = new Date('2026-03-02T07:30:05.000Z'); // 08:30:05 in Berlin
    await watcher.tick();
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toContain('2 new papers for your watches today');
    await add('Diffusion at lunch');
    clock.now = new Date('2026-03-02T11:00:00.000Z');
    await watcher.tick();
    expect(dms()).toHaveLength(1);
    clock.now = new Date('2026-03-03T07:30:00.000Z'); // the next day, 08:30 in Berlin
    await watcher.tick();
    expect(dms()).toHaveLength(2);
    expect(dms()[1]).toContain('Diffusion at lunch');
    expect(dms()[1]).not.toContain('breakfast');
  });

  it('in daily mode keeps a paper that matched after the day’s time for the next day’s digest, even when the day had none', async () => {
    await say('watch diffusion');
    await say('watch mode daily 08:30 Europe/Berlin');
    clock.now = new Date('2026-03-02T07:30:05.000Z'); // 08:30 in Berlin: nothing has matched
    await watcher.tick();
    clock.now = new Date('2026-03-02T12:47:00.000Z'); // 13:47 in Berlin, within the catch-up window
    await add('Diffusion after lunch');
    await watcher.tick();
    clock.now = new Date('2026-03-02T13:17:00.000Z');
    await add('Diffusion in the afternoon');
    await watcher.tick();
    expect(dms()).toHaveLength(0);
    clock.now = new Date('2026-03-03T07:30:05.000Z'); // the next day's 08:30
    await watcher.tick();
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toContain('Diffusion after lunch');
    expect(dms()[0]).toContain('Diffusion in the afternoon');
  });

  it('skips a person who cannot be sent a DM, pausing their watches and saying so in their list', async () => {
    const stranger = 'console:stranger';
    await say('watch diffusion', stranger);
    await add('Diffusion for strangers');
    const tick = await watcher.tick();
    expect(tick.deliveries.get(stranger)).toBe('undeliverable');
    expect(await say('watch list', stranger)).toContain(
      'I paused them because I could not send you a direct message',
    );
    await add('More diffusion for strangers');
    expect((await watcher.tick()).deliveries.size).toBe(0);
    expect(dms()).toHaveLength(0);
  });

  it('resumes a delivery whose run died, sending its planned papers once', async () => {
    await say('watch diffusion');
    await add('Diffusion planned by a run that died');
    // Another instance matched the paper, planned the delivery, sent the DM and died before recording it.
    const other = newWatcher('dead-instance');
    const last = (await store.papersAfter(0, 100)).at(-1)!;
    await store.recordWatchMatches(await store.watchCursor(), last.seq, [
      {
        owner: YOU,
        paperId: last.paper.id,
        watchId: (await store.listWatches(YOU))[0]!.id,
        query: 'diffusion',
      },
    ]);
    const planned = await store.claimWatchDelivery(YOU, 'dead-instance', 30_000, {
      key: 'key-of-the-dead',
      localDate: null,
      upTo: null,
    });
    await platform.postDirect(
      YOU,
      { visibility: 'ephemeral', text: 'the DM it sent' },
      { idempotencyKey: 'key-of-the-dead' },
    );
    await other.stop();
    expect((await watcher.tick()).deliveries.get(YOU)).toBe('nothing'); // its lease still runs
    clock.now = new Date(clock.now.getTime() + 31_000);
    expect((await watcher.tick()).deliveries.get(YOU)).toBe('resumed');
    // The console found the DM the dead run sent by its key: one message, now recorded.
    expect(out.split('[direct message]')).toHaveLength(2);
    expect((await store.getWatchDelivery(planned!.id))?.state).toBe('sent');
  });
});
