import { normalizeTitle, type Paper } from '../papers/paper.ts';
import type {
  ChannelSettings,
  PaperActivity,
  RoundupLayout,
  RoundupRecord,
  RoundupState,
  RoundupSummary,
  StoredPaper,
} from './port.ts';

/** A `papers` row as SQLite returns it (plus the computed `team_votes` and `team_replies` where selected). */
export interface PaperRow {
  id: string;
  arxiv_id: string | null;
  title_key: string;
  title: string;
  abstract: string;
  authors: string;
  keywords: string;
  author_count: number | null;
  org_id: string | null;
  org_name: string | null;
  published_at: string | null;
  feed_date: string | null;
  upvotes: number | null;
  comments: number | null;
  extras: string;
  first_seen_at?: string;
  team_votes?: number;
  team_replies?: number;
}

interface Extras {
  aiSummary: string | null;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  thumbnail: string | null;
}

export function paperToRow(p: Paper): Omit<PaperRow, 'first_seen_at' | 'team_votes' | 'team_replies'> {
  const extras: Extras = {
    aiSummary: p.aiSummary ?? null,
    githubRepo: p.githubRepo ?? null,
    githubStars: p.githubStars ?? null,
    projectPage: p.projectPage ?? null,
    thumbnail: p.thumbnail ?? null,
  };
  return {
    id: p.id,
    arxiv_id: p.arxivId,
    title_key: normalizeTitle(p.title),
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    keywords: JSON.stringify(p.keywords ?? []),
    author_count: p.authorCount,
    org_id: p.organization?.id ?? null,
    org_name: p.organization?.name ?? null,
    published_at: p.publishedAt,
    feed_date: p.feedDate,
    upvotes: p.upvotes,
    comments: p.comments,
    extras: JSON.stringify(extras),
  };
}

export function rowToPaper(r: PaperRow): StoredPaper {
  const extras = JSON.parse(r.extras) as Partial<Extras>;
  return {
    id: r.id,
    arxivId: r.arxiv_id,
    title: r.title,
    abstract: r.abstract,
    authors: JSON.parse(r.authors) as string[],
    authorCount: r.author_count,
    organization: r.org_id !== null ? { id: r.org_id, name: r.org_name ?? r.org_id } : null,
    publishedAt: r.published_at,
    feedDate: r.feed_date,
    upvotes: r.upvotes,
    comments: r.comments,
    aiSummary: extras.aiSummary ?? null,
    keywords: JSON.parse(r.keywords) as string[],
    githubRepo: extras.githubRepo ?? null,
    githubStars: extras.githubStars ?? null,
    projectPage: extras.projectPage ?? null,
    thumbnail: extras.thumbnail ?? null,
    teamVotes: r.team_votes ?? 0,
    teamReplies: r.team_replies ?? 0,
    firstSeenAt: r.first_seen_at ?? '',
  };
}

/** A `channel_settings` row: `enabled` is an integer in SQLite and a boolean in PostgreSQL. */
export interface SettingsRow {
  channel: string;
  enabled: number | boolean;
  time: string;
  timezone: string;
  days: string;
  size: number;
  topics: string;
  min_score: number;
  mode: 'messages' | 'digest';
  updated_by: string | null;
  updated_at: string;
}

export function rowToSettings(r: SettingsRow): ChannelSettings {
  return {
    channel: r.channel,
    enabled: r.enabled === 1 || r.enabled === true,
    time: r.time,
    timezone: r.timezone,
    days: JSON.parse(r.days) as number[],
    size: r.size,
    topics: JSON.parse(r.topics) as string[],
    minScore: r.min_score,
    mode: r.mode,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

/** A `roundups` row, the same in both stores (times are ISO text). */
export interface RoundupRow {
  channel: string;
  local_date: string;
  state: RoundupState;
  claimed_by: string;
  claimed_at: string;
  lease_until: string | null;
  retry_at: string | null;
  failures: number;
  last_error: string | null;
  layout: RoundupLayout | null;
  planned_at: string | null;
  finished_at: string | null;
  note: string | null;
}

/** A `roundup_items` row as both stores select it. */
export interface RoundupItemRow {
  paper_id: string;
  idem_key: string | null;
  message: string | null;
}

export function toRoundupSummary(row: RoundupRow): RoundupSummary {
  return {
    channel: row.channel,
    localDate: row.local_date,
    state: row.state,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    leaseUntil: row.lease_until,
    retryAt: row.retry_at,
    failures: Number(row.failures),
    lastError: row.last_error,
    layout: row.layout,
    plannedAt: row.planned_at,
    finishedAt: row.finished_at,
    note: row.note,
  };
}

export function toRoundupRecord(row: RoundupRow, items: readonly RoundupItemRow[]): RoundupRecord {
  return {
    ...toRoundupSummary(row),
    items: items.map((i) => ({ paperId: i.paper_id, key: i.idem_key, message: i.message })),
  };
}

/** The post kinds that are a person sharing a paper (not the bot's own roundups and feed posts). */
export const PERSON_SHARES = "'share', 'search-share', 'link'";

/** One act row of {@link PaperStore.activityOf}'s queries: a paper id, who, where, when. */
export interface ActRow {
  id: string;
  user: string;
  channel: string;
  at: string;
  /** A share's channel is a person's DM with the bot (see PRIVATE_CHANNEL): 1/true, else 0/false/absent. */
  dm?: number | boolean;
}

/**
 * SQL that is true when `channel` (a column) is a person's direct messages with the bot: a channel the
 * bot sent watch alerts to, or one a watcher's DM was found in. Such a channel is never given as a place.
 */
export function privateChannelSql(channel: string): string {
  return `(EXISTS (SELECT 1 FROM posts w WHERE w.channel = ${channel} AND w.kind = 'watch')
    OR EXISTS (SELECT 1 FROM watchers d WHERE d.dm_channel = ${channel}))`;
}

/** Groups the rows of {@link PaperStore.activityOf}'s three queries by paper, keeping their order. */
export function groupActivity(
  shares: readonly ActRow[],
  votes: readonly ActRow[],
  replies: readonly { id: string; channel: string; count: number }[],
): Map<string, PaperActivity> {
  const out = new Map<string, PaperActivity>();
  const of = (id: string): PaperActivity => {
    let activity = out.get(id);
    if (!activity) {
      activity = { shares: [], votes: [], replies: [] };
      out.set(id, activity);
    }
    return activity;
  };
  for (const r of shares) {
    const act = { user: r.user, channel: r.channel, at: r.at };
    of(r.id).shares.push(r.dm ? { ...act, private: true } : act);
  }
  for (const r of votes) of(r.id).votes.push({ user: r.user, channel: r.channel, at: r.at });
  for (const r of replies) of(r.id).replies.push({ channel: r.channel, count: r.count });
  return out;
}

/**
 * The oldest removal a reaction's change keeps (a day before `at`): Slack's last retry of an event comes
 * five minutes after its first delivery, so an older removal can no longer meet a late add.
 */
export function removalsKeptFrom(at: string): string {
  const t = Date.parse(at);
  return Number.isFinite(t) ? new Date(t - 24 * 3600_000).toISOString() : at;
}
