import type { ChannelRef, PaperActivity, PaperStore, UserRef } from '../store/port.ts';

/**
 * The team's trace on a paper as one viewer may see it, beside the paper wherever it is shown: who shared
 * it and where, how many voted (and who), how many replied.
 *
 * The privacy rule: **names travel only within a channel.** Beside a paper shown in channel X, people are
 * named only for what they did in X (their share, their vote). What was done in other channels of the
 * same platform is counted without names; the first share's channel is given as the platform's own
 * channel reference, which Slack and Discord show by name only to people who can see that channel, and a
 * direct message is never given as a place. Another platform's activity (another workspace or server,
 * other people) is not shown at all. Nothing anyone wrote is ever shown: none is stored.
 */
export interface TeamLine {
  /** The first share by a person: by whom (only if made in the viewing channel), where, how long ago. */
  share: { by: UserRef | null; channel: ChannelRef | null; here: boolean; ago: string } | null;
  /** People who upvoted it, on this platform. */
  votes: number;
  /** The first few of them who voted in the viewing channel, to be named. */
  voters: UserRef[];
  /** Thread replies under its messages, on this platform. */
  replies: number;
}

/** Voters named in a team line; the rest are "+N". */
export const NAMED_VOTERS = 3;

/** The platform part of a ref: `slack` in `slack:C123`. */
function platformOf(ref: string): string {
  return ref.slice(0, ref.indexOf(':'));
}

/**
 * A conversation that is one person's, or a few people's, own: Slack's direct messages (`D…`) and
 * multi-person DMs (`G…` ids of `mpim` kind share the prefix with old private channels, so every `G…` is
 * treated as private). Discord DM channels cannot be told from their ids; paperboy posts there only for a
 * person's own watch alerts.
 */
function isPrivatePlace(channel: ChannelRef): boolean {
  return /^slack:[DG]/.test(channel);
}

/** "today", "yesterday", "5 days ago", "3 weeks ago", "4 months ago", "2 years ago". */
export function ago(at: string, now: Date): string {
  const days = Math.floor((now.getTime() - Date.parse(at)) / 86_400_000);
  if (!Number.isFinite(days) || days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  if (days < 60) return `${Math.floor(days / 7)} weeks ago`;
  if (days < 730) return `${Math.floor(days / 30)} months ago`;
  return `${Math.floor(days / 365)} years ago`;
}

/** The team line of one paper for a viewer in `viewer`; null when the team did nothing with it there. */
export function teamLine(
  activity: PaperActivity | undefined,
  viewer: ChannelRef,
  now: Date,
): TeamLine | null {
  if (!activity) return null;
  const platform = platformOf(viewer);
  const mine = <T extends { channel: ChannelRef }>(acts: readonly T[]) =>
    acts.filter((a) => platformOf(a.channel) === platform);
  const [first] = mine(activity.shares);
  const votes = mine(activity.votes);
  const voters = [...new Set(votes.map((v) => v.user))];
  const named = [...new Set(votes.filter((v) => v.channel === viewer).map((v) => v.user))];
  const replies = mine(activity.replies).reduce((n, r) => n + r.count, 0);
  if (!first && voters.length === 0 && replies === 0) return null;
  const here = first?.channel === viewer;
  return {
    share: first
      ? {
          by: here ? first.user : null,
          channel: here || isPrivatePlace(first.channel) ? null : first.channel,
          here,
          ago: ago(first.at, now),
        }
      : null,
    votes: voters.length,
    voters: named.slice(0, NAMED_VOTERS),
    replies,
  };
}

/** Team lines for papers shown in `viewer`, by paper id (papers without one are absent). One store read. */
export async function teamLinesFor(
  store: Pick<PaperStore, 'activityOf'>,
  paperIds: readonly string[],
  viewer: ChannelRef,
  now: Date,
): Promise<Map<string, TeamLine>> {
  const lines = new Map<string, TeamLine>();
  if (paperIds.length === 0) return lines;
  const activity = await store.activityOf([...new Set(paperIds)]);
  for (const id of paperIds) {
    const line = teamLine(activity.get(id), viewer, now);
    if (line) lines.set(id, line);
  }
  return lines;
}
