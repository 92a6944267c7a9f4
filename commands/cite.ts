import { bibtexEntry } from '../src/papers/bibtex.ts';
import { lookUpTypedPaper } from './lookup.ts';
import { PAPER_OPTION } from './share.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/papers cite <paper>`: the paper's BibTeX entry, privately, in a code block, in arXiv's own `@misc`
 * form. The paper is found as share finds it: the archive, then Hugging Face, then arXiv.
 */
export const citeCommand: CommandDefinition = {
  name: 'cite',
  description: "A paper's BibTeX entry, as arXiv gives it",
  options: [PAPER_OPTION],
  async run(ctx, args) {
    const found = await lookUpTypedPaper(ctx, args.paper);
    if ('error' in found) return { visibility: 'ephemeral', text: found.error };
    return {
      visibility: 'ephemeral',
      title: `BibTeX for arXiv ${found.paper.arxivId ?? found.paper.id}`,
      code: bibtexEntry(found.paper),
    };
  },
};
