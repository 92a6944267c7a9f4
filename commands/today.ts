import { rankFeed } from '../src/papers/rank.ts';
import { isoDay, longDay } from './dates.ts';
import type { CommandDefinition } from './types.ts';

/** Papers shown from one day's feed. */
export const TODAY_LIMIT = 10;

/**
 * `/papers today`: today's feed, ranked, shown to the person who asked with Share buttons. When today has
 * no papers yet (early in the day, a weekend), the most recent feed day is shown and the reply says so.
 */
export const todayCommand: CommandDefinition = {
  name: 'today',
  description: "Today's papers, ranked (the latest feed day when today has none yet)",
  options: [],
  async run(ctx) {
    const today = isoDay(ctx.now());
    let day = today;
    let papers = await ctx.store.papersOnFeedDate(today);
    if (papers.length === 0) {
      const latest = await ctx.store.latestFeedDate(today);
      if (latest === null) {
        return {
          visibility: 'ephemeral',
          text: 'The archive has no feed days yet. Fill it with npx paperboy fetch (or npx paperboy fetch --since YYYY-MM-DD), then try again.',
        };
      }
      day = latest;
      papers = await ctx.store.papersOnFeedDate(latest);
    }
    const ranked = rankFeed(papers, today).slice(0, TODAY_LIMIT);
    const items = ranked.map((r, i) => ({ paper: r.paper, rank: i + 1, shareable: true }));
    const count = `${ranked.length} of ${papers.length} papers`;
    if (day === today) {
      return { visibility: 'ephemeral', title: `Today's papers, ${longDay(day, today)}`, papers: items };
    }
    return {
      visibility: 'ephemeral',
      title: `Papers of ${longDay(day, today)}`,
      text: `No papers yet today; here is ${longDay(day, today)}'s feed (${count}).`,
      papers: items,
    };
  },
};
