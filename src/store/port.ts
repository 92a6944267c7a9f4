import type { Paper } from '../papers/paper.ts';
import type { SearchQuery } from '../papers/search-query.ts';
import type { VocabularyWord } from '../papers/spelling.ts';

/** The most terms one {@link PaperStore.documentFrequencies} call may ask about. */
export const MAX_DF_TERMS = 64;

/** Throws the RangeError {@link PaperStore.documentFrequencies} promises for too many terms. */
export function checkTermCount(terms: readonly string[]): void {
  if (terms.length > MAX_DF_TERMS) {
    throw new RangeError(`At most ${MAX_DF_TERMS} terms at a time, not ${terms.length}`);
  }
}

import type { BulkLoadStore } from './bulk-port.ts';
import type { ReadingListStore } from './reading-list-port.ts';
import type { WatchStore } from './watch-port.ts';

export type * from './bulk-port.ts';
export { StoreUnavailableError } from './errors.ts';
export type * from './reading-list-port.ts';
export type * from './watch-port.ts';

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
  /** Replies in the threads under every message that shows this paper: the team's discussion of it. */
  teamReplies: number;
  /** When the archive first saw the paper (ISO timestamp). */
  firstSeenAt: string;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface UpsertOptions {
  /**
   * The day (`YYYY-MM-DD`) whose daily feed was requested and answered with these papers. It is the one
   * authoritative feed day; papers from any other source never change a stored feed day.
   */
  listedOn?: string;
}

/** An abbreviation pair and how many stored papers define it. */
export interface AbbreviationCount {
  /** Lowercase, singular (`llm`). */
  short: string;
  /** The long form as one of the papers wrote it, lowercased (`large language models`). */
  long: string;
  /** The long form's Porter stems joined by spaces (`larg languag model`). */
  longKey: string;
  papers: number;
}

export interface SearchHit {
  paper: StoredPaper;
  /** The store's text relevance: higher is better, > 0. (FTS5 bm25 negated, or ts_rank.) */
  relevance: number;
  /** Whether every positive term occurs in the title. */
  titleMatch: boolean;
}

/**
 * Why a message shows a paper: votes count on all of them. `link` is a person's own message linking to a
 * paper (a link paperboy unfurled or saw), recorded as that person's share.
 */
export type PostKind = 'share' | 'search-share' | 'roundup' | 'roundup-header' | 'feed' | 'link' | 'watch';

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

/** A reply in the thread under a message, as counted: who and when, never what it says. */
export interface ReplyRecord {
  /** The reply itself. */
  message: MessageRef;
  /** The message whose thread it is in. */
  thread: MessageRef;
  user: UserRef;
  at: string;
}

/** One person's act on a paper, where and when. */
export interface PaperAct {
  user: UserRef;
  channel: ChannelRef;
  at: string;
  /** Done in a person's direct messages with the bot (where watch alerts go): never given as a place. */
  private?: boolean;
}

/**
 * What the team did with a paper, everywhere: the raw material of the team line shown beside it. What a
 * viewer may see of it is decided elsewhere (src/papers/team-line.ts).
 */
export interface PaperActivity {
  /** People's shares (a share, a shared search result, a recorded link), oldest first. */
  shares: PaperAct[];
  /** Upvotes: one per person and channel, at that person's first vote there; oldest first. */
  votes: PaperAct[];
  /** Thread replies under the paper's messages, counted per channel. */
  replies: { channel: ChannelRef; count: number }[];
}

/** A paper some of the same people voted for, and how many of them. */
export interface CoVote {
  paper: StoredPaper;
  /** People who voted for both papers. */
  sharedVoters: number;
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

/**
 * Where a roundup stands. `claimed`: a run holds it under a lease (or held it and died: the lease then runs
 * out). `waiting`: a try failed and the next may start at `retryAt`. `posted`, `empty`: done. `failed`:
 * given up after its tries failed; only an explicit retry takes it again.
 */
export type RoundupState = 'claimed' | 'waiting' | 'posted' | 'empty' | 'failed';

/**
 * How a roundup's messages were laid out when it was planned: a header and one message per paper, one
 * digest message listing the papers, or one line saying why the day is empty.
 */
export type RoundupLayout = 'messages' | 'digest' | 'empty';

/** One planned message of a roundup, or one place in its digest. */
export interface RoundupItem {
  /** The paper it shows, or `#header` for the header, the digest or the empty-day line. */
  paperId: string;
  /** The idempotency key its post carries; null for a digest's places, which live in the digest message. */
  key: string | null;
  /** The message once its post is recorded; null before (not posted yet, or posted and not yet recorded). */
  message: MessageRef | null;
}

/** A roundup's ledger entry without its items. Times are ISO text on the store's clock. */
export interface RoundupSummary {
  channel: ChannelRef;
  /** The channel's local date the roundup is for. */
  localDate: string;
  state: RoundupState;
  /** The run that holds it, or held it last. */
  claimedBy: string;
  /** When that run took it. */
  claimedAt: string;
  /** While `claimed`: when the lease runs out unless its holder renews it (null: already run out). */
  leaseUntil: string | null;
  /** While `waiting`: when the next try may start. */
  retryAt: string | null;
  /** Tries that failed with an error (a run that crashed is no failed try); reset by an explicit retry. */
  failures: number;
  /** The error of the last failed try, kept after a later success for the record. */
  lastError: string | null;
  /** How its messages were planned; null until the first run planned them. */
  layout: RoundupLayout | null;
  /** When they were planned: no message of this roundup is older. */
  plannedAt: string | null;
  /** When it was posted, found empty, or given up. */
  finishedAt: string | null;
  /** Why it is empty (an empty roundup), or a note given when it was finished. */
  note: string | null;
}

export interface RoundupRecord extends RoundupSummary {
  /** The planned messages in posting order, each with its message once recorded: what a resumed run skips. */
  items: RoundupItem[];
}

/**
 * Where a platform delivery stands: `claimed` by this caller now; being `handling` under another caller's
 * claim; or `handled` already.
 */
export type DeliveryClaim = 'claimed' | 'handling' | 'handled';

/**
 * Platform deliveries (a Slack event or command, by its id) handled once across every instance sharing the
 * database: a delivery is claimed before it is handled, recorded once handled, and released when handling
 * failed so that the platform's retry is handled. Times are the store's clock.
 */
export interface DeliveryLedger {
  /**
   * Claims delivery `id` of `platform` for `holder` for `holdMs` (a claim whose holder died runs out then).
   * `claimed` for exactly one caller at a time across processes: the id is new, was released, or its claim
   * or record ran out; else `handling` or `handled`. Removes entries that ran out.
   */
  claimDelivery(platform: string, id: string, holder: string, holdMs: number): Promise<DeliveryClaim>;
  /** Records `holder`'s claimed delivery as handled, remembered for `keepMs` from now. */
  finishDelivery(platform: string, id: string, holder: string, keepMs: number): Promise<void>;
  /** Drops `holder`'s claim on a delivery not handled, so that the next delivery of `id` is claimed. */
  releaseDelivery(platform: string, id: string, holder: string): Promise<void>;
}

/**
 * The archive and the team's state. Every method is async so SQLite and PostgreSQL implement the same
 * port; every write is atomic. A method that fails because the database cannot be used just now (locked,
 * unreachable, restarting) rejects with StoreUnavailableError, the driver's error as its `cause`; other
 * failures reject with what the driver threw. One contract suite (test/contract/store.contract.ts) runs
 * against each. Watches and their delivery ledger are in {@link WatchStore} (watch-port.ts), channels'
 * reading lists in {@link ReadingListStore} (reading-list-port.ts), bulk loads in {@link BulkLoadStore}
 * (bulk-port.ts).
 */
export interface PaperStore extends DeliveryLedger, WatchStore, ReadingListStore, BulkLoadStore {
  /**
   * Inserts or updates papers. Idempotent: the same paper again is `unchanged`. A known field is never
   * erased by a source that lacks it (null / empty), and a paper first seen without an arXiv id is merged
   * with the same title later seen with one (its id then becomes the arXiv id; posts and votes follow).
   * A stored feed day is kept, unless `options.listedOn` says the papers are a day's feed as requested
   * from Hugging Face: that day then becomes every paper's feed day, replacing a wrong one.
   */
  upsertPapers(papers: readonly Paper[], options?: UpsertOptions): Promise<UpsertResult>;
  /** A paper by id or arXiv id (versionless); null when absent. */
  getPaper(id: string): Promise<StoredPaper | null>;
  /**
   * The abbreviations papers in the archive define (`large language models (LLMs)`), counted by the papers
   * that define each pair: every pair whose short form is in `shorts` or whose long-form key (stems joined
   * by spaces) is in `longKeys`, defined by at least `minPapers` papers. Order unspecified.
   */
  abbreviations(
    shorts: readonly string[],
    longKeys: readonly string[],
    minPapers: number,
  ): Promise<AbbreviationCount[]>;
  /**
   * Words of stored titles and keywords (see `vocabularyWords`) that start with the letter `first` and
   * have `minLength` to `maxLength` letters, each with how many papers hold it: what a misspelt search
   * word is corrected against. Order unspecified.
   */
  vocabulary(first: string, minLength: number, maxLength: number): Promise<VocabularyWord[]>;
  /** Full-text candidates ordered by relevance, at most `limit`. Never throws on user text. */
  search(query: SearchQuery, limit: number): Promise<SearchHit[]>;
  /**
   * Whether any paper matches `query`: what `search(query, 1)` finding a paper says, without ranking every
   * match to find the best (for a common word, most of the cost of that search).
   */
  hasMatch(query: SearchQuery): Promise<boolean>;
  /**
   * How many papers each term occurs in, counted as search matches a one-word query (any indexed field,
   * the engine's stemming), for terms as {@link tokenize} cuts them. A term the index does not hold (a stop
   * word, a word no paper has) counts 0. At most {@link MAX_DF_TERMS} terms; more is a RangeError.
   */
  documentFrequencies(terms: readonly string[]): Promise<Map<string, number>>;
  /**
   * Papers voted for by people who also voted for `paperId` (not that paper itself), most shared voters
   * first (then by id), at most `limit`. Empty when nobody voted for it.
   */
  coVoted(paperId: string, limit: number): Promise<CoVote[]>;
  /** Papers whose feed date is `date`. */
  papersOnFeedDate(date: string): Promise<StoredPaper[]>;
  /** The latest feed date on or before `date` that has papers, or null. */
  latestFeedDate(onOrBefore: string): Promise<string | null>;
  countPapers(): Promise<number>;
  /** Whether the archive holds any paper (`countPapers() > 0`), without counting them all. */
  hasPapers(): Promise<boolean>;

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
   * made them: for a platform event that clears reactions without saying whose they were. With `at`, a
   * reaction whose latest add is newer stays (a clear recorded late). Idempotent. Returns how many
   * reactions were removed.
   */
  clearReactions(messages: readonly MessageRef[], emoji: string | null, at?: string): Promise<number>;
  /**
   * Counts a reply in the thread under a message that shows a paper. Idempotent on the reply's message.
   * Returns the paper's reply count afterwards, or null (nothing stored) when the thread's message shows
   * no paper.
   */
  recordReply(reply: ReplyRecord): Promise<number | null>;
  /**
   * Forgets a reply deleted at `at`, and remembers the deletion for a day: an add of it recorded later (a
   * retry, an event held for the archive) counts nothing. Idempotent.
   */
  removeReply(message: MessageRef, at: string): Promise<void>;
  /**
   * Forgets every reply in the thread under `thread`, deleted whole at `at` (Discord's thread deletion names
   * no replies), and remembers it for a day as {@link removeReply} does: a reply in it recorded later counts
   * nothing. Idempotent.
   */
  removeThread(thread: MessageRef, at: string): Promise<void>;
  /** Replies under every message that shows each paper, by paper id; papers without any are absent. */
  replyCounts(paperIds: readonly string[]): Promise<Map<string, number>>;
  /** The team's activity on each paper, by paper id; papers nobody shared, voted on or discussed are absent. */
  activityOf(paperIds: readonly string[]): Promise<Map<string, PaperActivity>>;
  /** Papers ranked by distinct voters whose first vote is at or after `since` (ISO; null = all time). */
  topVoted(since: string | null, limit: number): Promise<TopEntry[]>;

  getChannelSettings(channel: ChannelRef): Promise<ChannelSettings | null>;
  saveChannelSettings(settings: ChannelSettings): Promise<void>;
  /** Every channel with settings saved, enabled or not. */
  listChannelSettings(): Promise<ChannelSettings[]>;

  /**
   * Claims the roundup of `channel` for `localDate` under a lease of `leaseMs`. Exactly one caller gets true
   * for a roundup at a time, across processes sharing the database: it was new; or `claimed` with its lease
   * run out (its holder died; it is resumed); or `waiting` with its `retryAt` come. `retryNow` also takes a
   * `waiting` roundup early and a `failed` one (its failures then start again from 0). Claiming counts
   * no failure. Times are the store's clock: the database server's where several hosts share it.
   */
  claimRoundup(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    leaseMs: number,
    options?: { retryNow?: boolean },
  ): Promise<boolean>;
  /** Extends `claimant`'s lease to `leaseMs` from now. False when it holds the roundup no longer. */
  renewRoundup(channel: ChannelRef, localDate: string, claimant: string, leaseMs: number): Promise<boolean>;
  /**
   * Saves the messages a roundup will post, in order, before any is posted, with its layout and a note
   * (why it is empty). Only `claimant`, holding the claim, can save, and only the first plan is kept: true
   * when this one was saved. A resumed run reads the plan instead of choosing papers again.
   */
  saveRoundupPlan(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    plan: { layout: RoundupLayout; note: string | null; items: { paperId: string; key: string | null }[] },
  ): Promise<boolean>;
  /**
   * Records the message of an item (appending the item if it was not planned). Idempotent: an item keeps
   * the first message recorded for it.
   */
  recordRoundupItem(
    channel: ChannelRef,
    localDate: string,
    paperId: string,
    message: MessageRef,
  ): Promise<void>;
  /**
   * Records that `claimant`'s try failed with `error` and lets the claim go: the roundup is `waiting` until
   * `retryAfterMs` from now, or `failed` for good when that is null. False (nothing changed) when
   * `claimant` no longer holds it.
   */
  recordRoundupFailure(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    error: string,
    retryAfterMs: number | null,
  ): Promise<boolean>;
  /** Marks the roundup finished (`posted`, `empty`) or `failed`, with an optional note. */
  finishRoundup(
    channel: ChannelRef,
    localDate: string,
    state: Exclude<RoundupState, 'claimed' | 'waiting'>,
    note?: string,
  ): Promise<void>;
  getRoundup(channel: ChannelRef, localDate: string): Promise<RoundupRecord | null>;
  /**
   * Roundups given up as `failed`, newest local date first, at most `limit`: of one channel or all, on or
   * after a local date or ever.
   */
  failedRoundups(filter: {
    channel?: ChannelRef;
    sinceLocalDate?: string;
    limit: number;
  }): Promise<RoundupSummary[]>;
  /**
   * Roundups started and not finished (`claimed` or `waiting`) of a local date on or after
   * `sinceLocalDate`, oldest first, at most `limit`: what the scheduler resumes whatever the schedule says.
   */
  unfinishedRoundups(filter: { sinceLocalDate: string; limit: number }): Promise<RoundupSummary[]>;

  /**
   * Takes or renews the named lease for `holder` until `ttlMs` from now. True when `holder` holds it
   * afterwards: it was free, expired, or already `holder`'s. Exactly one holder at a time across processes.
   * "Now" is the store's clock (the database server's on PostgreSQL) as the call reaches it, never earlier
   * than when the caller made the call.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it, so another instance need not wait for it to expire. */
  releaseLease(name: string, holder: string): Promise<void>;

  /**
   * Reads ahead what the first search would otherwise read for itself, so a serving process pays it at
   * start-up instead of its first user (SQLite: the papers' lengths for the word columns and the largest
   * column, 55-63 ms at a million papers; PostgreSQL: nothing). Searches are right without it.
   */
  prepareForSearch(): Promise<void>;

  close(): Promise<void>;
}
