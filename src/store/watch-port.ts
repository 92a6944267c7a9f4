import type { SearchQuery } from '../papers/search-query.ts';
import type { StoredPaper } from './port.ts';

/** A platform-qualified user id, e.g. `slack:U123` (the same type as the port's UserRef). */
type UserRef = string;

/** One person's standing search: new papers matching `query` are sent to them by direct message. */
export interface Watch {
  id: number;
  owner: UserRef;
  /** The query as typed, in the search query language. */
  query: string;
  /** Where the watch was set up: the channel its DMs' Share buttons post into. */
  channel: string;
  createdAt: string;
}

/** How and whether a person's watches are delivered. Absent settings mean instant and not paused. */
export interface WatcherSettings {
  owner: UserRef;
  mode: 'instant' | 'daily';
  /** Local time of the daily digest, `HH:MM`. */
  time: string;
  /** IANA time zone of the daily digest. */
  timezone: string;
  paused: boolean;
  /** Why the watches were paused when the bot paused them (the person cannot be sent a DM); null otherwise. */
  pausedReason: string | null;
  /** The person's DM channel once a delivery reached it: a Share pressed there posts in the watch's channel. */
  dmChannel: string | null;
  updatedAt: string;
}

/** The settings one change sets, each field on its own; the fields left out keep what is stored. */
export type WatcherPatch = Partial<Omit<WatcherSettings, 'owner' | 'updatedAt'>>;

/** A person's delivery settings before they change any: instant, not paused. */
export const WATCHER_DEFAULTS: Readonly<Omit<WatcherSettings, 'owner' | 'updatedAt'>> = {
  mode: 'instant',
  time: '09:00',
  timezone: 'UTC',
  paused: false,
  pausedReason: null,
  dmChannel: null,
};

/** A paper new to the archive, with its place in insertion order (the watch cursor counts these). */
export interface NewPaper {
  seq: number;
  paper: StoredPaper;
}

/** A match to be delivered: which paper, for whom, through which watch (its query kept for the DM). */
export interface WatchMatch {
  owner: UserRef;
  paperId: string;
  watchId: number;
  query: string;
}

/** A direct message of matches, planned in the ledger before it is sent. */
export interface WatchDelivery {
  id: number;
  owner: UserRef;
  /** The idempotency key its post carries. */
  key: string;
  /** When it was planned (store clock): no message of it is older. */
  plannedAt: string;
  /** The daily digest's local date, or null for an instant delivery. */
  localDate: string | null;
  /** Whether this claim took over a delivery a run planned and did not finish (or whose DM failed). */
  resumed: boolean;
  /** Failed tries to send it so far (see recordWatchDeliveryFailure). */
  attempts: number;
  /** After a failed try: when the next may start (store clock, ISO); null otherwise. */
  retryAt: string | null;
  /** Its matches, in the order they were matched. */
  items: Omit<WatchMatch, 'owner'>[];
}

/**
 * Watches and their delivery ledger. Exactly once per (person, paper): a paper is matched for a person at
 * most once whichever of their watches found it, and each match belongs to at most one delivery.
 */
export interface WatchStore {
  /**
   * Adds a watch unless `owner` already has `limit` (atomic, so two commands at once cannot pass it).
   * Returns the watch, or null when the limit was reached.
   */
  addWatch(owner: UserRef, query: string, channel: string, limit: number): Promise<Watch | null>;
  /** The person's watches, oldest first (their numbers in `watch list` are positions in this order). */
  listWatches(owner: UserRef): Promise<Watch[]>;
  /** Removes a watch of `owner` and its matches not yet delivered. False when they have no such watch. */
  removeWatch(owner: UserRef, id: number): Promise<boolean>;
  /** Every watch whose owner is not paused: what new papers are matched against. */
  activeWatches(): Promise<Watch[]>;
  getWatcher(owner: UserRef): Promise<WatcherSettings | null>;
  /** Saves a person's delivery settings whole (upsert): every field, whatever was stored. */
  saveWatcher(settings: WatcherSettings): Promise<void>;
  /**
   * Sets only the fields in `patch` (and `updatedAt` to `at`) in one statement; the others keep what is
   * stored, or the defaults for a person without settings. A change of other fields made meanwhile (by a
   * command, another instance) survives. Returns the settings as saved.
   */
  updateWatcher(owner: UserRef, patch: WatcherPatch, at: string): Promise<WatcherSettings>;
  /** How many papers a query would find in the whole archive (the store's full-text match). */
  countMatching(query: SearchQuery): Promise<number>;

  /**
   * The watch cursor: the insertion sequence of the last paper matched against the watches. Starts at the
   * archive's last paper when watches were introduced, so existing papers are never "new".
   */
  watchCursor(): Promise<number>;
  /** Papers inserted after `seq`, in insertion order, at most `limit`. Updates of known papers are not new. */
  papersAfter(seq: number, limit: number): Promise<NewPaper[]>;
  /**
   * Records the matches of the papers after `fromSeq` up to `toSeq` and moves the cursor to `toSeq`, in one
   * transaction, only if the cursor is still `fromSeq` (compare-and-set: of several instances matching the
   * same papers, one records them). A (person, paper) already matched keeps its first match. True when
   * this call moved the cursor.
   */
  recordWatchMatches(fromSeq: number, toSeq: number, matches: readonly WatchMatch[]): Promise<boolean>;
  /** Matches per watch of `owner` recorded at or after `since` (ISO), by watch id. */
  watchMatchCounts(owner: UserRef, since: string): Promise<Map<number, number>>;
  /**
   * People not paused with matches not yet in a delivery, or with a delivery left unfinished that is not
   * waiting for its next try.
   */
  ownersToDeliver(): Promise<UserRef[]>;
  /**
   * Claims `owner`'s delivery for `claimant` under a lease of `leaseMs`. An unfinished one whose lease ran
   * out (its run died) is taken over as it was planned (`resumed`). Otherwise, when `plan` is given and the
   * person has undelivered matches, a new delivery is planned with all of them and `plan.key`; a daily one
   * carries `plan.localDate` and at most one delivery is ever planned per (person, local date), with the
   * matches made up to `plan.upTo` (the digest's time) only: later ones wait for the next day's. Null when
   * there is nothing to deliver, another live run holds it, or it waits for its next try (`retryAt`): the
   * person gets no new delivery before it is finished.
   */
  claimWatchDelivery(
    owner: UserRef,
    claimant: string,
    leaseMs: number,
    plan: WatchDeliveryPlan | null,
  ): Promise<WatchDelivery | null>;
  /** Extends `claimant`'s lease on a delivery to `leaseMs` from now. False when it holds it no longer. */
  renewWatchDelivery(id: number, claimant: string, leaseMs: number): Promise<boolean>;
  /**
   * Finishes a delivery: `sent` with its message, or `undeliverable` (the person cannot be sent a DM; its
   * matches are not tried again). Idempotent; a finished delivery keeps its first outcome.
   */
  finishWatchDelivery(
    id: number,
    outcome: { state: 'sent'; message: string } | { state: 'undeliverable'; note: string },
  ): Promise<void>;
  /**
   * Counts a failed try of `claimant`'s delivery (attempts + 1, `note` the error) and lets the claim go: it
   * waits until `retryAfterMs` from now (store clock), when any run may claim it again as planned, or is
   * finished `undeliverable` with `note` when that is null. False (nothing changed) when `claimant` no
   * longer holds it.
   */
  recordWatchDeliveryFailure(
    id: number,
    claimant: string,
    note: string,
    retryAfterMs: number | null,
  ): Promise<boolean>;
  /** A delivery as the ledger holds it, with its state and message; null when unknown. */
  getWatchDelivery(id: number): Promise<
    | (Omit<WatchDelivery, 'resumed'> & {
        state: 'claimed' | 'sent' | 'undeliverable';
        message: string | null;
      })
    | null
  >;
}

/** A new delivery's key, and for a daily digest its local date and time (ISO): what it may gather. */
export interface WatchDeliveryPlan {
  key: string;
  localDate: string | null;
  /** Matches made at or before this instant only; null: every undelivered match (instant mode). */
  upTo: string | null;
}
