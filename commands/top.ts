import type { CommandDefinition } from './types.ts';

/** Entries on the leaderboard. */
export const TOP_LIMIT = 10;

const DAY_MS = 86_400_000;

/** Each period's window in days (null: all time) and how a heading names it. */
export const TOP_PERIODS: Record<string, { days: number | null; label: string }> = {
  week: { days: 7, label: 'this week' },
  month: { days: 30, label: 'this month' },
  all: { days: null, label: 'of all time' },
};

/**
 * `/papers top [week|month|all]`: the team's most upvoted papers over a rolling window (default a week,
 * counted back from now), with who voted. A vote counts from the person's first upvote on the paper.
 */
export const topCommand: CommandDefinition = {
  name: 'top',
  description: "The team's most upvoted papers, with who voted",
  options: [
    {
      name: 'period',
      description: 'How far back to count votes (default week)',
      type: 'string',
      required: false,
      choices: ['week', 'month', 'all'],
    },
  ],
  async run(ctx, args) {
    const period = TOP_PERIODS[String(args.period ?? 'week')] ?? { days: 7, label: 'this week' };
    const since =
      period.days === null ? null : new Date(ctx.now().getTime() - period.days * DAY_MS).toISOString();
    const top = await ctx.store.topVoted(since, TOP_LIMIT);
    if (top.length === 0) {
      return {
        visibility: 'ephemeral',
        text: `No votes ${period.label} yet. To vote, react 👍 on a paper the bot posted; share one with /papers share <arXiv id>, or from a search.`,
      };
    }
    return {
      visibility: 'ephemeral',
      title: `Top papers ${period.label}`,
      // The paper's team votes shown are those of the window, so they agree with the voters listed.
      papers: top.map((t, i) => ({
        paper: { ...t.paper, teamVotes: t.votes },
        rank: i + 1,
        voters: t.voters,
      })),
    };
  },
};
