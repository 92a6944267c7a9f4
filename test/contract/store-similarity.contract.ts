import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DF_TERMS, type PaperStore } from '../../src/store/port.ts';
import { paper } from './store.contract.ts';

/**
 * What `/papers like` needs of every PaperStore: how many papers hold a word, and which papers the same
 * people voted for. Each implementation's test file calls this with a factory opening a fresh, empty store.
 */
export function similarityContract(name: string, open: () => Promise<PaperStore>): void {
  describe(`${name} store: document frequencies and co-votes`, () => {
    let store: PaperStore;
    beforeEach(async () => {
      store = await open();
      await store.upsertPapers([
        paper({
          arxivId: '2401.00001',
          title: 'Diffusion distillation',
          abstract: 'We distill diffusion models.',
        }),
        paper({
          arxivId: '2401.00002',
          title: 'Faster diffusion sampling',
          abstract: 'Sampling in fewer steps.',
        }),
        paper({
          arxivId: '2401.00003',
          title: 'Machine unlearning',
          abstract: 'Forgetting data on request.',
        }),
        paper({ arxivId: '2401.00004', title: 'Unlearning audits', authors: ['Ada Lovelace'] }),
      ]);
    });
    afterEach(() => store.close());

    it('counts the papers holding each word, stemmed as search matches it, in any field', async () => {
      const df = await store.documentFrequencies([
        'diffusion',
        'unlearning',
        'distilled',
        'lovelace',
        'zyxwvut',
      ]);
      expect(Object.fromEntries(df)).toEqual({
        diffusion: 2,
        unlearning: 2,
        distilled: 1, // `distill` in 2401.00001, by stem
        lovelace: 1, // an author
        zyxwvut: 0,
      });
    });

    it('counts a stop word or an empty term as 0 and refuses more than the limit', async () => {
      const df = await store.documentFrequencies(['', 'the']);
      expect(df.get('')).toBe(0);
      // SQLite's index keeps stop words; PostgreSQL's drops them (0). Either way a number, never missing.
      expect(typeof df.get('the')).toBe('number');
      await expect(
        store.documentFrequencies(Array.from({ length: MAX_DF_TERMS + 1 }, (_, i) => `w${i}`)),
      ).rejects.toThrow(RangeError);
    });

    describe('coVoted', () => {
      const vote = async (message: string, paperId: string, user: string) => {
        await store.recordPost({
          message,
          channel: 'slack:C1',
          paperId,
          kind: 'share',
          postedBy: null,
          postedAt: '2026-01-01T00:00:00.000Z',
        });
        await store.addReaction({ message, user, emoji: '+1', at: '2026-01-01T01:00:00.000Z' });
      };

      it('ranks the papers the same people voted for by how many of them, never the paper itself', async () => {
        await vote('slack:C1:1', '2401.00001', 'slack:U1');
        await vote('slack:C1:1', '2401.00001', 'slack:U2');
        await vote('slack:C1:2', '2401.00002', 'slack:U1');
        await vote('slack:C1:2', '2401.00002', 'slack:U2');
        await vote('slack:C1:3', '2401.00003', 'slack:U2');
        await vote('slack:C1:4', '2401.00004', 'slack:U3');
        // A second post of the same paper, voted on by the same person, is still one voter.
        await vote('slack:C1:5', '2401.00002', 'slack:U1');
        const got = await store.coVoted('2401.00001', 10);
        expect(got.map((c) => [c.paper.id, c.sharedVoters])).toEqual([
          ['2401.00002', 2],
          ['2401.00003', 1],
        ]);
        expect((await store.coVoted('https://arxiv.org/abs/2401.00001v2', 1)).map((c) => c.paper.id)).toEqual(
          ['2401.00002'],
        );
      });

      it('is empty for a paper nobody voted for, or an unknown one', async () => {
        await vote('slack:C1:4', '2401.00004', 'slack:U3');
        expect(await store.coVoted('2401.00003', 10)).toEqual([]);
        expect(await store.coVoted('2409.99999', 10)).toEqual([]);
      });
    });
  });
}
