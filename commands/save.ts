import { latexToText } from '../src/papers/latex-text.ts';
import { lookUpTypedPaper } from './lookup.ts';
import { PAPER_OPTION } from './share.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/papers save <paper>`: puts a paper on this channel's reading list, credited to the person, as their 📌
 * on a message showing it would. The paper is found as `share` finds it (the archive, then Hugging Face,
 * then arXiv). The answer, only to the person, says whether it was saved or already on the list.
 */
export const saveCommand: CommandDefinition = {
  name: 'save',
  description: "Put a paper on this channel's reading list",
  options: [PAPER_OPTION],
  async run(ctx, args) {
    const found = await lookUpTypedPaper(ctx, args.paper);
    if ('error' in found) return { visibility: 'ephemeral', text: found.error };
    const { paper } = found;
    const outcome = await ctx.store.addPin({
      channel: ctx.channel,
      paperId: paper.id,
      user: ctx.user,
      via: null,
      at: ctx.now().toISOString(),
    });
    const title = `“${latexToText(paper.title)}”`;
    const text =
      outcome === 'added'
        ? `Saved ${title} to this channel's reading list. /papers list shows the list.`
        : outcome === 'listed'
          ? `${title} was already on this channel's reading list; you are credited with it too.`
          : `${title} is already on this channel's reading list: you saved it before.`;
    return { visibility: 'ephemeral', text, papers: [{ paper }] };
  },
};
