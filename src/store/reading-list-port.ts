import type { StoredPaper } from './port.ts';

/** Platform-qualified refs (the same types as the port's ChannelRef, UserRef and MessageRef). */
type ChannelRef = string;
type UserRef = string;
type MessageRef = string;

/**
 * One person's reason for a paper to be on a channel's reading list: their 📌 on one message showing it
 * (`via` is that message), or their `/papers save` (`via` null).
 */
export interface ReadingListPin {
  channel: ChannelRef;
  paperId: string;
  user: UserRef;
  via: MessageRef | null;
  at: string;
}

/** A paper on a channel's reading list, with who put it there. */
export interface ReadingListEntry {
  channel: ChannelRef;
  paper: StoredPaper;
  /** When it was put on the list: the earliest of its pins still there. */
  addedAt: string;
  /** The people whose pins keep it there, each once at their earliest pin, earliest first. */
  pinnedBy: { user: UserRef; at: string }[];
}

/** What a pin changed: the paper newly on the list, already there (by others), or already pinned so. */
export type PinOutcome = 'added' | 'listed' | 'unchanged';

/**
 * Each channel's reading list. A paper is on a channel's list while at least one pin holds it there, so
 * several people's 📌 keep it until the last is removed, and a `save` holds it until removed by number.
 * Pins follow a paper through a merge (a title-keyed paper learning its arXiv id), as posts do.
 */
export interface ReadingListStore {
  /** Adds a pin. Idempotent on (channel, paper, person, via). */
  addPin(pin: ReadingListPin): Promise<PinOutcome>;
  /**
   * Removes one person's pin on one message (or their save, `via` null). Idempotent. True when the paper
   * is still on the channel's list afterwards.
   */
  removePin(pin: Omit<ReadingListPin, 'at'>): Promise<boolean>;
  /** Removes every pin made through any of `messages` (a moderator cleared the reactions). Returns how many. */
  clearPins(messages: readonly MessageRef[]): Promise<number>;
  /** Takes the paper off the channel's list, whoever pinned it. False when it was not on it. */
  removeFromReadingList(channel: ChannelRef, paperId: string): Promise<boolean>;
  /**
   * The lists of `channels`, each newest first (by `addedAt`, then paper id), the channels in the order
   * given. At most `limit` papers a channel.
   */
  readingLists(channels: readonly ChannelRef[], limit: number): Promise<ReadingListEntry[]>;
  /** Every channel whose ref starts with `prefix` (e.g. `slack:`) and has a paper on its reading list. */
  readingListChannels(prefix: string): Promise<ChannelRef[]>;
  /** Which of `paperIds` are on the channel's reading list. */
  onReadingList(channel: ChannelRef, paperIds: readonly string[]): Promise<Set<string>>;
}
