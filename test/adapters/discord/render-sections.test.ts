import { describe, expect, it } from 'vitest';
import { parseShareCustomId, renderReply } from '../../../adapters/discord/render.ts';
import type { PaperItem, Reply } from '../../../src/chat/platform.ts';
import type { StoredPaper } from '../../../src/store/port.ts';

const stored = (id: string, title: string): StoredPaper => ({
  id,
  arxivId: id,
  title,
  abstract: 'An abstract.',
  authors: ['Ada Lovelace'],
  authorCount: 1,
  organization: null,
  publishedAt: '2024-04-06',
  feedDate: null,
  upvotes: 1,
  comments: 0,
  teamVotes: 0,
  teamReplies: 0,
  firstSeenAt: '2025-11-12T09:00:00Z',
});
const item = (id: string, title: string, rank: number): PaperItem => ({
  paper: stored(id, title),
  rank,
  shareable: true,
});

describe('Discord renderReply with a section of papers from outside the archive', () => {
  const reply: Reply = {
    visibility: 'ephemeral',
    title: 'Papers matching "kazakh"',
    papers: [item('2410.17243', 'Breaking the Memory Barrier', 1)],
    sections: [
      {
        title: "From Hugging Face, not yet in the team's archive",
        papers: [item('2404.04487', 'KazQAD', 1), item('2403.19399', 'LLM$\\times$KazParC', 2)],
      },
    ],
  };
  const message = renderReply(reply);

  it('shows every paper, the section’s numbered on from the archive’s, each headed by the section title', () => {
    expect(message.embeds.map((e) => e.title)).toEqual([
      '1. Breaking the Memory Barrier',
      '2. KazQAD',
      '3. LLM×KazParC',
    ]);
    expect(message.embeds[0]?.author).toBeUndefined();
    expect(message.embeds.slice(1).map((e) => e.author?.name)).toEqual([
      "From Hugging Face, not yet in the team's archive",
      "From Hugging Face, not yet in the team's archive",
    ]);
  });

  it('gives each a Share button carrying its paper id', () => {
    const shares = message.components
      .flatMap((row) => row.components)
      .flatMap((b) => ('custom_id' in b ? [parseShareCustomId(b.custom_id)] : []));
    expect(shares).toEqual(['2410.17243', '2404.04487', '2403.19399']);
  });
});
