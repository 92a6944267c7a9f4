import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { Watcher } from '../../src/watch/watcher.ts';
import { type SlackHarness, startSlackHarness } from '../adapters/slack/harness.ts';
import { paper } from '../contract/store.contract.ts';
import { directChannelOf } from '../fakes/slack-api.ts';

const ALICE = 'slack:U0ALICE';
const MINUTE = 60_000;
/** One failed DM: chat.postMessage answers 500 to the first call and to each of the adapter's 3 retries. */
const FAILED_TRY = Array.from({ length: 4 }, () => ({
  status: 500,
  body: { ok: false, error: 'fatal_error' },
}));

/**
 * A watch DM that the platform fails to take (HTTP 500 past the adapter's retries) on Slack: the real
 * adapter against the fake Web API, the real watcher and SQLite ledger, on a clock the test moves. No
 * waiting: each try happens at an explicit tick, and the ledger decides whether a tick may try.
 */
describe('watch DMs on Slack that fail, or meet a settings change', () => {
  let h: SlackHarness;
  let clock: { now: Date };
  let lines: string[];
  let watcher: Watcher;
  let n = 0;

  const now = () => clock.now;
  const later = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };
  const dms = () => h.api.messages.filter((m) => m.channel === directChannelOf('U0ALICE'));
  const posts = () => h.api.calls.filter((c) => c.method === 'chat.postMessage').length;
  const logged = (level: number) => lines.map((l) => JSON.parse(l)).filter((l) => l.level === level);
  const addPaper = async (title: string) => {
    await h.store.upsertPapers([paper({ arxivId: `2603.${String(++n).padStart(5, '0')}`, title })]);
  };

  beforeEach(async () => {
    clock = { now: new Date('2026-03-02T06:00:00.000Z') };
    lines = [];
    h = await startSlackHarness({ now });
    watcher = new Watcher({
      store: h.store,
      platforms: new Map([['slack', h.platform]]),
      logger: createLogger('info', { write: (s: string) => lines.push(s) }),
      instanceId: 'instance-a',
      now,
      leaseMs: 30_000,
      catchUpMs: 6 * 3_600_000,
      random: () => 0,
    });
    await h.store.addWatch(ALICE, 'diffusion', 'slack:C0GENERAL', 5);
    later(1000);
    await addPaper('Diffusion models for weather');
  });
  afterEach(async () => {
    await watcher.stop();
    await h.close();
  });

  it('tries again after 1, 2 and 4 minutes, not before, and sends exactly one DM once Slack takes it', async () => {
    h.api.script('chat.postMessage', [...FAILED_TRY, ...FAILED_TRY, ...FAILED_TRY]);
    expect((await watcher.tick()).deliveries.get(ALICE)).toBe('will-retry');
    const tried = [posts()];
    for (const wait of [1, 2, 4]) {
      later(wait * MINUTE - 1000);
      // A tick before the wait is over leaves the delivery alone: nothing is posted, nothing claimed.
      expect((await watcher.tick()).deliveries.has(ALICE)).toBe(false);
      expect(posts()).toBe(tried.at(-1));
      later(1000);
      const outcome = (await watcher.tick()).deliveries.get(ALICE);
      expect(outcome).toBe(wait === 4 ? 'resumed' : 'will-retry');
      tried.push(posts());
    }
    // Four posts per failed try (the first and the adapter's three retries), then one that Slack took.
    expect(tried).toEqual([4, 8, 12, 13]);
    expect(dms()).toHaveLength(1);
    expect(JSON.stringify(dms()[0]!.blocks)).toContain('Diffusion models for weather');
    await watcher.tick();
    later(10 * MINUTE);
    await watcher.tick();
    expect(dms()).toHaveLength(1);
    // Each failed try is one info line; nothing is warned about a DM that got through.
    expect(logged(30).filter((l) => /watch DM try \d failed/.test(l.msg))).toHaveLength(3);
    expect(logged(40)).toEqual([]);
    expect((await h.store.getWatcher(ALICE))?.dmChannel).toBe(`slack:${directChannelOf('U0ALICE')}`);
  });

  it('gives a DM that always fails up after 8 tries, with one warning, and the watch goes on', async () => {
    h.api.script('chat.postMessage', Array.from({ length: 8 }, () => FAILED_TRY).flat());
    const outcomes: string[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const tick = await watcher.tick();
      outcomes.push(tick.deliveries.get(ALICE) ?? 'none');
      const delivery = await aliceDelivery();
      if (delivery?.retryAt) {
        waits.push(Date.parse(delivery.retryAt) - clock.now.getTime());
        clock.now = new Date(delivery.retryAt);
      }
    }
    expect(outcomes).toEqual([...Array.from({ length: 7 }, () => 'will-retry'), 'undeliverable']);
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60].map((m) => m * MINUTE));
    expect(posts()).toBe(32);
    const given = await aliceDelivery();
    expect(given).toMatchObject({ state: 'undeliverable', attempts: 8 });
    expect(logged(40)).toHaveLength(1);
    expect(logged(40)[0]!.msg).toContain('failed 8 times');
    // Not paused: Slack failing is not the person refusing DMs. A later paper comes in a DM of its own.
    expect((await h.store.getWatcher(ALICE))?.paused ?? false).toBe(false);
    later(1000);
    await addPaper('Diffusion for proteins');
    expect((await watcher.tick()).deliveries.get(ALICE)).toBe('sent');
    expect(dms()).toHaveLength(1);
    expect(JSON.stringify(dms()[0]!.blocks)).toContain('Diffusion for proteins');
    expect(JSON.stringify(dms()[0]!.blocks)).not.toContain('weather');
  });

  it('gives a failing DM up at its next failure once it was planned a day ago', async () => {
    h.api.script('chat.postMessage', [...FAILED_TRY, ...FAILED_TRY]);
    expect((await watcher.tick()).deliveries.get(ALICE)).toBe('will-retry');
    later(25 * 3_600_000); // the bot was down for a day
    expect((await watcher.tick()).deliveries.get(ALICE)).toBe('undeliverable');
    expect(await aliceDelivery()).toMatchObject({ state: 'undeliverable', attempts: 2 });
    expect(logged(40)).toHaveLength(1);
  });

  it('keeps a daily mode the person set on another instance while their DM was being sent', async () => {
    const other = SqliteStore.open(h.dbPath, { now });
    try {
      // The other instance saves the change in the moment between Slack keeping the DM and answering.
      h.api.afterPost = () => {
        void other.updateWatcher(
          ALICE,
          { mode: 'daily', time: '08:00', timezone: 'Europe/Berlin' },
          clock.now.toISOString(),
        );
      };
      expect((await watcher.tick()).deliveries.get(ALICE)).toBe('sent');
      expect(await h.store.getWatcher(ALICE)).toMatchObject({
        mode: 'daily',
        time: '08:00',
        timezone: 'Europe/Berlin',
        dmChannel: `slack:${directChannelOf('U0ALICE')}`,
      });
    } finally {
      h.api.afterPost = null;
      await other.close();
    }
  });

  /** The delivery planned for Alice's first paper: the first in a fresh archive's ledger. */
  function aliceDelivery() {
    return h.store.getWatchDelivery(1);
  }
});
