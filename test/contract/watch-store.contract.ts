import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { paper, type StoreUnderTest } from './store.contract.ts';

const ANN = 'slack:UANN';
const BOB = 'slack:UBOB';

function q(text: string) {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

/**
 * The watch part of the store port (WatchStore): watches, delivery settings, the cursor over new papers
 * and the exactly-once delivery ledger. Run by each store's test file beside the store contract.
 */
export function watchStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} watch store contract`, () => {
    let sut: StoreUnderTest;
    let store: PaperStore;
    beforeEach(async () => {
      sut = await open();
      store = sut.store;
    });
    afterEach(async () => {
      await store.close();
    });

    it('adds watches up to the limit, lists them oldest first, and removes only its owner’s', async () => {
      const a = await store.addWatch(ANN, 'diffusion', 'slack:C1', 2);
      const b = await store.addWatch(ANN, '"machine unlearning"', 'slack:C1', 2);
      expect(await store.addWatch(ANN, 'third', 'slack:C1', 2)).toBeNull();
      expect(await store.addWatch(BOB, 'third', 'slack:C2', 2)).not.toBeNull();
      expect((await store.listWatches(ANN)).map((w) => w.query)).toEqual([
        'diffusion',
        '"machine unlearning"',
      ]);
      expect(await store.removeWatch(BOB, a!.id)).toBe(false);
      expect(await store.removeWatch(ANN, a!.id)).toBe(true);
      expect((await store.listWatches(ANN)).map((w) => w.id)).toEqual([b!.id]);
      expect((await store.activeWatches()).length).toBe(2);
    });

    it('keeps delivery settings, and a paused person’s watches are not active', async () => {
      await store.addWatch(ANN, 'diffusion', 'slack:C1', 5);
      expect(await store.getWatcher(ANN)).toBeNull();
      const settings = {
        owner: ANN,
        mode: 'daily' as const,
        time: '08:30',
        timezone: 'Europe/Berlin',
        paused: true,
        pausedReason: 'cannot_dm',
        dmChannel: 'slack:D1',
        updatedAt: '2026-01-05T08:00:00.000Z',
      };
      await store.saveWatcher(settings);
      expect(await store.getWatcher(ANN)).toEqual(settings);
      expect(await store.activeWatches()).toEqual([]);
      await store.saveWatcher({ ...settings, paused: false, pausedReason: null });
      expect((await store.activeWatches()).length).toBe(1);
    });

    it('updates only the given settings, so a change of other fields made meanwhile survives', async () => {
      const settings = {
        owner: ANN,
        mode: 'instant' as const,
        time: '09:00',
        timezone: 'UTC',
        paused: false,
        pausedReason: null,
        dmChannel: null,
        updatedAt: '2026-01-05T08:00:00.000Z',
      };
      await store.saveWatcher(settings);
      const other = await sut.reopen();
      try {
        // The person sets a daily digest while a delivery (here: another connection) records the DM channel
        // and then pauses them, each knowing only the settings it read before.
        await store.updateWatcher(
          ANN,
          { mode: 'daily', time: '08:00', timezone: 'Europe/Berlin' },
          '2026-01-05T08:01:00.000Z',
        );
        await other.updateWatcher(ANN, { dmChannel: 'slack:D1' }, '2026-01-05T08:02:00.000Z');
        const paused = await other.updateWatcher(
          ANN,
          { paused: true, pausedReason: 'user_disabled' },
          '2026-01-05T08:03:00.000Z',
        );
        const expected = {
          owner: ANN,
          mode: 'daily',
          time: '08:00',
          timezone: 'Europe/Berlin',
          paused: true,
          pausedReason: 'user_disabled',
          dmChannel: 'slack:D1',
          updatedAt: '2026-01-05T08:03:00.000Z',
        };
        expect(paused).toEqual(expected);
        expect(await store.getWatcher(ANN)).toEqual(expected);
        // Resuming clears the pause and nothing else.
        await store.updateWatcher(ANN, { paused: false, pausedReason: null }, '2026-01-05T08:04:00.000Z');
        expect(await other.getWatcher(ANN)).toMatchObject({
          mode: 'daily',
          time: '08:00',
          dmChannel: 'slack:D1',
          paused: false,
          pausedReason: null,
        });
        // A person without settings gets the defaults with the patch.
        expect(await store.updateWatcher(BOB, { dmChannel: 'slack:D2' }, '2026-01-05T09:00:00.000Z')).toEqual(
          {
            owner: BOB,
            mode: 'instant',
            time: '09:00',
            timezone: 'UTC',
            paused: false,
            pausedReason: null,
            dmChannel: 'slack:D2',
            updatedAt: '2026-01-05T09:00:00.000Z',
          },
        );
      } finally {
        await other.close();
      }
    });

    it('counts the papers a query matches in the archive', async () => {
      await store.upsertPapers([
        paper({ arxivId: '2501.00001', title: 'Diffusion models for video' }),
        paper({ arxivId: '2501.00002', title: 'Machine unlearning', abstract: 'no diffusion here' }),
        paper({ arxivId: '2501.00003', title: 'Transformers' }),
      ]);
      expect(await store.countMatching(q('diffusion'))).toBe(2);
      expect(await store.countMatching(q('diffusion -unlearning'))).toBe(1);
      expect(await store.countMatching(q('nothing'))).toBe(0);
    });

    it('starts the cursor after the papers already archived and lists only papers inserted later', async () => {
      await store.upsertPapers([paper({ arxivId: '2501.00001', title: 'Old paper' })]);
      const cursor = await store.watchCursor();
      expect(await store.papersAfter(cursor, 10)).toHaveLength(1);
      await store.upsertPapers([
        paper({ arxivId: '2501.00002', title: 'New one' }),
        paper({ arxivId: '2501.00001', title: 'Old paper', upvotes: 9 }),
      ]);
      const after = await store.papersAfter(cursor, 10);
      expect(after.map((n) => n.paper.id)).toEqual(['2501.00001', '2501.00002']);
      // An update of a known paper keeps its place: only the insert is after the first one.
      expect((await store.papersAfter(after[0]!.seq, 10)).map((n) => n.paper.id)).toEqual(['2501.00002']);
      expect(after[1]!.seq).toBeGreaterThan(after[0]!.seq);
    });

    it('moves the cursor once for matches recorded by two stores at once, one match per person and paper', async () => {
      const other = await sut.reopen();
      try {
        const from = await store.watchCursor();
        const matches = [
          { owner: ANN, paperId: 'p1', watchId: 1, query: 'a' },
          { owner: ANN, paperId: 'p1', watchId: 2, query: 'b' },
          { owner: BOB, paperId: 'p1', watchId: 3, query: 'c' },
        ];
        const results = await Promise.all([
          store.recordWatchMatches(from, from + 5, matches),
          other.recordWatchMatches(from, from + 5, matches),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.watchCursor()).toBe(from + 5);
        expect(await store.recordWatchMatches(from, from + 9, matches)).toBe(false);
        expect(new Set(await store.ownersToDeliver())).toEqual(new Set([ANN, BOB]));
        const d = await store.claimWatchDelivery(ANN, 'run-1', 30_000, {
          key: 'k1',
          localDate: null,
          upTo: null,
        });
        // The first watch to match keeps the paper; the second watch finds it taken.
        expect(d?.items).toEqual([{ paperId: 'p1', watchId: 1, query: 'a' }]);
        expect((await store.watchMatchCounts(ANN, '2000-01-01')).get(1)).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('claims a delivery once, lets a dead run’s delivery be resumed as planned, and finishes it once', async () => {
      const from = await store.watchCursor();
      await store.recordWatchMatches(from, from + 1, [
        { owner: ANN, paperId: 'p1', watchId: 1, query: 'a' },
        { owner: ANN, paperId: 'p2', watchId: 1, query: 'a' },
      ]);
      const first = await store.claimWatchDelivery(ANN, 'run-1', 30_000, {
        key: 'k1',
        localDate: null,
        upTo: null,
      });
      expect(first).toMatchObject({ owner: ANN, key: 'k1', resumed: false, localDate: null });
      expect(first?.items.map((i) => i.paperId)).toEqual(['p1', 'p2']);
      // While run-1's lease lives, nobody else gets it, and no second delivery is planned.
      expect(
        await store.claimWatchDelivery(ANN, 'run-2', 30_000, { key: 'k2', localDate: null, upTo: null }),
      ).toBeNull();
      // New matches arriving meanwhile wait for the next delivery.
      await store.recordWatchMatches(from + 1, from + 2, [
        { owner: ANN, paperId: 'p3', watchId: 1, query: 'a' },
      ]);
      expect(await store.renewWatchDelivery(first!.id, 'run-1', 30_000)).toBe(true);
      await sut.elapse(31_000);
      const resumed = await store.claimWatchDelivery(ANN, 'run-2', 30_000, {
        key: 'k2',
        localDate: null,
        upTo: null,
      });
      expect(resumed).toMatchObject({ id: first!.id, key: 'k1', resumed: true, plannedAt: first!.plannedAt });
      expect(resumed?.items.map((i) => i.paperId)).toEqual(['p1', 'p2']);
      expect(await store.renewWatchDelivery(first!.id, 'run-1', 30_000)).toBe(false);
      await store.finishWatchDelivery(first!.id, { state: 'sent', message: 'slack:D1:1.000001' });
      await store.finishWatchDelivery(first!.id, { state: 'undeliverable', note: 'late' });
      expect(await store.getWatchDelivery(first!.id)).toMatchObject({
        state: 'sent',
        message: 'slack:D1:1.000001',
      });
      const next = await store.claimWatchDelivery(ANN, 'run-2', 30_000, {
        key: 'k3',
        localDate: null,
        upTo: null,
      });
      expect(next?.items.map((i) => i.paperId)).toEqual(['p3']);
      await store.finishWatchDelivery(next!.id, { state: 'sent', message: 'slack:D1:2.000001' });
      expect(await store.ownersToDeliver()).toEqual([]);
      expect(
        await store.claimWatchDelivery(ANN, 'run-2', 30_000, { key: 'k4', localDate: null, upTo: null }),
      ).toBeNull();
    });

    it('holds a delivery whose try failed until its next try, then lets any run resume it, and gives it up', async () => {
      const from = await store.watchCursor();
      await store.recordWatchMatches(from, from + 1, [{ owner: ANN, paperId: 'p1', watchId: 1, query: 'a' }]);
      const first = await store.claimWatchDelivery(ANN, 'run-1', 30_000, {
        key: 'k1',
        localDate: null,
        upTo: null,
      });
      expect(first).toMatchObject({ attempts: 0, retryAt: null });
      expect(await store.recordWatchDeliveryFailure(first!.id, 'run-2', 'not mine', 60_000)).toBe(false);
      expect(await store.recordWatchDeliveryFailure(first!.id, 'run-1', 'HTTP 500', 60_000)).toBe(true);
      expect(await store.getWatchDelivery(first!.id)).toMatchObject({ state: 'claimed', attempts: 1 });
      expect(await store.ownersToDeliver()).toEqual([]);
      // Matches arriving meanwhile wait behind it: no second delivery, for the run that failed or another.
      await store.recordWatchMatches(from + 1, from + 2, [
        { owner: ANN, paperId: 'p2', watchId: 1, query: 'a' },
      ]);
      expect(
        await store.claimWatchDelivery(ANN, 'run-1', 30_000, { key: 'k2', localDate: null, upTo: null }),
      ).toBeNull();
      await sut.elapse(50_000);
      expect(
        await store.claimWatchDelivery(ANN, 'run-2', 30_000, { key: 'k2', localDate: null, upTo: null }),
      ).toBeNull();
      await sut.elapse(11_000);
      const again = await store.claimWatchDelivery(ANN, 'run-2', 30_000, {
        key: 'k2',
        localDate: null,
        upTo: null,
      });
      expect(again).toMatchObject({ id: first!.id, key: 'k1', resumed: true, attempts: 1, retryAt: null });
      expect(again?.items.map((i) => i.paperId)).toEqual(['p1']);
      expect(await store.recordWatchDeliveryFailure(first!.id, 'run-2', 'HTTP 503', null)).toBe(true);
      expect(await store.getWatchDelivery(first!.id)).toMatchObject({ state: 'undeliverable', attempts: 2 });
      // Given up: the next delivery carries only what matched after it.
      const next = await store.claimWatchDelivery(ANN, 'run-2', 30_000, {
        key: 'k3',
        localDate: null,
        upTo: null,
      });
      expect(next?.items.map((i) => i.paperId)).toEqual(['p2']);
    });

    it('plans at most one daily digest per person and local date', async () => {
      const from = await store.watchCursor();
      await store.recordWatchMatches(from, from + 1, [{ owner: ANN, paperId: 'p1', watchId: 1, query: 'a' }]);
      const d = await store.claimWatchDelivery(ANN, 'run-1', 30_000, {
        key: 'k1',
        localDate: '2026-01-05',
        upTo: null,
      });
      await store.finishWatchDelivery(d!.id, { state: 'sent', message: 'm1' });
      await store.recordWatchMatches(from + 1, from + 2, [
        { owner: ANN, paperId: 'p2', watchId: 1, query: 'a' },
      ]);
      const again = { key: 'k2', localDate: '2026-01-05', upTo: null };
      expect(await store.claimWatchDelivery(ANN, 'run-1', 30_000, again)).toBeNull();
      const tomorrow = { key: 'k3', localDate: '2026-01-06', upTo: null };
      expect((await store.claimWatchDelivery(ANN, 'run-1', 30_000, tomorrow))?.items).toHaveLength(1);
    });

    it('gathers into a daily digest only the matches made up to its time', async () => {
      const from = await store.watchCursor();
      await store.recordWatchMatches(from, from + 1, [{ owner: ANN, paperId: 'p1', watchId: 1, query: 'a' }]);
      // The digest's time was before the match: nothing for that day, and the match still waits.
      const early = { key: 'k1', localDate: '2026-01-05', upTo: '2000-01-01T00:00:00.000Z' };
      expect(await store.claimWatchDelivery(ANN, 'run-1', 30_000, early)).toBeNull();
      const next = { key: 'k2', localDate: '2026-01-06', upTo: '2100-01-01T00:00:00.000Z' };
      expect(
        (await store.claimWatchDelivery(ANN, 'run-1', 30_000, next))?.items.map((i) => i.paperId),
      ).toEqual(['p1']);
    });

    it('drops a removed watch’s undelivered matches, and a paused person is not delivered to', async () => {
      const w = await store.addWatch(ANN, 'a', 'slack:C1', 5);
      const from = await store.watchCursor();
      await store.recordWatchMatches(from, from + 1, [
        { owner: ANN, paperId: 'p1', watchId: w!.id, query: 'a' },
      ]);
      await store.saveWatcher({
        owner: ANN,
        mode: 'instant',
        time: '09:00',
        timezone: 'UTC',
        paused: true,
        pausedReason: null,
        dmChannel: null,
        updatedAt: '2026-01-05T08:00:00.000Z',
      });
      expect(await store.ownersToDeliver()).toEqual([]);
      await store.removeWatch(ANN, w!.id);
      await store.saveWatcher({
        owner: ANN,
        mode: 'instant',
        time: '09:00',
        timezone: 'UTC',
        paused: false,
        pausedReason: null,
        dmChannel: null,
        updatedAt: '2026-01-05T08:00:00.000Z',
      });
      expect(await store.ownersToDeliver()).toEqual([]);
    });
  });
}
