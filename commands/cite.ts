import { bibtexEntry } from '../src/papers/bibtex.ts';
import { normalizeArxivId } from '../src/papers/paper.ts';
import { lookUpPaper } from './lookup.ts';
import { echo } from './parse.ts';
import { suggestPapers } from './share.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/papers cite <paper>`: the paper's BibTeX entry, privately, in a code block, in arXiv's own `@misc`
 * form. The paper is found as share finds it: the archive, then Hugging Face, then arXiv.
 */
export const citeCommand: CommandDefinition = {
  name: 'cite',
  description: "A paper's BibTeX entry, as arXiv gives it",
  options: [
    {
      name: 'paper',
      description: 'arXiv id or URL, or a huggingface.co/papers URL',
      type: 'string',
      required: true,
      suggest: suggestPapers,
    },
  ],
  async run(ctx, args) {
    const input = String(args.paper ?? '').trim();
    const id = normalizeArxivId(input);
    if (!id) {
      return {
        visibility: 'ephemeral',
        text: `I could not find an arXiv id in "${echo(input)}". Give an id like 2410.17243, or an arxiv.org or huggingface.co/papers link.`,
      };
    }
    const found = await lookUpPaper(ctx, id);
    if ('error' in found) return { visibility: 'ephemeral', text: found.error };
    return { visibility: 'ephemeral', title: `BibTeX for arXiv ${id}`, code: bibtexEntry(found.paper) };
  },
};
