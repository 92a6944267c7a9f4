import type { PaperItem, Reply } from '../chat/platform.ts';
import { rankFeed } from '../papers/rank.ts';
import type { StoredPaper } from '../store/port.ts';

/** Papers shown in one direct message; the rest are counted ("and N more"). */
export const SHOWN_PER_MESSAGE = 10;

/** A matched paper and the watch query that found it. */
export interface MatchedPaper {
  paper: StoredPaper;
  query: string;
}

/**
 * The direct message for one delivery: the best papers first (the feed ranking: fresh, upvoted, voted by
 * the team), at most ten, each numbered, with a Share button, and which watch found which. With several
 * papers, 1️⃣–🔟 vote for the paper at that place, as in a digest roundup; with one, 👍 on the message does.
 */
export function watchMessage(
  matched: readonly MatchedPaper[],
  today: string,
  daily: boolean,
): { reply: Reply; shown: StoredPaper[] } {
  const byId = new Map(matched.map((m) => [m.paper.id, m]));
  const ranked = rankFeed(
    matched.map((m) => m.paper),
    today,
  ).map((r) => r.paper);
  const shown = ranked.slice(0, SHOWN_PER_MESSAGE);
  const more = matched.length - shown.length;
  const items: PaperItem[] = shown.map((paper, i) => ({ paper, rank: i + 1, shareable: true }));
  // Which watch found which paper, by place: `1, 3: diffusion` keeps the list readable for many papers.
  const places = new Map<string, number[]>();
  shown.forEach((paper, i) => {
    const query = byId.get(paper.id)?.query ?? '';
    places.set(query, [...(places.get(query) ?? []), i + 1]);
  });
  const lines = [...places].map(([query, at]) =>
    shown.length === 1 ? `Your watch “${query}” matched it.` : `${at.join(', ')}: your watch “${query}”`,
  );
  if (more > 0) lines.push(`…and ${more} more: search the archive to see them all.`);
  lines.push(
    shown.length === 1
      ? 'React 👍 to vote for it; Share posts it in the channel you set the watch up in.'
      : 'React with its number (1️⃣–🔟) to vote for a paper; Share posts it in the channel you set the watch up in.',
  );
  const n = matched.length;
  return {
    reply: {
      visibility: 'ephemeral',
      title: `${n} new paper${n === 1 ? '' : 's'} for your watches${daily ? ' today' : ''}`,
      text: lines.join('\n'),
      papers: items,
    },
    shown,
  };
}
