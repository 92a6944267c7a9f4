import type { Paper } from '../papers/paper.ts';
import type { SearchQuery } from '../papers/search-query.ts';

export { StoreUnavailableError } from './errors.ts';

/** A platform-qualified channel id, e.g. `slack:C123` or `discord:987654321`. */
export type ChannelRef = string;
/** A platform-qualified message id, e.g. `slack:C123:1712345678.000100` or `discord:987:1234`. */
export type MessageRef = string;
/** A platform-qualified user id, e.g. `slack:U123` or `discord:42`. */
export type UserRef = string;

/** A paper as stored: the paper plus what the team added to it. */
export interface StoredPaper extends Paper {
  /** Distinct team members with an upvote reaction on any message that posted this paper. */
  teamVotes: number;
  /** When the archive first saw the paper (ISO timestamp). */
  firstSeenAt: string;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface SearchHit {
  paper: StoredPaper;
  /** The store's text relevance: higher is better, > 0. (FTS5 bm25 negated, or ts_rank.) */
  relevance: number;
  /** Whether every positive term occurs in the title. */
  titleMatch: boolean;
}

/** Why a message was posted: votes count on all of them. */
export type PostKind = 'share' | 'search-share' | 'roundup' | 'roundup-header' | 'feed';

export interface PostRecord {
  message: MessageRef;
  channel: ChannelRef;
  /** The paper the message shows; null for messages that show none (a roundup header). */
  paperId: string | null;
  kind: PostKind;
  /** Who asked for the post (a share), or null for the bot's own. */
  postedBy: UserRef | null;
  postedAt: string;
}

export interface ReactionChange {
  message: MessageRef;
  user: UserRef;
  /** Normalised emoji name, e.g. `+1`. The caller decides which emoji are upvotes. */
  emoji: string;
  at: string;
}

export interface TopEntry {
  paper: StoredPaper;
  votes: number;
  voters: UserRef[];
}

/** One channel's roundup settings. */
export interface ChannelSettings {
  channel: ChannelRef;
  enabled: boolean;
  /** Local time of day, `HH:MM`. */
  time: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string;
  /** ISO weekdays the roundup runs on, 1 = Monday … 7 = Sunday. */
  days: number[];
  size: number;
  /** Boosting phrases; entries starting with `-` exclude. */
  topics: string[];
  minScore: number;
  mode: 'messages' | 'digest';
  updatedBy: UserRef | null;
  updatedAt: string;
}

export type RoundupState = 'claimed' | 'posted' | 'empty' | 'failed';

export interface RoundupRecord {
  channel: ChannelRef;
  /** The channel's local date the roundup is for. */
  localDate: string;
  state: RoundupState;
  claimedBy: string;
  claimedAt: string;
  /** Papers already posted, in order, with their messages: what a resumed roundup skips. */
  items: { paperId: string; message: MessageRef }[];
  note: string | null;
}

/**
 * The archive and the team's state. Every method is async so SQLite and PostgreSQL implement the same
 * port; every write is atomic. A method that fails because the database cannot be used just now (locked,
 * unreachable, restarting) rejects with StoreUnavailableError, the driver's error as its `cause`; other
 * failures reject with what the driver threw. One contract suite (test/contract/store.contract.ts) runs
 * against each.
 */
export interface PaperStore {
  /**
   * Inserts or updates papers. Idempotent: the same paper again is `unchanged`. A known field is never
   * erased by a source that lacks it (null / empty), and a paper first seen without an arXiv id is merged
   * with the same title later seen with one (its id then becomes the arXiv id; posts and votes follow).
   */
  upsertPapers(papers: readonly Paper[]): Promise<UpsertResult>;
  /** A paper by id or arXiv id (versionless); null when absent. */
  getPaper(id: string): Promise<StoredPaper | null>;
  /** Full-text candidates ordered by relevance, at most `limit`. Never throws on user text. */
  search(query: SearchQuery, limit: number): Promise<SearchHit[]>;
  /** Papers whose feed date is `date`. */
  papersOnFeedDate(date: string): Promise<StoredPaper[]>;
  /** The latest feed date on or before `date` that has papers, or null. */
  latestFeedDate(onOrBefore: string): Promise<string | null>;
  countPapers(): Promise<number>;

  /** Records that the bot posted a message. Idempotent on `message`. */
  recordPost(post: PostRecord): Promise<void>;
  /** The post behind a message, or null when the bot did not post it (or it shows no paper). */
  getPost(message: MessageRef): Promise<PostRecord | null>;
  /** Paper ids the channel has already been shown by the bot. */
  papersPostedIn(channel: ChannelRef): Promise<Set<string>>;

  /**
   * Adds or removes one upvote reaction. Idempotent. Returns the paper's team vote count after the change,
   * or null when the message is not a paper post. A user counts once per paper however many reactions.
   */
  addReaction(change: ReactionChange): Promise<number | null>;
  removeReaction(change: ReactionChange): Promise<number | null>;
  /**
   * Removes every reaction on any of `messages`, or only those with `emoji` (exactly as stored), whoever
   * made them: for a platform event that clears reactions without saying whose they were. Idempotent.
   * Returns how many reactions were removed.
   */
  clearReactions(messages: readonly MessageRef[], emoji: string | null): Promise<number>;
  /** Papers ranked by distinct voters whose first vote is at or after `since` (ISO; null = all time). */
  topVoted(since: string | null, limit: number): Promise<TopEntry[]>;

  getChannelSettings(channel: ChannelRef): Promise<ChannelSettings | null>;
  saveChannelSettings(settings: ChannelSettings): Promise<void>;
  /** Every channel with settings saved, enabled or not. */
  listChannelSettings(): Promise<ChannelSettings[]>;

  /**
   * Claims the roundup of `channel` for `localDate`. Exactly one caller ever gets true for a pair, across
   * processes sharing the database; a claim in state `claimed` older than `staleAfterMs` may be re-taken
   * (its holder crashed) and then returns true to exactly one caller. Age is measured on the store's
   * clock: the database server's where several hosts share it (PostgreSQL), so hosts' clocks may differ.
   */
  claimRoundup(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    staleAfterMs: number,
  ): Promise<boolean>;
  /** Appends one posted item to a claimed roundup, so a resumed run skips it. */
  recordRoundupItem(
    channel: ChannelRef,
    localDate: string,
    paperId: string,
    message: MessageRef,
  ): Promise<void>;
  /** Marks the roundup finished (`posted`, `empty`) or `failed`, with an optional note. */
  finishRoundup(
    channel: ChannelRef,
    localDate: string,
    state: Exclude<RoundupState, 'claimed'>,
    note?: string,
  ): Promise<void>;
  getRoundup(channel: ChannelRef, localDate: string): Promise<RoundupRecord | null>;

  /**
   * Takes or renews the named lease for `holder` until `ttlMs` from now. True when `holder` holds it
   * afterwards: it was free, expired, or already `holder`'s. Exactly one holder at a time across processes.
   * "Now" is the store's clock (the database server's on PostgreSQL) as the call reaches it, never earlier
   * than when the caller made the call.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it, so another instance need not wait for it to expire. */
  releaseLease(name: string, holder: string): Promise<void>;

  close(): Promise<void>;
}
