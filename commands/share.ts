import type { Suggestion } from '../src/chat/platform.ts';
import { latexToText } from '../src/papers/latex-text.ts';
import { normalizeArxivId } from '../src/papers/paper.ts';
import { readLeadingReference } from '../src/papers/paper-reference.ts';
import { lookUpTypedPaper, PAPER_OPTION_DESCRIPTION } from './lookup.ts';
import { distinct, papersMatching, recentPapers } from './suggestions.ts';
import type { CommandDefinition, OptionDefinition, SuggestContext } from './types.ts';

/** The longest note kept with a share; a longer one is cut at a word boundary. */
export const MAX_NOTE_CHARS = 500;

function trimNote(note: string): string {
  const flat = note.trim();
  if (flat.length <= MAX_NOTE_CHARS) return flat;
  const cut = flat.slice(0, MAX_NOTE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_NOTE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * Papers to share, for the `paper` option: the one a typed id or URL names, else papers whose title
 * contains the typed text, else the latest feed day's. Only papers with an arXiv id, which is the value:
 * share looks papers up by it (a paper known only from page text has none yet).
 */
export async function suggestPapers(ctx: SuggestContext, typed: string): Promise<Suggestion[]> {
  const text = typed.trim();
  const id = normalizeArxivId(text);
  const exact = id ? await ctx.store.getPaper(id) : null;
  const papers = exact ? [exact] : text ? await papersMatching(ctx, text) : await recentPapers(ctx);
  const choices = papers.flatMap((p) =>
    p.arxivId === null ? [] : [{ name: latexToText(p.title), value: p.arxivId, tag: p.arxivId }],
  );
  return distinct(choices, (s) => s.value);
}

/** The `paper` option of every command that takes one paper (share, like, cite, save): id or link, suggested. */
export const PAPER_OPTION: OptionDefinition = {
  name: 'paper',
  description: PAPER_OPTION_DESCRIPTION,
  type: 'string',
  required: true,
  suggest: suggestPapers,
};

/**
 * `/papers share <paper> [note]`: posts one paper in the channel for everyone, credited to the person
 * with their note. The paper is an arXiv id, an arxiv.org URL or a huggingface.co/papers URL. Problems
 * (no id in the text, an unknown paper, services down) answer only the person, in one sentence.
 */
export const shareCommand: CommandDefinition = {
  name: 'share',
  description: 'Post a paper in this channel, with an optional note',
  options: [
    PAPER_OPTION,
    { name: 'note', description: 'Why the team should read it', type: 'string', required: false, rest: true },
  ],
  async run(ctx, args) {
    // The paper is the reference the text starts with, which may span words (`arXiv preprint
    // arXiv:2410.17243`, Slack's `<url|label>`); whatever follows it is the note.
    const typed = [args.paper, args.note]
      .map((v) => (typeof v === 'string' ? v : ''))
      .join(' ')
      .trim();
    const lead = readLeadingReference(typed, { note: true });
    const paper = lead ? typed.slice(0, typed.length - lead.rest.length) : typed;
    const found = await lookUpTypedPaper(ctx, paper);
    if ('error' in found) return { visibility: 'ephemeral', text: found.error };
    const note = lead ? trimNote(lead.rest) : '';
    return {
      visibility: 'channel',
      papers: [
        {
          paper: found.paper,
          sharedBy: ctx.user,
          sharedByName: ctx.userName,
          ...(note ? { note } : {}),
        },
      ],
    };
  },
};
