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
  share: { by: UserRef | null; channel: ChannelRef | null; here: boolean; ago: string; at?: string } | null;
  /** People who upvoted it, on this platform. */
  votes: number;
  /** The first few of them who voted in the viewing channel, to be named. */
  voters: UserRef[];
  /** Thread replies under its messages, on this platform. */
  replies: number;
  /** On the viewing channel's reading list (only that channel's: another channel's list is its own). */
  reading?: boolean;
}

/**
 * How one platform writes the people and places of a team line; everything else is worded here, once for
 * every platform. What each returns is already safe for the platform's markup.
 */
export interface TeamLineFormat {
  /** A person by name, never notifying them, in at most `max` characters; null when they cannot be named. */
  person(ref: UserRef, max: number): string | null;
  /** A channel, completing "Shared in …" (`<#C123>`); null when it cannot be given as a place. */
  channel(ref: ChannelRef): string | null;
  /** What completes "Shared …" for a place that cannot be given; default `in another conversation`. */
  elsewhere?: string;
  /**
   * When something happened (`at`, ISO), in the platform's own form that each reader's app shows in their
   * own time zone and language; `ago` (counted in 24-hour days from the server's clock) when absent.
   */
  when?(at: string, ago: string): string;
}

/** A time as `format` writes it: the platform's localised form when it has one and the time is known. */
function whenText(format: TeamLineFormat, ago: string, at: string | undefined): string {
  return at && format.when && Number.isFinite(Date.parse(at)) ? format.when(at, ago) : ago;
}

/** How a place completes "Shared …": ` here`, ` in <place>`, or the format's word for a place not given. */
function where(team: NonNullable<TeamLine['share']>, format: TeamLineFormat): string {
  if (team.here) return ' here';
  const place = team.channel ? format.channel(team.channel) : null;
  if (place) return ` in ${place}`;
  const elsewhere = format.elsewhere ?? 'in another conversation';
  return ` ${elsewhere}`;
}

/**
 * `Shared by Ana here · 3 weeks ago · 👍 5 (Ana, Bo, +3) · 💬 4 replies · 📌 reading list`, with people and
 * places as `format` writes them: people who cannot be named are counted. `show.votes` false leaves the
 * votes out (beside a leaderboard that names its voters already).
 */
export function teamLineText(
  team: TeamLine,
  format: TeamLineFormat,
  show: { votes: boolean } = { votes: true },
): string {
  const parts: string[] = [];
  if (team.share) {
    const by = team.share.by ? format.person(team.share.by, 80) : null;
    const when = whenText(format, team.share.ago, team.share.at);
    parts.push(`${by ? `Shared by ${by}` : 'Shared'}${where(team.share, format)} · ${when}`);
  }
  if (show.votes && team.votes > 0) {
    const named = team.voters.map((v) => format.person(v, 40)).filter((n): n is string => n !== null);
    const rest = team.votes - named.length;
    const list = named.length > 0 ? ` (${[...named, ...(rest > 0 ? [`+${rest}`] : [])].join(', ')})` : '';
    parts.push(`👍 ${team.votes}${list}`);
  }
  if (team.replies > 0) parts.push(`💬 ${team.replies} repl${team.replies === 1 ? 'y' : 'ies'}`);
  if (team.reading) parts.push('📌 reading list');
  return parts.join(' · ');
}

/** Who put a paper on a reading list, when, and (listed beside other channels') in which channel. */
export interface SavedLine {
  by: UserRef[];
  ago: string;
  /** When it was added (ISO), for platforms that show times in each reader's own time zone. */
  at?: string;
  /** The channel whose list it is, when the reply shows several channels' lists. */
  channel?: ChannelRef;
}

/** People named on a saved line; the rest are "and N more". */
export const NAMED_SAVERS = 3;

/** `📌 Added by Ana, Bo and 1 more in <#C2> · 3 days ago`, with people and places as `format` writes them. */
export function savedLineText(saved: SavedLine, format: TeamLineFormat): string {
  const named = saved.by
    .map((u) => format.person(u, 40))
    .filter((n): n is string => n !== null)
    .slice(0, NAMED_SAVERS);
  const rest = saved.by.length - named.length;
  const who =
    named.length === 0
      ? `${saved.by.length} ${saved.by.length === 1 ? 'person' : 'people'}`
      : `${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  const place = saved.channel ? format.channel(saved.channel) : null;
  return `📌 Added by ${who}${place ? ` in ${place}` : ''} · ${whenText(format, saved.ago, saved.at)}`;
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

/**
 * The team line of one paper for a viewer in `viewer`; null when the team did nothing with it there.
 * `reading`: the paper is on the viewing channel's reading list.
 */
export function teamLine(
  activity: PaperActivity | undefined,
  viewer: ChannelRef,
  now: Date,
  reading = false,
): TeamLine | null {
  if (!activity) return reading ? { share: null, votes: 0, voters: [], replies: 0, reading } : null;
  const platform = platformOf(viewer);
  const mine = <T extends { channel: ChannelRef }>(acts: readonly T[]) =>
    acts.filter((a) => platformOf(a.channel) === platform);
  const [first] = mine(activity.shares);
  const votes = mine(activity.votes);
  const voters = [...new Set(votes.map((v) => v.user))];
  const named = [...new Set(votes.filter((v) => v.channel === viewer).map((v) => v.user))];
  const replies = mine(activity.replies).reduce((n, r) => n + r.count, 0);
  if (!first && voters.length === 0 && replies === 0 && !reading) return null;
  const here = first?.channel === viewer;
  return {
    share: first
      ? {
          by: here ? first.user : null,
          channel: here || first.private || isPrivatePlace(first.channel) ? null : first.channel,
          here,
          ago: ago(first.at, now),
          at: first.at,
        }
      : null,
    votes: voters.length,
    voters: named.slice(0, NAMED_VOTERS),
    replies,
    ...(reading ? { reading } : {}),
  };
}

/**
 * Team lines for papers shown in `viewer`, by paper id (papers without one are absent). Two store reads:
 * the activity, and which papers are on the viewing channel's reading list.
 */
export async function teamLinesFor(
  store: Pick<PaperStore, 'activityOf' | 'onReadingList'>,
  paperIds: readonly string[],
  viewer: ChannelRef,
  now: Date,
): Promise<Map<string, TeamLine>> {
  const lines = new Map<string, TeamLine>();
  if (paperIds.length === 0) return lines;
  const ids = [...new Set(paperIds)];
  const [activity, reading] = await Promise.all([store.activityOf(ids), store.onReadingList(viewer, ids)]);
  for (const id of paperIds) {
    const line = teamLine(activity.get(id), viewer, now, reading.has(id));
    if (line) lines.set(id, line);
  }
  return lines;
}
