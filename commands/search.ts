import type { Suggestion } from '../src/chat/platform.ts';
import { latexToText } from '../src/papers/latex-text.ts';
import { readPaperReference } from '../src/papers/paper-reference.ts';
import { searchPapers } from '../src/papers/search.ts';
import { isoDay } from './dates.ts';
import { lookUpPaper } from './lookup.ts';
import { nearSubcommand } from './near-subcommand.ts';
import { echo } from './parse.ts';
import { archiveAnswerIsThin, remoteSection } from './remote-search.ts';
import { distinct, papersMatching } from './suggestions.ts';
import { notAnId } from './typed-paper.ts';
import type { CommandDefinition, SuggestContext } from './types.ts';

/** Results shown for one search: enough to choose from, few enough to read in a chat. */
export const SEARCH_LIMIT = 5;

/**
 * Queries for the `query` option: the channel's roundup topics that start with the typed text (its
 * excluded `-topics` are not queries), then titles of papers matching it.
 */
async function suggestQueries(ctx: SuggestContext, typed: string): Promise<Suggestion[]> {
  const text = typed.trim();
  const lower = text.toLowerCase();
  const settings = await ctx.store.getChannelSettings(ctx.channel);
  const topics = (settings?.topics ?? [])
    .filter((t) => !t.startsWith('-') && t.toLowerCase().startsWith(lower))
    .map((t) => ({ name: t, value: t }));
  const titles = text
    ? (await papersMatching(ctx, text)).map((p) => ({
        name: latexToText(p.title),
        value: latexToText(p.title),
      }))
    : [];
  return distinct([...topics, ...titles], (s) => s.value.toLowerCase());
}

/**
 * What to say when a search's first word looks like a slip for a subcommand (`/papers shar 2410.17243`,
 * `/papers todya`) and the words as typed found nothing: the command it likely meant; else null.
 */
function slipHint(query: string): string | null {
  const meant = nearSubcommand(query);
  if (!meant) return null;
  const rest = query.trim().replace(/^\S+\s*/, '');
  return `Did you mean /papers ${meant}${rest ? ` ${echo(rest)}` : ''}?`;
}

/**
 * `/papers <query>`: the archive's best matches, shown only to the person who asked, each shareable.
 * Search errors (nothing searchable typed) and empty results are friendly sentences, never failures.
 */
export const searchCommand: CommandDefinition = {
  name: 'search',
  description: 'Search the archive: words, "quoted phrases", -excluded words, this OR that',
  options: [
    {
      name: 'query',
      description: 'Words to search for, e.g. machine unlearning',
      type: 'string',
      required: true,
      rest: true,
      suggest: suggestQueries,
    },
  ],
  async run(ctx, args) {
    const query = String(args.query ?? '');
    // An arXiv id or a paper link typed alone means that paper, not a word search: shown from the
    // archive, or fetched (and archived) from Hugging Face or arXiv as share does. An id no paper can
    // have is said to be none at once.
    const reference = readPaperReference(query);
    if (reference) {
      if (reference.id === null || reference.problem !== null)
        return { visibility: 'ephemeral', text: notAnId(reference) };
      const found = await lookUpPaper(ctx, reference.id);
      if ('error' in found) return { visibility: 'ephemeral', text: found.error };
      return {
        visibility: 'ephemeral',
        title: `arXiv ${reference.id}`,
        papers: [{ paper: found.paper, rank: 1, shareable: true }],
      };
    }
    const outcome = await searchPapers(ctx.store, query, {
      limit: SEARCH_LIMIT,
      today: isoDay(ctx.now()),
    });
    if (!outcome.ok) return { visibility: 'ephemeral', text: outcome.error };
    const shown = echo(query);
    // A thin answer from the archive is topped up from Hugging Face's search, under its own heading.
    const remote =
      ctx.remoteSearch && archiveAnswerIsThin(query, outcome.results)
        ? await remoteSection(ctx, query)
        : null;
    const section = remote && 'section' in remote ? remote.section : null;
    const notices = [outcome.notice, remote && 'notice' in remote ? remote.notice : null].filter(Boolean);
    if (outcome.results.length === 0 && !section) {
      const empty = !(await ctx.store.hasPapers());
      const text = empty
        ? 'The archive is empty, so nothing matches yet. Fill it with npx paperboy fetch, then search again.'
        : `No papers match "${shown}". Try other or fewer words, or a broader term.`;
      return {
        visibility: 'ephemeral',
        text: [text, slipHint(query), ...notices].filter(Boolean).join('\n'),
      };
    }
    if (outcome.results.length === 0) notices.unshift(`No papers in the archive match "${shown}".`);
    // Found only by correcting or dropping words: the first may have been a slip for a subcommand.
    const slip = outcome.asTyped ? null : slipHint(query);
    if (slip) notices.push(slip);
    return {
      visibility: 'ephemeral',
      title: `Papers matching "${shown}"`,
      ...(notices.length > 0 ? { text: notices.join('\n') } : {}),
      ...(outcome.results.length > 0
        ? { papers: outcome.results.map((r, i) => ({ paper: r.paper, rank: i + 1, shareable: true })) }
        : {}),
      ...(section ? { sections: [section] } : {}),
    };
  },
};
