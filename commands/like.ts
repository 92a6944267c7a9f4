import { latexToText } from '../src/papers/latex-text.ts';
import { findSimilar, similarityReason } from '../src/papers/similar.ts';
import { lookUpTypedPaper } from './lookup.ts';
import { PAPER_OPTION } from './share.ts';
import type { CommandDefinition } from './types.ts';

/** Similar papers shown: as many as a search shows. */
export const LIKE_LIMIT = 5;

/**
 * `/papers like <paper>`: the archive's papers most like one paper, each saying why (the distinctive words
 * it shares, the voters it shares), shown only to the person, each shareable. The paper is named as for
 * share, and fetched (and archived) as share does when the archive lacks it.
 */
export const likeCommand: CommandDefinition = {
  name: 'like',
  description: 'Papers in the archive most like one paper, and why',
  options: [{ ...PAPER_OPTION, rest: true }],
  async run(ctx, args) {
    const found = await lookUpTypedPaper(ctx, args.paper);
    if ('error' in found) return { visibility: 'ephemeral', text: found.error };
    const target = found.paper;
    const title = latexToText(target.title);
    const similar = await findSimilar(ctx.store, target, LIKE_LIMIT);
    if (similar.length === 0) {
      return {
        visibility: 'ephemeral',
        text: `Nothing in the archive is much like “${title}” yet: no other paper shares its distinctive words, and nobody who voted for it voted for another.`,
      };
    }
    return {
      visibility: 'ephemeral',
      title: `Papers like “${title}”`,
      papers: similar.map((s, i) => ({
        paper: s.paper,
        rank: i + 1,
        shareable: true,
        reason: similarityReason(s),
      })),
    };
  },
};
