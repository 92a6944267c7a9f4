import { describe, expect, it } from 'vitest';
import type { StoredPaper } from '../../src/store/port.ts';
import { compileWatch } from '../../src/watch/compile.ts';
import { matchNewPapers } from '../../src/watch/match.ts';

function stored(id: string, title: string, abstract = '', authors: string[] = []): StoredPaper {
  return {
    id,
    arxivId: id,
    title,
    abstract,
    authors,
    authorCount: authors.length,
    organization: null,
    publishedAt: null,
    feedDate: null,
    upvotes: null,
    comments: null,
    teamVotes: 0,
    teamReplies: 0,
    firstSeenAt: '2026-01-05T08:00:00.000Z',
  };
}

let nextId = 1;
function watches(...specs: [owner: string, query: string][]) {
  return specs.flatMap(([owner, query]) => {
    const w = compileWatch({ id: nextId++, owner, query, channel: 'slack:C1', createdAt: '' });
    return w ? [w] : [];
  });
}

const PAPERS = [
  stored('1', 'Machine Unlearning at Scale', 'We unlearn data from diffusion models.'),
  stored('2', 'A Survey of Unlearning', 'Surveying machine unlearning methods.'),
  stored('3', 'Diffusion for Video', 'Video generation with latent diffusion.', ['Tülu Team']),
  stored('4', 'Machine translation', 'Learning to unlearn nothing about machines.'),
];

const ids = (m: { paperId: string }[]) => m.map((x) => x.paperId);

describe('matching new papers against watches', () => {
  it('GIVEN words THEN every word must occur, by stem, in any field', () => {
    const m = matchNewPapers(watches(['u', 'unlearned']), PAPERS);
    expect(ids(m)).toEqual(['1', '2', '4']);
    expect(ids(matchNewPapers(watches(['u', 'diffusion video']), PAPERS))).toEqual(['3']);
  });

  it('GIVEN a "phrase" THEN its words must be consecutive within one field', () => {
    expect(ids(matchNewPapers(watches(['u', '"machine unlearning"']), PAPERS))).toEqual(['1', '2']);
    // Paper 4 has both words, in different fields and apart: no phrase.
    expect(ids(matchNewPapers(watches(['u', '"unlearning methods"']), PAPERS))).toEqual(['2']);
  });

  it('GIVEN OR THEN either side satisfies the term, as in a search', () => {
    expect(ids(matchNewPapers(watches(['u', 'survey OR video']), PAPERS))).toEqual(['2', '3']);
    expect(
      ids(matchNewPapers(watches(['u', '"machine unlearning" OR translation machine']), PAPERS)),
    ).toEqual(['1', '2', '4']);
    expect(ids(matchNewPapers(watches(['u', 'unlearning OR video -survey']), PAPERS))).toEqual([
      '1',
      '3',
      '4',
    ]);
  });

  it('GIVEN an -exclusion THEN a paper holding it anywhere is left out', () => {
    expect(ids(matchNewPapers(watches(['u', 'unlearning -survey']), PAPERS))).toEqual(['1', '4']);
    expect(ids(matchNewPapers(watches(['u', 'unlearning -"latent diffusion" -surveying']), PAPERS))).toEqual([
      '1',
      '4',
    ]);
  });

  it('GIVEN accents in a query or a paper THEN they fold, as the archive search folds them', () => {
    expect(ids(matchNewPapers(watches(['u', 'tulu']), PAPERS))).toEqual(['3']);
    expect(ids(matchNewPapers(watches(['u', 'TÜLU']), PAPERS))).toEqual(['3']);
  });

  it('GIVEN two watches of one person matching a paper THEN it is matched once, for the older watch', () => {
    const [older, newer] = watches(['ann', 'diffusion'], ['ann', 'video']);
    const m = matchNewPapers([newer!, older!], PAPERS);
    expect(m).toEqual([
      { owner: 'ann', paperId: '1', watchId: older!.watch.id, query: 'diffusion' },
      { owner: 'ann', paperId: '3', watchId: older!.watch.id, query: 'diffusion' },
    ]);
  });

  it('GIVEN several people THEN each gets their own matches, in the papers’ order', () => {
    const m = matchNewPapers(watches(['bob', 'video'], ['ann', 'machine'], ['cy', 'quantum']), PAPERS);
    expect(m.map((x) => `${x.owner}:${x.paperId}`)).toEqual(['ann:1', 'ann:2', 'bob:3', 'ann:4']);
  });

  it('GIVEN a query with nothing searchable THEN the watch does not compile', () => {
    expect(watches(['u', '-survey'], ['u', '!!!'])).toEqual([]);
  });
});
