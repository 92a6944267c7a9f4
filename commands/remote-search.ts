import type { PaperItem, ReplySection } from '../src/chat/platform.ts';
import type { Paper } from '../src/papers/paper.ts';
import type { Ranked } from '../src/papers/rank.ts';
import { parseSearchQuery } from '../src/papers/search-query.ts';
import { containsAll } from '../src/papers/text-match.ts';
import type { CommandContext } from './types.ts';

/**
 * How long a search may wait for Hugging Face: the person is already waiting on the archive, and an answer
 * past a couple of seconds feels broken. Past it the archive's results are shown with a notice.
 */
export const REMOTE_BUDGET_MS = 2000;
/** Hugging Face's papers shown at most, after those already in the archive are left out. */
export const REMOTE_SHOWN = 5;
/** Fewer archive results than this is a thin answer worth adding to. */
export const FEW_RESULTS = 3;

/** The heading of Hugging Face's papers in a search reply. */
export const REMOTE_HEADING = "From Hugging Face, not yet in the team's archive";

/** The text a result is judged on: everything a paper shows that a person could have searched for. */
function shownText(p: Paper): string {
  return [
    p.title,
    p.abstract,
    p.authors.join(' '),
    p.organization?.name ?? '',
    (p.keywords ?? []).join(' '),
  ].join('\n');
}

/**
 * Whether the archive's answer to `query` is thin: fewer than {@link FEW_RESULTS} results, or not one of
 * them holding every searched word (the answer fell back to papers matching some of them).
 */
export function archiveAnswerIsThin(query: string, results: readonly Ranked[]): boolean {
  if (results.length < FEW_RESULTS) return true;
  const parsed = parseSearchQuery(query);
  if (!parsed.ok) return false;
  const { must, alternatives } = parsed.query;
  return !results.some((r) => containsAll(shownText(r.paper), must, alternatives));
}

export type RemoteOutcome = { section: ReplySection | null } | { notice: string };

/**
 * Hugging Face's papers for `query` that the archive does not hold, as a shareable section under
 * {@link REMOTE_HEADING} (null when there are none). Nothing is written to the archive: a paper is archived
 * when someone shares it (the Share button fetches it as `/papers share` does), so a paper no daily feed
 * listed never gains a feed day. A timeout, an error status or an unreadable answer is one notice line.
 */
export async function remoteSection(ctx: CommandContext, query: string): Promise<RemoteOutcome> {
  let hits: Paper[];
  try {
    // Words only: HF's search is semantic, and `-excluded`, quotes or OR mean nothing to it; a term typed
    // with alternatives (`a OR b`) gives all its forms' words.
    const parsed = parseSearchQuery(query);
    const words = parsed.ok
      ? parsed.query.must
          .flatMap((p, i) => [p, ...(parsed.query.alternatives?.[i] ?? [])])
          .map((p) => p.join(' '))
          .join(' ')
      : query;
    hits = (await ctx.hf.search(words, { withinMs: REMOTE_BUDGET_MS, limit: 20 })).papers;
  } catch (error) {
    ctx.logger.warn({ err: error }, 'Hugging Face search failed; showing the archive alone');
    return {
      notice:
        "Hugging Face's paper search is not answering just now, so only the archive's papers are shown.",
    };
  }
  const items: PaperItem[] = [];
  for (const hit of hits) {
    if (items.length === REMOTE_SHOWN) break;
    if (hit.arxivId === null || (await ctx.store.getPaper(hit.arxivId))) continue;
    // Shown as a paper nobody on the team has voted for or seen in a feed: it is not in the archive.
    const paper = {
      ...hit,
      feedDate: null,
      teamVotes: 0,
      teamReplies: 0,
      firstSeenAt: ctx.now().toISOString(),
    };
    items.push({ paper, rank: items.length + 1, shareable: true });
  }
  return { section: items.length > 0 ? { title: REMOTE_HEADING, papers: items } : null };
}
