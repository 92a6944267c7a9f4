import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { titleKeyId } from '../../src/papers/paper.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { paper, type StoreUnderTest } from './store.contract.ts';

const ANN = 'slack:UANN';
const BOB = 'slack:UBOB';

const at = (day: number) => `2026-01-${String(day).padStart(2, '0')}T09:00:00.000Z`;

/**
 * Each channel's reading list (ReadingListStore): pins by 📌 and by save, who put a paper there, removal.
 * Run by each store's test file beside the store contract. One database for the suite (each PostgreSQL
 * database costs a checkpoint to drop): every test works in channels of a platform name of its own.
 */
export function readingListContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} reading list contract`, () => {
    let store: PaperStore;
    let tests = 0;
    /** This test's platform: its channels are `<platform>:C1` and `<platform>:C2`. */
    let platform = '';
    let HERE = '';
    let THERE = '';
    beforeAll(async () => {
      store = (await open()).store;
      await store.upsertPapers([
        paper({ arxivId: '2401.00001', title: 'First' }),
        paper({ arxivId: '2401.00002', title: 'Second' }),
        paper({ arxivId: '2401.00003', title: 'Third' }),
      ]);
    });
    beforeEach(() => {
      tests += 1;
      platform = `test${tests}`;
      HERE = `${platform}:C1`;
      THERE = `${platform}:C2`;
    });
    afterAll(async () => {
      await store.close();
    });

    it('keeps a paper while any pin holds it: removing the last takes it off', async () => {
      const pin = { channel: HERE, paperId: '2401.00001', at: at(1) };
      expect(await store.addPin({ ...pin, user: ANN, via: `${HERE}:1.1` })).toBe('added');
      expect(await store.addPin({ ...pin, user: ANN, via: `${HERE}:1.1` })).toBe('unchanged');
      expect(await store.addPin({ ...pin, user: BOB, via: `${HERE}:1.1`, at: at(2) })).toBe('listed');
      // Ann's pin on another message of the same paper in the channel is another reason to keep it.
      expect(await store.addPin({ ...pin, user: ANN, via: `${HERE}:2.2`, at: at(3) })).toBe('listed');
      expect(
        await store.removePin({ channel: HERE, paperId: '2401.00001', user: ANN, via: `${HERE}:1.1` }),
      ).toBe(true);
      expect(
        await store.removePin({ channel: HERE, paperId: '2401.00001', user: BOB, via: `${HERE}:1.1` }),
      ).toBe(true);
      expect(await store.onReadingList(HERE, ['2401.00001'])).toEqual(new Set(['2401.00001']));
      expect(
        await store.removePin({ channel: HERE, paperId: '2401.00001', user: ANN, via: `${HERE}:2.2` }),
      ).toBe(false);
      expect(await store.onReadingList(HERE, ['2401.00001'])).toEqual(new Set());
      // Removing a pin that is gone changes nothing.
      expect(
        await store.removePin({ channel: HERE, paperId: '2401.00001', user: ANN, via: `${HERE}:2.2` }),
      ).toBe(false);
    });

    it('lists each channel newest first with who put each paper there, earliest first', async () => {
      await store.addPin({ channel: HERE, paperId: '2401.00001', user: ANN, via: null, at: at(1) });
      await store.addPin({ channel: HERE, paperId: '2401.00002', user: BOB, via: `${HERE}:5.5`, at: at(4) });
      await store.addPin({ channel: HERE, paperId: '2401.00001', user: BOB, via: `${HERE}:6.6`, at: at(5) });
      await store.addPin({ channel: HERE, paperId: '2401.00001', user: BOB, via: null, at: at(6) });
      await store.addPin({ channel: THERE, paperId: '2401.00003', user: ANN, via: null, at: at(2) });
      const lists = await store.readingLists([HERE, THERE], 50);
      expect(lists.map((e) => [e.channel, e.paper.id, e.addedAt])).toEqual([
        [HERE, '2401.00002', at(4)],
        [HERE, '2401.00001', at(1)],
        [THERE, '2401.00003', at(2)],
      ]);
      // Bob counts once, at his first pin.
      expect(lists[1]?.pinnedBy).toEqual([
        { user: ANN, at: at(1) },
        { user: BOB, at: at(5) },
      ]);
      expect(lists[1]?.paper.title).toBe('First');
      expect((await store.readingLists([HERE], 1)).map((e) => e.paper.id)).toEqual(['2401.00002']);
      expect(await store.readingLists([], 10)).toEqual([]);
      expect(await store.readingLists([`${platform}:CNONE`], 10)).toEqual([]);
    });

    it('names the channels with a list on one platform, and says which papers are on a list', async () => {
      await store.addPin({ channel: THERE, paperId: '2401.00003', user: ANN, via: null, at: at(2) });
      await store.addPin({ channel: HERE, paperId: '2401.00001', user: ANN, via: null, at: at(1) });
      const other = `${platform}x:9`;
      await store.addPin({ channel: other, paperId: '2401.00001', user: 'discord:7', via: null, at: at(1) });
      expect(await store.readingListChannels(`${platform}:`)).toEqual([HERE, THERE]);
      expect(await store.readingListChannels(`${platform}x:`)).toEqual([other]);
      // A prefix means only itself: `%` and `_` are no wildcards.
      expect(await store.readingListChannels(`${platform.slice(0, 2)}%`)).toEqual([]);
      expect(await store.readingListChannels(`${platform.slice(0, -1)}_:`)).toEqual([]);
      expect(await store.onReadingList(HERE, ['2401.00001', '2401.00003', '2409.99999'])).toEqual(
        new Set(['2401.00001']),
      );
      expect(await store.onReadingList(HERE, [])).toEqual(new Set());
    });

    it('removes a paper from one channel whoever pinned it, and clears pins made through messages', async () => {
      await store.addPin({ channel: HERE, paperId: '2401.00001', user: ANN, via: null, at: at(1) });
      await store.addPin({ channel: HERE, paperId: '2401.00001', user: BOB, via: `${HERE}:1.1`, at: at(1) });
      await store.addPin({ channel: THERE, paperId: '2401.00001', user: ANN, via: null, at: at(1) });
      expect(await store.removeFromReadingList(HERE, '2401.00001')).toBe(true);
      expect(await store.removeFromReadingList(HERE, '2401.00001')).toBe(false);
      expect((await store.readingLists([HERE, THERE], 10)).map((e) => e.channel)).toEqual([THERE]);

      await store.addPin({ channel: HERE, paperId: '2401.00002', user: BOB, via: `${HERE}:1.1`, at: at(2) });
      await store.addPin({ channel: HERE, paperId: '2401.00002', user: ANN, via: `${HERE}:1.1`, at: at(2) });
      await store.addPin({ channel: HERE, paperId: '2401.00003', user: ANN, via: null, at: at(2) });
      expect(await store.clearPins([`${HERE}:1.1`, `${HERE}:9.9`])).toBe(2);
      // A save is no message's pin: clearing reactions leaves it.
      expect(await store.clearPins([''])).toBe(0);
      expect((await store.readingLists([HERE], 10)).map((e) => e.paper.id)).toEqual(['2401.00003']);
    });

    it('keeps pins with their paper when a title-only paper merges into its arXiv id', async () => {
      await store.upsertPapers([paper({ title: 'A Paper Without An Id Yet' })]);
      const titleId = titleKeyId('A Paper Without An Id Yet');
      await store.addPin({ channel: HERE, paperId: titleId, user: ANN, via: null, at: at(1) });
      await store.addPin({ channel: HERE, paperId: '2402.00009', user: ANN, via: null, at: at(2) });
      await store.upsertPapers([paper({ arxivId: '2402.00009', title: 'A Paper Without An Id Yet' })]);
      const [entry, ...rest] = await store.readingLists([HERE], 10);
      expect(rest).toEqual([]);
      expect(entry?.paper.id).toBe('2402.00009');
      expect(entry?.pinnedBy).toEqual([{ user: ANN, at: at(1) }]);
    });
  });
}
