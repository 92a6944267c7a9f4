import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { titleKeyId } from '../../src/papers/paper.ts';
import { parseSearchQuery, type SearchQuery } from '../../src/papers/search-query.ts';
import { type ChannelSettings, type PaperStore, StoreUnavailableError } from '../../src/store/port.ts';
import { searchFieldsContract } from './search.contract.ts';

/** A store under test, with ways to let time pass and to take its database away. */
export interface StoreUnderTest {
  store: PaperStore;
  /** A second handle on the same database, as another process would open it. */
  reopen(): Promise<PaperStore>;
  /** Lets `ms` pass as the store measures time for leases and roundup claims (expiry, staleness). */
  elapse(ms: number): Promise<void>;
  /**
   * Makes the database unusable for the store (SQLite: another connection holds the write lock;
   * PostgreSQL: the network to the server is cut) and resolves with the function that ends the outage.
   */
  outage(): Promise<() => Promise<void>>;
}

export function paper(over: Partial<Paper> & { title: string }): Paper {
  const arxivId = over.arxivId === undefined ? null : over.arxivId;
  return {
    id: arxivId ?? titleKeyId(over.title),
    arxivId,
    abstract: '',
    authors: [],
    authorCount: null,
    organization: null,
    publishedAt: null,
    feedDate: null,
    upvotes: null,
    comments: null,
    ...over,
  };
}

function q(text: string): SearchQuery {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

/**
 * The behaviour every PaperStore must have. Each implementation's test file calls this with a factory
 * that opens a fresh, empty database.
 */
export function storeContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} store contract`, () => {
    let sut: StoreUnderTest;
    let store: PaperStore;
    beforeEach(async () => {
      sut = await open();
      store = sut.store;
    });
    afterEach(async () => {
      await store.close();
    });

    describe('papers', () => {
      it('inserts, then reports the same paper again as unchanged, and updates changed upvotes', async () => {
        const p = paper({ arxivId: '2410.17243', title: 'Breaking the Memory Barrier', upvotes: 64 });
        expect(await store.upsertPapers([p])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
        expect(await store.upsertPapers([p])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
        expect(await store.upsertPapers([{ ...p, upvotes: 74 }])).toEqual({
          inserted: 0,
          updated: 1,
          unchanged: 0,
        });
        expect((await store.getPaper('2410.17243'))?.upvotes).toBe(74);
        expect(await store.countPapers()).toBe(1);
      });

      it('finds a paper by a versioned id or URL, and returns null for an unknown one', async () => {
        await store.upsertPapers([paper({ arxivId: '2410.17243', title: 'T' })]);
        expect((await store.getPaper('2410.17243v2'))?.id).toBe('2410.17243');
        expect((await store.getPaper('https://arxiv.org/abs/2410.17243'))?.id).toBe('2410.17243');
        expect(await store.getPaper('2501.00001')).toBeNull();
      });

      it('round-trips every field', async () => {
        const p = paper({
          arxivId: '2602.23229',
          title: 'Large Multimodal Models as General In-Context Classifiers',
          abstract: 'Which multimodal model should we use?',
          authors: ['Marco Garosi', 'Elisa Ricci'],
          authorCount: 2,
          organization: { id: 'unitn', name: 'University of Trento' },
          publishedAt: '2026-02-26',
          feedDate: '2026-03-06',
          upvotes: 10,
          comments: 1,
          aiSummary: 'LMMs classify in context.',
          keywords: ['in-context learning'],
          githubRepo: 'https://github.com/marco-garosi/CIRCLE',
          githubStars: 12,
          projectPage: 'https://circle-lmm.github.io/',
          thumbnail: 'https://example.org/t.png',
        });
        await store.upsertPapers([p]);
        const got = await store.getPaper(p.id);
        expect(got).toMatchObject(p);
        expect(got?.teamVotes).toBe(0);
      });

      it('never erases a known field with a source that lacks it', async () => {
        const json = paper({
          arxivId: '2411.15124',
          title: 'TÜLU 3',
          upvotes: 50,
          authors: ['A', 'B'],
          authorCount: 2,
        });
        await store.upsertPapers([json]);
        await store.upsertPapers([paper({ arxivId: '2411.15124', title: 'TÜLU 3', comments: 3 })]);
        const got = await store.getPaper('2411.15124');
        expect(got).toMatchObject({ upvotes: 50, authors: ['A', 'B'], authorCount: 2, comments: 3 });
      });

      it('merges a paper first seen without an arXiv id with the same title seen later with one', async () => {
        const fromPage = paper({
          title: 'TÜLU 3: Pushing Frontiers in Open Language Model Post-Training',
          comments: 3,
        });
        await store.upsertPapers([fromPage]);
        const ch = 'slack:C1';
        await store.recordPost({
          message: 'slack:C1:1.1',
          channel: ch,
          paperId: fromPage.id,
          kind: 'share',
          postedBy: 'slack:U1',
          postedAt: '2026-01-01T00:00:00.000Z',
        });
        await store.addReaction({
          message: 'slack:C1:1.1',
          user: 'slack:U1',
          emoji: '+1',
          at: '2026-01-01T00:00:01.000Z',
        });
        const fromApi = paper({
          arxivId: '2411.15124',
          title: 'Tulu 3: pushing frontiers in open language model post-training',
          upvotes: 60,
        });
        expect(await store.upsertPapers([fromApi])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
        expect(await store.countPapers()).toBe(1);
        const got = await store.getPaper('2411.15124');
        expect(got).toMatchObject({ id: '2411.15124', upvotes: 60, comments: 3, teamVotes: 1 });
        expect((await store.getPost('slack:C1:1.1'))?.paperId).toBe('2411.15124');
        expect(await store.papersPostedIn(ch)).toEqual(new Set(['2411.15124']));
        // Page text seen again later updates the arXiv paper instead of re-creating the title-keyed one.
        expect(await store.upsertPapers([fromPage])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
        expect(await store.countPapers()).toBe(1);
      });

      it('lists a feed day and finds the latest day with papers', async () => {
        await store.upsertPapers([
          paper({ arxivId: '2410.00001', title: 'A', feedDate: '2024-10-24' }),
          paper({ arxivId: '2410.00002', title: 'B', feedDate: '2024-10-25' }),
          paper({ arxivId: '2410.00003', title: 'C', feedDate: '2024-10-25' }),
        ]);
        expect((await store.papersOnFeedDate('2024-10-25')).map((p) => p.id).sort()).toEqual([
          '2410.00002',
          '2410.00003',
        ]);
        expect(await store.latestFeedDate('2024-10-27')).toBe('2024-10-25');
        expect(await store.latestFeedDate('2024-10-24')).toBe('2024-10-24');
        expect(await store.latestFeedDate('2024-10-01')).toBeNull();
      });

      it('moves papers to the day whose requested feed listed them; other sources never move them', async () => {
        const wrong = [
          paper({ arxivId: '2412.00001', title: 'Evening submission', feedDate: '2024-12-05' }),
          paper({ arxivId: '2412.00002', title: 'Search hit with no feed day' }),
          paper({ title: 'Seen on a page first', feedDate: '2024-12-04' }),
        ];
        await store.upsertPapers(wrong);
        const listed = [
          paper({ arxivId: '2412.00001', title: 'Evening submission', feedDate: '2024-12-05' }),
          paper({ arxivId: '2412.00002', title: 'Search hit with no feed day' }),
          paper({ arxivId: '2412.00003', title: 'Seen on a page first' }),
        ];
        expect(await store.upsertPapers(listed, { listedOn: '2024-12-06' })).toEqual({
          inserted: 0,
          updated: 3,
          unchanged: 0,
        });
        const onDay = async (d: string) => (await store.papersOnFeedDate(d)).map((p) => p.id).sort();
        expect(await onDay('2024-12-06')).toEqual(['2412.00001', '2412.00002', '2412.00003']);
        expect(await onDay('2024-12-05')).toEqual([]);
        expect(await onDay('2024-12-04')).toEqual([]);
        // A source without a requested day (a saved file, a search hit, page text) leaves the day alone.
        await store.upsertPapers([
          paper({ arxivId: '2412.00001', title: 'Evening submission', feedDate: '2024-12-05', upvotes: 3 }),
          paper({ title: 'Seen on a page first', feedDate: '2024-12-01' }),
        ]);
        expect(await onDay('2024-12-06')).toEqual(['2412.00001', '2412.00002', '2412.00003']);
        expect((await store.getPaper('2412.00001'))?.upvotes).toBe(3);
        // The same day's feed again changes nothing.
        expect(await store.upsertPapers(listed, { listedOn: '2024-12-06' })).toMatchObject({ updated: 0 });
      });

      it('refuses a listing day that is not a date, writing nothing', async () => {
        const error = await store
          .upsertPapers([paper({ arxivId: '2412.00001', title: 'T' })], { listedOn: '2024-12-6' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RangeError);
        expect(await store.countPapers()).toBe(0);
      });

      it('keeps a batch atomic: an invalid paper in it leaves nothing half-written', async () => {
        const good = paper({ arxivId: '2410.00001', title: 'Good' });
        const bad = {
          ...paper({ arxivId: '2410.00002', title: 'Bad' }),
          authors: 'not a list',
        } as unknown as Paper;
        const error = await store.upsertPapers([good, bad]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        // A bad paper is a fault to report, not the database being busy: it is not StoreUnavailableError.
        expect(error).not.toBeInstanceOf(StoreUnavailableError);
        expect(await store.countPapers()).toBe(0);
      });
    });

    describe('search', () => {
      beforeEach(async () => {
        await store.upsertPapers([
          paper({
            arxivId: '2401.00001',
            title: 'Practical Unlearning for Large Language Models',
            abstract: 'We forget.',
          }),
          paper({
            arxivId: '2401.00002',
            title: 'Diffusion models',
            abstract: 'Concepts can be unlearned from a model.',
          }),
          paper({
            arxivId: '2401.00003',
            title: 'TÜLU 3: Pushing Frontiers',
            abstract: 'Post-training recipes.',
          }),
          paper({
            arxivId: '2401.00004',
            title: 'Machine Unlearning Survey',
            abstract: 'A survey of machine unlearning.',
          }),
          paper({
            arxivId: '2401.00005',
            title: 'Near-duplicate detection',
            abstract: 'Finding near duplicates (fast).',
          }),
        ]);
      });

      it('stems: unlearning finds Unlearning, unlearned; title matches rank first', async () => {
        const hits = await store.search(q('unlearning'), 10);
        expect(hits.map((h) => h.paper.id).sort()).toEqual(['2401.00001', '2401.00002', '2401.00004']);
        expect(hits[hits.length - 1]?.paper.id).toBe('2401.00002');
        expect(hits.find((h) => h.paper.id === '2401.00002')?.titleMatch).toBe(false);
        expect(hits.find((h) => h.paper.id === '2401.00001')?.titleMatch).toBe(true);
        for (const h of hits) expect(h.relevance).toBeGreaterThan(0);
      });

      it('folds diacritics: tulu finds TÜLU', async () => {
        expect((await store.search(q('tulu'), 10)).map((h) => h.paper.id)).toEqual(['2401.00003']);
      });

      it('supports phrases and exclusions', async () => {
        expect((await store.search(q('"machine unlearning"'), 10)).map((h) => h.paper.id)).toEqual([
          '2401.00004',
        ]);
        const ids = (await store.search(q('unlearning -survey'), 10)).map((h) => h.paper.id).sort();
        expect(ids).toEqual(['2401.00001', '2401.00002']);
      });

      it('treats FTS syntax typed by a person as words, never as operators or errors', async () => {
        for (const text of [
          'NEAR(a b)',
          'near',
          '"unbalanced',
          'a*',
          '(((',
          'title:unlearning',
          'AND OR NOT',
          '^x',
          "'; DROP TABLE papers; --",
        ]) {
          const parsed = parseSearchQuery(text);
          if (!parsed.ok) continue;
          await expect(store.search(parsed.query, 10)).resolves.toBeInstanceOf(Array);
        }
        expect((await store.search(q('near'), 10)).map((h) => h.paper.id)).toEqual(['2401.00005']);
        expect(await store.countPapers()).toBe(5);
      });

      it('answers a 10,000-character query', async () => {
        const parsed = parseSearchQuery('unlearning '.repeat(1000));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect((await store.search(parsed.query, 10)).length).toBe(3);
      });

      it('falls back to any-word matching when asked', async () => {
        const all = q('tulu survey');
        expect(await store.search(all, 10)).toEqual([]);
        expect((await store.search({ ...all, mode: 'any' }, 10)).length).toBe(2);
      });

      it('respects the limit', async () => {
        expect((await store.search(q('unlearning'), 2)).length).toBe(2);
      });
    });

    searchFieldsContract(() => store);

    describe('posts and votes', () => {
      const post = (message: string, paperId: string | null, channel = 'slack:C1') => ({
        message,
        channel,
        paperId,
        kind: 'roundup' as const,
        postedBy: null,
        postedAt: '2026-01-01T00:00:00.000Z',
      });
      beforeEach(async () => {
        await store.upsertPapers([
          paper({ arxivId: '2401.00001', title: 'One' }),
          paper({ arxivId: '2401.00002', title: 'Two' }),
        ]);
      });

      it('records posts idempotently and maps a message back to its paper', async () => {
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        expect(await store.getPost('slack:C1:1')).toMatchObject({
          paperId: '2401.00001',
          channel: 'slack:C1',
        });
        expect(await store.getPost('slack:C1:404')).toBeNull();
      });

      it('counts one vote per person per paper across emoji and messages; the last removal removes it', async () => {
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        await store.recordPost(post('discord:9:2', '2401.00001', 'discord:9'));
        const at = '2026-01-02T00:00:00.000Z';
        expect(await store.addReaction({ message: 'slack:C1:1', user: 'slack:U1', emoji: '+1', at })).toBe(1);
        expect(await store.addReaction({ message: 'slack:C1:1', user: 'slack:U1', emoji: 'fire', at })).toBe(
          1,
        );
        expect(await store.addReaction({ message: 'slack:C1:1', user: 'slack:U1', emoji: 'fire', at })).toBe(
          1,
        );
        expect(await store.addReaction({ message: 'discord:9:2', user: 'discord:7', emoji: '+1', at })).toBe(
          2,
        );
        expect(await store.removeReaction({ message: 'slack:C1:1', user: 'slack:U1', emoji: '+1', at })).toBe(
          2,
        );
        expect(
          await store.removeReaction({ message: 'slack:C1:1', user: 'slack:U1', emoji: 'fire', at }),
        ).toBe(1);
        expect((await store.getPaper('2401.00001'))?.teamVotes).toBe(1);
      });

      it('counts no add older than a removal of the same reaction (a delivery sent again after it was taken back); a newer one counts', async () => {
        await store.recordPost(post('slack:C1:7', '2401.00001'));
        const vote = { message: 'slack:C1:7', user: 'slack:U1', emoji: '+1' };
        // The add at 10:00 was refused (the archive was locked); the removal at 10:01 went through.
        expect(await store.removeReaction({ ...vote, at: '2026-01-02T10:01:00.000Z' })).toBe(0);
        // Slack's retry of the 10:00 add, minutes later: taken back already.
        expect(await store.addReaction({ ...vote, at: '2026-01-02T10:00:00.000Z' })).toBe(0);
        // Another person's vote, and the same person's own later add, count as ever.
        expect(await store.addReaction({ ...vote, user: 'slack:U2', at: '2026-01-02T10:00:00.000Z' })).toBe(
          1,
        );
        expect(await store.addReaction({ ...vote, at: '2026-01-02T10:02:00.000Z' })).toBe(2);
        expect((await store.getPaper('2401.00001'))?.teamVotes).toBe(2);
      });

      it('keeps a vote whose removal arrives after the person added it again (a delivery sent again); a newer removal removes it', async () => {
        await store.recordPost(post('slack:C1:8', '2401.00001'));
        const vote = { message: 'slack:C1:8', user: 'slack:U1', emoji: '+1' };
        expect(await store.addReaction({ ...vote, at: '2026-01-02T10:00:00.000Z' })).toBe(1);
        // The removal at 10:01 was refused; the person added the reaction back at 10:02.
        expect(await store.addReaction({ ...vote, at: '2026-01-02T10:02:00.000Z' })).toBe(1);
        // Slack's retry of the 10:01 removal, minutes later: the vote stays.
        expect(await store.removeReaction({ ...vote, at: '2026-01-02T10:01:00.000Z' })).toBe(1);
        expect(await store.removeReaction({ ...vote, at: '2026-01-02T10:03:00.000Z' })).toBe(0);
      });

      it('clears the reactions on messages, of one emoji or all, whoever made them; idempotent', async () => {
        await store.recordPost(post('discord:9:1', '2401.00001', 'discord:9'));
        await store.recordPost(post('discord:9:2#1', '2401.00001', 'discord:9'));
        await store.recordPost(post('discord:9:2#2', '2401.00002', 'discord:9'));
        await store.recordPost(post('discord:9:3', '2401.00002', 'discord:9'));
        const at = '2026-01-02T00:00:00.000Z';
        const react = (message: string, user: string, emoji: string) =>
          store.addReaction({ message, user, emoji, at });
        await react('discord:9:1', 'discord:1', '👍');
        await react('discord:9:1', 'discord:1', '🔥');
        await react('discord:9:1', 'discord:2', '👍');
        await react('discord:9:2#1', 'discord:3', '1️⃣');
        await react('discord:9:2#2', 'discord:4', '2️⃣');
        await react('discord:9:3', 'discord:5', '👍');
        const votes = async (id: string) => (await store.getPaper(id))?.teamVotes;

        expect(await store.clearReactions(['discord:9:1'], '👍')).toBe(2);
        expect(await votes('2401.00001')).toBe(2);
        expect(await store.clearReactions(['discord:9:2', 'discord:9:2#1', 'discord:9:2#2'], null)).toBe(2);
        expect(await votes('2401.00001')).toBe(1);
        expect(await votes('2401.00002')).toBe(1);
        expect(await store.clearReactions(['discord:9:2', 'discord:9:2#1', 'discord:9:2#2'], null)).toBe(0);
        expect(await store.clearReactions(['discord:9:1'], null)).toBe(1);
        expect(await votes('2401.00001')).toBe(0);
        expect(await store.clearReactions([], null)).toBe(0);
        // A clear recorded late: the reaction added after it stays; one added before it goes.
        await react('discord:9:1', 'discord:6', '👍');
        expect(await store.clearReactions(['discord:9:1'], null, '2026-01-01T23:59:59.000Z')).toBe(0);
        expect(await store.clearReactions(['discord:9:1'], '👍', '2026-01-02T00:00:00.000Z')).toBe(1);
        expect((await store.topVoted(null, 10)).map((e) => [e.paper.id, e.voters])).toEqual([
          ['2401.00002', ['discord:5']],
        ]);
      });

      it('ignores reactions on messages that show no paper', async () => {
        await store.recordPost(post('slack:C1:h', null));
        const at = '2026-01-02T00:00:00.000Z';
        expect(
          await store.addReaction({ message: 'slack:C1:h', user: 'slack:U1', emoji: '+1', at }),
        ).toBeNull();
        expect(
          await store.addReaction({ message: 'slack:C1:unknown', user: 'slack:U1', emoji: '+1', at }),
        ).toBeNull();
        expect(await store.topVoted(null, 10)).toEqual([]);
      });

      it('ranks the most voted papers, with voters, within a window', async () => {
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        await store.recordPost(post('slack:C1:2', '2401.00002'));
        await store.addReaction({
          message: 'slack:C1:1',
          user: 'slack:U1',
          emoji: '+1',
          at: '2026-01-01T00:00:00.000Z',
        });
        await store.addReaction({
          message: 'slack:C1:2',
          user: 'slack:U1',
          emoji: '+1',
          at: '2026-01-10T00:00:00.000Z',
        });
        await store.addReaction({
          message: 'slack:C1:2',
          user: 'slack:U2',
          emoji: '+1',
          at: '2026-01-10T00:00:00.000Z',
        });
        const all = await store.topVoted(null, 10);
        expect(all.map((e) => [e.paper.id, e.votes])).toEqual([
          ['2401.00002', 2],
          ['2401.00001', 1],
        ]);
        expect(all[0]?.voters.sort()).toEqual(['slack:U1', 'slack:U2']);
        const recent = await store.topVoted('2026-01-05T00:00:00.000Z', 10);
        expect(recent.map((e) => e.paper.id)).toEqual(['2401.00002']);
        expect(await store.topVoted(null, 1)).toHaveLength(1);
      });

      it('counts thread replies under every message that shows a paper, once each, and forgets deleted ones', async () => {
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        await store.recordPost({ ...post('slack:C2:5', '2401.00001', 'slack:C2'), kind: 'link' });
        await store.recordPost(post('slack:C1:9', null));
        const reply = (message: string, thread: string, user = 'slack:U1') => ({
          message,
          thread,
          user,
          at: '2026-01-03T00:00:00.000Z',
        });
        expect(await store.recordReply(reply('slack:C1:2', 'slack:C1:1'))).toBe(1);
        expect(await store.recordReply(reply('slack:C1:2', 'slack:C1:1'))).toBe(1);
        expect(await store.recordReply(reply('slack:C2:6', 'slack:C2:5', 'slack:U2'))).toBe(2);
        // A thread under a message showing no paper, or one the store never saw, counts nothing.
        expect(await store.recordReply(reply('slack:C1:10', 'slack:C1:9'))).toBeNull();
        expect(await store.recordReply(reply('slack:C1:11', 'slack:C1:404'))).toBeNull();
        expect(await store.replyCounts(['2401.00001', '2401.00002'])).toEqual(new Map([['2401.00001', 2]]));
        expect((await store.getPaper('2401.00001'))?.teamReplies).toBe(2);
        expect((await store.getPaper('2401.00002'))?.teamReplies).toBe(0);
        await store.removeReply('slack:C1:2', '2026-01-03T00:05:00.000Z');
        await store.removeReply('slack:C1:2', '2026-01-03T00:05:00.000Z');
        expect(await store.replyCounts(['2401.00001'])).toEqual(new Map([['2401.00001', 1]]));
        expect(await store.replyCounts([])).toEqual(new Map());
      });

      it('counts nothing for a reply whose add arrives after its deletion (a retry, an event held for the archive)', async () => {
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        // The add was refused while the archive was locked; the deletion came through first.
        await store.removeReply('slack:C1:2', '2026-01-03T00:05:00.000Z');
        expect(
          await store.recordReply({
            message: 'slack:C1:2',
            thread: 'slack:C1:1',
            user: 'slack:U1',
            at: '2026-01-03T00:00:00.000Z',
          }),
        ).toBe(0);
        expect((await store.getPaper('2401.00001'))?.teamReplies).toBe(0);
        // Another reply in the thread still counts.
        expect(
          await store.recordReply({
            message: 'slack:C1:3',
            thread: 'slack:C1:1',
            user: 'slack:U2',
            at: '2026-01-03T00:06:00.000Z',
          }),
        ).toBe(1);
      });

      it('forgets every reply of a thread deleted whole, and counts none of it recorded after', async () => {
        await store.recordPost(post('slack:C1:1', '2401.00001'));
        await store.recordPost(post('slack:C1:7', '2401.00001'));
        const reply = (message: string, thread: string, at = '2026-01-03T00:00:00.000Z') => ({
          message,
          thread,
          user: 'slack:U1',
          at,
        });
        await store.recordReply(reply('slack:C1:2', 'slack:C1:1'));
        await store.recordReply(reply('slack:C1:3', 'slack:C1:1'));
        await store.recordReply(reply('slack:C1:8', 'slack:C1:7'));
        expect((await store.getPaper('2401.00001'))?.teamReplies).toBe(3);
        await store.removeThread('slack:C1:1', '2026-01-03T00:05:00.000Z');
        await store.removeThread('slack:C1:1', '2026-01-03T00:05:00.000Z');
        // The other thread under the same paper's other message still counts.
        expect((await store.getPaper('2401.00001'))?.teamReplies).toBe(1);
        // A reply of the deleted thread arriving late (held while the archive was locked) counts nothing.
        expect(await store.recordReply(reply('slack:C1:4', 'slack:C1:1'))).toBe(1);
        expect(await store.replyCounts(['2401.00001'])).toEqual(new Map([['2401.00001', 1]]));
      });

      it('gives each paper’s activity: people’s shares, votes per person and channel, replies per channel', async () => {
        const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`;
        await store.recordPost({
          ...post('slack:C1:1', '2401.00001'),
          kind: 'share',
          postedBy: 'slack:U1',
          postedAt: at(2),
        });
        await store.recordPost({
          ...post('slack:C2:1', '2401.00001', 'slack:C2'),
          kind: 'link',
          postedBy: 'slack:U2',
          postedAt: at(1),
        });
        await store.recordPost(post('slack:C1:2', '2401.00001'));
        await store.recordPost(post('slack:C1:3', '2401.00002'));
        await store.addReaction({ message: 'slack:C1:2', user: 'slack:U3', emoji: '+1', at: at(4) });
        await store.addReaction({ message: 'slack:C1:2', user: 'slack:U3', emoji: 'fire', at: at(3) });
        await store.addReaction({ message: 'slack:C2:1', user: 'slack:U4', emoji: '+1', at: at(5) });
        await store.recordReply({ message: 'slack:C1:9', thread: 'slack:C1:1', user: 'slack:U5', at: at(6) });
        await store.recordReply({ message: 'slack:C1:8', thread: 'slack:C1:2', user: 'slack:U5', at: at(6) });
        const activity = await store.activityOf(['2401.00001', '2401.00002', '2401.00404']);
        expect([...activity.keys()]).toEqual(['2401.00001']);
        expect(activity.get('2401.00001')).toEqual({
          // The bot's own roundup post is no one's share.
          shares: [
            { user: 'slack:U2', channel: 'slack:C2', at: at(1) },
            { user: 'slack:U1', channel: 'slack:C1', at: at(2) },
          ],
          votes: [
            { user: 'slack:U3', channel: 'slack:C1', at: at(3) },
            { user: 'slack:U4', channel: 'slack:C2', at: at(5) },
          ],
          replies: [{ channel: 'slack:C1', count: 2 }],
        });
        expect(await store.activityOf([])).toEqual(new Map());
      });

      it('marks a share made in a person’s DM with the bot (where watch alerts go) as private', async () => {
        const at = '2026-01-02T00:00:00.000Z';
        // A watch alert in discord:77 (Discord DM ids look like any channel's), then a share from there.
        await store.recordPost({ ...post('discord:77:1', '2401.00002', 'discord:77'), kind: 'watch' });
        await store.recordPost({
          ...post('discord:77:2', '2401.00001', 'discord:77'),
          kind: 'search-share',
          postedBy: 'discord:5',
          postedAt: at,
        });
        await store.recordPost({
          ...post('discord:88:1', '2401.00001', 'discord:88'),
          kind: 'share',
          postedBy: 'discord:6',
          postedAt: at,
        });
        const shares = (await store.activityOf(['2401.00001'])).get('2401.00001')?.shares;
        expect(shares?.find((s) => s.channel === 'discord:77')).toEqual({
          user: 'discord:5',
          channel: 'discord:77',
          at,
          private: true,
        });
        expect(shares?.find((s) => s.channel === 'discord:88')).not.toHaveProperty('private');
      });

      it('keeps replies with their paper when a title-only paper merges into its arXiv id', async () => {
        await store.upsertPapers([paper({ title: 'A Paper Without An Id Yet' })]);
        const titleId = titleKeyId('A Paper Without An Id Yet');
        await store.recordPost(post('discord:9:1', titleId, 'discord:9'));
        expect(
          await store.recordReply({
            message: 'discord:9:2',
            thread: 'discord:9:1',
            user: 'discord:7',
            at: '2026-01-03T00:00:00.000Z',
          }),
        ).toBe(1);
        await store.upsertPapers([paper({ arxivId: '2402.00009', title: 'A Paper Without An Id Yet' })]);
        expect(await store.replyCounts(['2402.00009'])).toEqual(new Map([['2402.00009', 1]]));
      });
    });

    describe('channel settings', () => {
      const settings: ChannelSettings = {
        channel: 'discord:42',
        enabled: true,
        time: '09:30',
        timezone: 'Europe/Berlin',
        days: [1, 2, 3, 4, 5],
        size: 8,
        topics: ['machine unlearning', '-survey'],
        minScore: 0,
        mode: 'messages',
        updatedBy: 'discord:7',
        updatedAt: '2026-01-01T00:00:00.000Z',
      };
      it('saves, replaces and lists settings', async () => {
        expect(await store.getChannelSettings('discord:42')).toBeNull();
        await store.saveChannelSettings(settings);
        expect(await store.getChannelSettings('discord:42')).toEqual(settings);
        await store.saveChannelSettings({ ...settings, enabled: false, size: 3 });
        expect(await store.getChannelSettings('discord:42')).toMatchObject({ enabled: false, size: 3 });
        expect((await store.listChannelSettings()).map((s) => s.channel)).toEqual(['discord:42']);
      });
    });

    describe('leases', () => {
      it('has one holder at a time, renews for its holder, and passes on when expired or released', async () => {
        const other = await sut.reopen();
        try {
          const got = await Promise.all([
            store.acquireLease('discord', 'a', 30_000),
            other.acquireLease('discord', 'b', 30_000),
          ]);
          expect(got.filter(Boolean)).toHaveLength(1);
          const [holder, waiting] = got[0] ? ['a', 'b'] : ['b', 'a'];
          expect(await store.acquireLease('discord', holder, 30_000)).toBe(true);
          expect(await store.acquireLease('discord', waiting, 30_000)).toBe(false);
          expect(await store.acquireLease('ingest', waiting, 30_000)).toBe(true);
          await sut.elapse(31_000);
          expect(await other.acquireLease('discord', waiting, 30_000)).toBe(true);
          expect(await store.acquireLease('discord', holder, 30_000)).toBe(false);
          await store.releaseLease('discord', holder); // not the holder any more: nothing happens
          expect(await store.acquireLease('discord', holder, 30_000)).toBe(false);
          await store.releaseLease('discord', waiting);
          expect(await store.acquireLease('discord', holder, 30_000)).toBe(true);
        } finally {
          await other.close();
        }
      });
    });

    describe('platform deliveries', () => {
      const HOLD = 30_000;
      const KEEP = 3_600_000;

      it('lets exactly one caller claim a delivery, also across connections, and tells the others', async () => {
        const other = await sut.reopen();
        try {
          const got = await Promise.all([
            store.claimDelivery('slack', 'event:Ev1', 'a', HOLD),
            other.claimDelivery('slack', 'event:Ev1', 'b', HOLD),
            store.claimDelivery('slack', 'event:Ev1', 'c', HOLD),
          ]);
          expect(got.filter((c) => c === 'claimed')).toHaveLength(1);
          expect(got.filter((c) => c === 'handling')).toHaveLength(2);
          // Another id, or the same id on another platform, is a delivery of its own.
          expect(await other.claimDelivery('slack', 'event:Ev2', 'b', HOLD)).toBe('claimed');
          expect(await other.claimDelivery('discord', 'event:Ev1', 'b', HOLD)).toBe('claimed');
        } finally {
          await other.close();
        }
      });

      it('remembers a handled delivery until it is forgotten, and hands a released one to the next caller', async () => {
        expect(await store.claimDelivery('slack', 'event:Ev1', 'a', HOLD)).toBe('claimed');
        await store.finishDelivery('slack', 'event:Ev1', 'a', KEEP);
        expect(await store.claimDelivery('slack', 'event:Ev1', 'b', HOLD)).toBe('handled');
        // Handling failed: the claim is released and the platform's retry is handled.
        expect(await store.claimDelivery('slack', 'trigger:1.2', 'a', HOLD)).toBe('claimed');
        await store.releaseDelivery('slack', 'trigger:1.2', 'b'); // not the holder: nothing happens
        expect(await store.claimDelivery('slack', 'trigger:1.2', 'b', HOLD)).toBe('handling');
        await store.releaseDelivery('slack', 'trigger:1.2', 'a');
        expect(await store.claimDelivery('slack', 'trigger:1.2', 'b', HOLD)).toBe('claimed');
        // A handled delivery is never released by a late failure report.
        await store.releaseDelivery('slack', 'event:Ev1', 'a');
        expect(await store.claimDelivery('slack', 'event:Ev1', 'c', HOLD)).toBe('handled');
        await sut.elapse(KEEP + 1_000);
        expect(await store.claimDelivery('slack', 'event:Ev1', 'c', HOLD)).toBe('claimed');
      });

      it('passes on the claim of a holder that died once its hold runs out', async () => {
        expect(await store.claimDelivery('slack', 'event:Ev1', 'a', HOLD)).toBe('claimed');
        await sut.elapse(HOLD - 5_000);
        expect(await store.claimDelivery('slack', 'event:Ev1', 'b', HOLD)).toBe('handling');
        await sut.elapse(6_000);
        expect(await store.claimDelivery('slack', 'event:Ev1', 'b', HOLD)).toBe('claimed');
        // The dead holder's late report changes nothing; the new holder's counts.
        await store.finishDelivery('slack', 'event:Ev1', 'a', KEEP);
        expect(await store.claimDelivery('slack', 'event:Ev1', 'c', HOLD)).toBe('handling');
        await store.finishDelivery('slack', 'event:Ev1', 'b', KEEP);
        expect(await store.claimDelivery('slack', 'event:Ev1', 'c', HOLD)).toBe('handled');
      });
    });

    describe('roundup ledger', () => {
      const C = 'slack:C1';
      const D = '2026-01-05';
      const plan = {
        layout: 'messages' as const,
        note: null,
        items: [
          { paperId: '#header', key: 'k-header' },
          { paperId: '2401.00002', key: 'k-2' },
          { paperId: '2401.00001', key: 'k-1' },
        ],
      };

      it('gives a claim to exactly one claimant, also across connections', async () => {
        const other = await sut.reopen();
        try {
          const results = await Promise.all([
            store.claimRoundup(C, D, 'a', 30_000),
            other.claimRoundup(C, D, 'b', 30_000),
            store.claimRoundup(C, D, 'c', 30_000),
          ]);
          expect(results.filter(Boolean)).toHaveLength(1);
          expect(await other.claimRoundup(C, '2026-01-06', 'b', 30_000)).toBe(true);
        } finally {
          await other.close();
        }
      });

      it('keeps a lease while its holder renews it, and passes it on once when it runs out', async () => {
        expect(await store.claimRoundup(C, D, 'a', 30_000)).toBe(true);
        const first = await store.getRoundup(C, D);
        expect(first).toMatchObject({ state: 'claimed', claimedBy: 'a', failures: 0, layout: null });
        expect(Date.parse(first?.leaseUntil ?? '') - Date.parse(first?.claimedAt ?? '')).toBe(30_000);
        for (let i = 0; i < 4; i++) {
          await sut.elapse(20_000);
          expect(await store.renewRoundup(C, D, 'a', 30_000)).toBe(true);
          expect(await store.claimRoundup(C, D, 'b', 30_000)).toBe(false);
        }
        await sut.elapse(31_000); // the holder died: no renewal for longer than the lease
        expect(await store.claimRoundup(C, D, 'b', 30_000)).toBe(true);
        expect(await store.claimRoundup(C, D, 'c', 30_000)).toBe(false);
        expect(await store.renewRoundup(C, D, 'a', 30_000)).toBe(false);
        expect(await store.getRoundup(C, D)).toMatchObject({ state: 'claimed', claimedBy: 'b' });
      });

      it('keeps the first plan, saved by the holder only, and records each message once', async () => {
        expect(await store.claimRoundup(C, D, 'a', 30_000)).toBe(true);
        expect(await store.saveRoundupPlan(C, D, 'b', plan)).toBe(false); // not the holder
        expect(await store.saveRoundupPlan(C, D, 'a', plan)).toBe(true);
        const other = { layout: 'digest' as const, note: null, items: [{ paperId: '2401.00009', key: 'x' }] };
        expect(await store.saveRoundupPlan(C, D, 'a', other)).toBe(false); // a plan stands
        await store.recordRoundupItem(C, D, '#header', 'slack:C1:1');
        await store.recordRoundupItem(C, D, '2401.00002', 'slack:C1:2');
        await store.recordRoundupItem(C, D, '2401.00002', 'slack:C1:other'); // the first message stays
        const rec = await store.getRoundup(C, D);
        expect(rec).toMatchObject({ layout: 'messages', note: null });
        expect(rec?.plannedAt).not.toBeNull();
        expect(rec?.items).toEqual([
          { paperId: '#header', key: 'k-header', message: 'slack:C1:1' },
          { paperId: '2401.00002', key: 'k-2', message: 'slack:C1:2' },
          { paperId: '2401.00001', key: 'k-1', message: null },
        ]);
        // A resumed run finds the plan and what is left of it.
        await sut.elapse(31_000);
        expect(await store.claimRoundup(C, D, 'b', 30_000)).toBe(true);
        expect((await store.getRoundup(C, D))?.items.map((i) => i.message)).toEqual([
          'slack:C1:1',
          'slack:C1:2',
          null,
        ]);
        // An item recorded without a plan (a digest place) is appended.
        await store.recordRoundupItem(C, D, '2401.00007', 'slack:C1:3');
        expect((await store.getRoundup(C, D))?.items.at(-1)).toEqual({
          paperId: '2401.00007',
          key: null,
          message: 'slack:C1:3',
        });
      });

      it('lists the roundups started and not finished, from a local date on, oldest first', async () => {
        expect(await store.claimRoundup(C, D, 'a', 30_000)).toBe(true); // claimed
        expect(await store.claimRoundup('slack:C2', D, 'a', 30_000)).toBe(true);
        expect(await store.recordRoundupFailure('slack:C2', D, 'a', 'internal_error', 60_000)).toBe(true);
        expect(await store.claimRoundup(C, '2026-01-04', 'a', 30_000)).toBe(true); // older
        expect(await store.claimRoundup('slack:C3', D, 'a', 30_000)).toBe(true);
        await store.finishRoundup('slack:C3', D, 'posted');
        const unfinished = await store.unfinishedRoundups({ sinceLocalDate: '2026-01-04', limit: 10 });
        expect(unfinished.map((r) => [r.channel, r.localDate, r.state])).toEqual([
          [C, '2026-01-04', 'claimed'],
          [C, D, 'claimed'],
          ['slack:C2', D, 'waiting'],
        ]);
        expect(
          (await store.unfinishedRoundups({ sinceLocalDate: D, limit: 1 })).map((r) => r.channel),
        ).toEqual([C]);
      });

      it('never re-opens a finished roundup', async () => {
        expect(await store.claimRoundup(C, D, 'a', 30_000)).toBe(true);
        expect(await store.saveRoundupPlan(C, D, 'a', { layout: 'empty', note: 'weekend', items: [] })).toBe(
          true,
        );
        await store.finishRoundup(C, D, 'empty');
        await sut.elapse(3_600_000);
        expect(await store.claimRoundup(C, D, 'd', 30_000)).toBe(false);
        expect(await store.claimRoundup(C, D, 'd', 30_000, { retryNow: true })).toBe(false);
        const rec = await store.getRoundup(C, D);
        expect(rec).toMatchObject({ state: 'empty', note: 'weekend', leaseUntil: null });
        expect(rec?.finishedAt).not.toBeNull();
        expect(await store.getRoundup(C, '2026-01-06')).toBeNull();
      });

      it('waits after a failed try, gives up when told, and takes a failed roundup again only on request', async () => {
        expect(await store.claimRoundup(C, D, 'a', 30_000)).toBe(true);
        expect(await store.recordRoundupFailure(C, D, 'b', 'not the holder', 60_000)).toBe(false);
        expect(await store.recordRoundupFailure(C, D, 'a', 'not_in_channel', 60_000)).toBe(true);
        const waiting = await store.getRoundup(C, D);
        expect(waiting).toMatchObject({ state: 'waiting', failures: 1, lastError: 'not_in_channel' });
        expect(Date.parse(waiting?.retryAt ?? '')).toBeGreaterThan(Date.parse(waiting?.claimedAt ?? ''));
        expect(await store.claimRoundup(C, D, 'b', 30_000)).toBe(false); // not before its retry time
        await sut.elapse(61_000);
        expect(await store.claimRoundup(C, D, 'b', 30_000)).toBe(true);
        expect(await store.recordRoundupFailure(C, D, 'b', 'not_in_channel', 600_000)).toBe(true);
        expect(await store.claimRoundup(C, D, 'c', 30_000, { retryNow: true })).toBe(true); // an operator
        expect(await store.recordRoundupFailure(C, D, 'c', 'is_archived', null)).toBe(true);
        const failed = await store.getRoundup(C, D);
        expect(failed).toMatchObject({
          state: 'failed',
          failures: 3,
          lastError: 'is_archived',
          retryAt: null,
        });
        expect(failed?.finishedAt).not.toBeNull();
        await sut.elapse(3_600_000);
        expect(await store.claimRoundup(C, D, 'd', 30_000)).toBe(false);
        expect(await store.claimRoundup(C, D, 'd', 30_000, { retryNow: true })).toBe(true);
        expect(await store.getRoundup(C, D)).toMatchObject({
          state: 'claimed',
          claimedBy: 'd',
          failures: 0,
          lastError: 'is_archived',
          finishedAt: null,
        });
      });

      it('lists failed roundups, newest first, by channel and since a date', async () => {
        const fail = async (channel: string, day: string) => {
          expect(await store.claimRoundup(channel, day, 'a', 30_000)).toBe(true);
          expect(await store.recordRoundupFailure(channel, day, 'a', `gone ${channel}`, null)).toBe(true);
        };
        await fail('slack:C1', '2026-01-05');
        await fail('slack:C2', '2026-01-06');
        await fail('slack:C1', '2026-01-07');
        expect(await store.claimRoundup('slack:C3', '2026-01-07', 'a', 30_000)).toBe(true);
        const key = (r: { channel: string; localDate: string }) => `${r.channel} ${r.localDate}`;
        expect((await store.failedRoundups({ limit: 10 })).map(key)).toEqual([
          'slack:C1 2026-01-07',
          'slack:C2 2026-01-06',
          'slack:C1 2026-01-05',
        ]);
        expect((await store.failedRoundups({ channel: 'slack:C1', limit: 1 })).map(key)).toEqual([
          'slack:C1 2026-01-07',
        ]);
        const recent = await store.failedRoundups({ sinceLocalDate: '2026-01-06', limit: 10 });
        expect(recent.map(key)).toEqual(['slack:C1 2026-01-07', 'slack:C2 2026-01-06']);
        expect(recent[0]).toMatchObject({ failures: 1, lastError: 'gone slack:C1', state: 'failed' });
      });
    });

    describe('a database that cannot be used just now', () => {
      const vote = {
        message: 'slack:C1:1',
        user: 'slack:U1',
        emoji: '+1',
        at: '2026-01-02T00:00:00.000Z',
      };
      beforeEach(async () => {
        await store.upsertPapers([paper({ arxivId: '2401.00001', title: 'One' })]);
        await store.recordPost({
          message: vote.message,
          channel: 'slack:C1',
          paperId: '2401.00001',
          kind: 'share',
          postedBy: null,
          postedAt: '2026-01-01T00:00:00.000Z',
        });
      });

      it('rejects writes with StoreUnavailableError, the driver error as cause, and works once it is back', async () => {
        const end = await sut.outage();
        try {
          for (const attempt of [
            () => store.addReaction(vote),
            () => store.acquireLease('ingest', 'a', 30_000),
            () => store.claimRoundup('slack:C1', '2026-01-05', 'a', 30_000),
          ]) {
            const error = await attempt().then(
              () => null,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(StoreUnavailableError);
            expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
          }
        } finally {
          await end();
        }
        // Nothing of the failed writes landed, and the same writes work now.
        expect((await store.getPaper('2401.00001'))?.teamVotes).toBe(0);
        expect(await store.addReaction(vote)).toBe(1);
        expect(await store.acquireLease('ingest', 'a', 30_000)).toBe(true);
        expect(await store.claimRoundup('slack:C1', '2026-01-05', 'a', 30_000)).toBe(true);
      });
    });
  });
}
