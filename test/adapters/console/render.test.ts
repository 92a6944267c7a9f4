import { describe, expect, it } from 'vitest';
import { clip, renderReply } from '../../../adapters/console/render.ts';
import type { StoredPaper } from '../../../src/store/port.ts';
import { paper } from '../../contract/store.contract.ts';

const stored = (over: Parameters<typeof paper>[0]): StoredPaper => ({
  ...paper(over),
  teamVotes: 0,
  teamReplies: 0,
  firstSeenAt: '2025-11-12T00:00:00Z',
});

describe('renderReply', () => {
  it('numbers papers and shows by-line, date, upvotes, team votes, a one-line summary and links', () => {
    const text = renderReply({
      visibility: 'ephemeral',
      title: 'Papers matching "memory"',
      papers: [
        {
          paper: {
            ...stored({
              arxivId: '2410.17243',
              title: 'Breaking the Memory Barrier',
              abstract: 'Contrastive loss is powerful. Larger batches help.',
              authors: ['A', 'B', 'C', 'D'],
              feedDate: '2024-10-25',
              upvotes: 64,
              githubRepo: 'https://github.com/x/y',
            }),
            teamVotes: 1,
          },
          rank: 1,
          shareable: true,
        },
        {
          paper: stored({ title: 'No id', organization: { id: 'o', name: 'Acme AI' }, upvotes: 1 }),
          sharedBy: 'slack:U1',
          sharedByName: 'Ada',
          note: 'look',
          voters: ['slack:U1', 'slack:U2'],
        },
      ],
    });
    expect(text).toBe(
      [
        '== Papers matching "memory" ==',
        ' 1. Breaking the Memory Barrier',
        '    A, B, C et al. · 2024-10-25 · 64 HF upvotes · 1 team vote',
        '    Contrastive loss is powerful.',
        '    arXiv https://arxiv.org/abs/2410.17243 · PDF https://arxiv.org/pdf/2410.17243 · HF https://huggingface.co/papers/2410.17243 · code https://github.com/x/y',
        ' 2. No id',
        '    Acme AI · 1 HF upvote · 0 team votes',
        '    Shared by Ada: “look”',
        '    Voted by slack:U1, slack:U2',
        '(Type :+1: N to upvote paper N: it is shared in the channel first.)',
        '',
      ].join('\n'),
    );
  });

  it('drops terminal escape sequences from paper text', () => {
    const text = renderReply({
      visibility: 'ephemeral',
      papers: [{ paper: stored({ title: 'Red\u001b[31m alert\u0007' }) }],
    });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).toContain('Red[31m alert');
  });

  it('clips at a word boundary', () => {
    expect(clip('one two three four', 12)).toBe('one two…');
  });
});
