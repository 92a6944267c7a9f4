import { describe, expect, it } from 'vitest';
import { titleKeyId } from '../../src/papers/paper.ts';
import { ageInDays, parseTopics, rankFeed, rankSearch, textMatch } from '../../src/papers/rank.ts';
import type { StoredPaper } from '../../src/store/port.ts';

const TODAY = '2026-03-06';

function sp(title: string, over: Partial<StoredPaper> = {}): StoredPaper {
  return {
    id: titleKeyId(title),
    arxivId: null,
    title,
    abstract: '',
    authors: [],
    authorCount: null,
    organization: null,
    publishedAt: null,
    feedDate: TODAY,
    upvotes: null,
    comments: null,
    teamVotes: 0,
    teamReplies: 0,
    firstSeenAt: '',
    ...over,
  };
}

const order = (ranked: { paper: StoredPaper }[]) => ranked.map((r) => r.paper.title);

describe('rankFeed', () => {
  it('GIVEN more HF upvotes THEN higher', () => {
    expect(
      order(rankFeed([sp('few', { upvotes: 3 }), sp('many', { upvotes: 80 }), sp('none')], TODAY)),
    ).toEqual(['many', 'few', 'none']);
  });

  it('GIVEN a team vote THEN it outweighs a stranger upvote', () => {
    expect(order(rankFeed([sp('stranger', { upvotes: 1 }), sp('team', { teamVotes: 1 })], TODAY))).toEqual([
      'team',
      'stranger',
    ]);
  });

  it('GIVEN the team discussing a paper in its thread THEN it ranks above an equal one, and the score says why', () => {
    const ranked = rankFeed(
      [sp('quiet', { upvotes: 4 }), sp('discussed', { upvotes: 4, teamReplies: 3 })],
      TODAY,
    );
    expect(order(ranked)).toEqual(['discussed', 'quiet']);
    expect(ranked[0]?.explain.find((p) => p.factor === 'team')?.detail).toBe(
      '0 team votes, 3 thread replies',
    );
    // A vote still says more than a reply.
    expect(
      order(rankFeed([sp('replied', { teamReplies: 1 }), sp('voted', { teamVotes: 1 })], TODAY)),
    ).toEqual(['voted', 'replied']);
  });

  it('GIVEN equal votes THEN the fresher paper first; a week-old paper needs many more upvotes', () => {
    const ranked = rankFeed(
      [sp('old', { upvotes: 20, feedDate: '2026-02-27' }), sp('new', { upvotes: 20 })],
      TODAY,
    );
    expect(order(ranked)).toEqual(['new', 'old']);
  });

  it('GIVEN topics THEN a title match beats an abstract match beats none, and excluded topics drop papers', () => {
    const topics = parseTopics(['machine unlearning', '-survey']);
    const ranked = rankFeed(
      [
        sp('Plain paper', { upvotes: 5 }),
        sp('Other', { upvotes: 5, abstract: 'We study machine unlearning in LLMs.' }),
        sp('Machine Unlearned Models', { upvotes: 5 }),
        sp('A survey of machine unlearning', { upvotes: 500 }),
      ],
      TODAY,
      topics,
    );
    expect(order(ranked)).toEqual(['Machine Unlearned Models', 'Other', 'Plain paper']);
    expect(ranked[0]?.explain.find((e) => e.factor === 'topics')?.detail).toBe('matches machine unlearning');
  });

  it('explains each score with its factors, saying when upvotes are unknown', () => {
    const [r] = rankFeed([sp('x')], TODAY);
    expect(r?.explain.map((e) => e.factor)).toEqual(['hf', 'team', 'freshness']);
    expect(r?.explain[0]?.detail).toBe('no Hugging Face upvotes known');
    expect(r?.score).toBeGreaterThan(0);
  });
});

describe('rankSearch', () => {
  it('GIVEN a title match and a more popular abstract-only match of similar relevance THEN the title match first', () => {
    const ranked = rankSearch(
      [
        { paper: sp('abstract only', { upvotes: 5000, teamVotes: 10 }), relevance: 9, titleMatch: false },
        { paper: sp('in the title'), relevance: 8, titleMatch: true },
      ],
      TODAY,
    );
    expect(order(ranked)).toEqual(['in the title', 'abstract only']);
  });

  it('GIVEN equal relevance THEN popularity breaks the tie', () => {
    const ranked = rankSearch(
      [
        { paper: sp('quiet', { upvotes: 0 }), relevance: 5, titleMatch: true },
        { paper: sp('loved', { upvotes: 200 }), relevance: 5, titleMatch: true },
      ],
      TODAY,
    );
    expect(order(ranked)).toEqual(['loved', 'quiet']);
  });

  it('GIVEN two title matches THEN the one whose own text matches more comes first, whatever the store scored', () => {
    const must = [['unlearning']];
    const ranked = rankSearch(
      [
        { paper: sp('Unlearning', { abstract: 'We study other things.' }), relevance: 9, titleMatch: true },
        {
          paper: sp('Machine Unlearning', { abstract: 'Unlearning removes data; unlearned models forget.' }),
          relevance: 5,
          titleMatch: true,
        },
      ],
      TODAY,
      must,
    );
    expect(order(ranked)).toEqual(['Machine Unlearning', 'Unlearning']);
    expect(ranked[0]?.explain.map((e) => e.factor)).toEqual([
      'title',
      'text',
      'relevance',
      'popularity',
      'freshness',
    ]);
  });

  it('matches words by stem or as typed, folding accents: tulu finds TÜLU, library finds libraries', () => {
    expect(textMatch({ title: 'TÜLU 3', abstract: '' }, [['tulu']])).toBeGreaterThan(0);
    expect(textMatch({ title: 'A library of libraries', abstract: '' }, [['library']])).toBeGreaterThan(0);
    expect(textMatch({ title: 'Nothing here', abstract: 'at all' }, [['unlearning']])).toBe(0);
  });

  it('GIVEN no hits THEN no results', () => {
    expect(rankSearch([], TODAY)).toEqual([]);
  });
});

describe('ageInDays', () => {
  it.each([
    [{ feedDate: '2026-03-01', publishedAt: '2025-01-01' }, 5],
    [{ feedDate: null, publishedAt: '2026-03-05' }, 1],
    [{ feedDate: null, publishedAt: null }, null],
    [{ feedDate: '2026-03-09', publishedAt: null }, 0],
  ])('GIVEN %j THEN %s', (p, expected) => {
    expect(ageInDays(p, TODAY)).toBe(expected);
  });
});
