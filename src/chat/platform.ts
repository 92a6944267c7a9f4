import { randomBytes } from 'node:crypto';
import type { SavedLine, TeamLine } from '../papers/team-line.ts';
import type { ChannelRef, MessageRef, StoredPaper, UserRef } from '../store/port.ts';

export type { ChannelRef, MessageRef, UserRef } from '../store/port.ts';

/**
 * A platform's name, as its entry in adapters/index.ts gives it: the prefix of its channel, user and
 * message refs (`slack:C123`). The core treats it as opaque; no code outside an adapter names one.
 */
export type PlatformName = string;

/**
 * A `/papers` invocation as every platform delivers it. Slack and the console deliver free text; Discord
 * delivers the subcommand and typed options it parsed itself. Both end in the same command definitions.
 */
export interface CommandInvocation {
  platform: PlatformName;
  channel: ChannelRef;
  user: UserRef;
  /** The person's display name when the platform gives one (for credits such as "shared by"). */
  userName: string | null;
  input:
    | { kind: 'text'; text: string }
    | { kind: 'options'; subcommand: string; options: Record<string, string | number | boolean> };
  /**
   * May this person change the channel's settings (Discord: Manage Channels; Slack: a configured admin or a
   * workspace admin)? A platform that has to ask for it (Slack: users.info) gives a function, which is
   * called only for a command that needs the right: a search must not wait on that round trip. It rejects,
   * saying why, when the platform cannot tell; the person is told that rather than refused.
   */
  canManageChannel: boolean | (() => Promise<boolean>);
}

/** The Share button on a private search result, pressed. */
export interface ShareAction {
  platform: PlatformName;
  channel: ChannelRef;
  user: UserRef;
  userName: string | null;
  paperId: string;
}

/** A reaction added to or removed from a message, as seen by the bot. */
export interface ReactionEvent {
  message: MessageRef;
  channel: ChannelRef;
  user: UserRef;
  /** The emoji as the platform names it (`+1`, `👍`, `thumbsup::skin-tone-2`, a custom `<:upvote:123>` …). */
  emoji: string;
  added: boolean;
  /** True when the bot itself reacted (its seed reactions never count as votes). */
  byBot: boolean;
  at: string;
}

/**
 * Reactions removed from a message all at once, by a moderator or a bot, without the platform saying whose
 * they were (Discord's "remove all reactions" and "remove all of one emoji").
 */
export interface ReactionsCleared {
  message: MessageRef;
  /** The emoji removed, as {@link ReactionEvent.emoji} names it; null when every reaction went. */
  emoji: string | null;
  /**
   * When it happened (Discord says nothing: when the bot received it). A reaction added after it stays,
   * however late the clear is recorded (held for the archive, tried again after a restart).
   */
  at: string;
}

/**
 * A person's message with links that may be papers: Slack's `link_shared`, or a Discord message read with
 * the Message Content intent.
 */
export interface LinksPosted {
  platform: PlatformName;
  channel: ChannelRef;
  user: UserRef;
  userName: string | null;
  /**
   * The message, or null while the links are still being typed (Slack's composer preview): the papers are
   * looked up for a preview, but nothing is recorded.
   */
  message: MessageRef | null;
  /** The links as posted, in order; those that are no paper's are ignored. */
  urls: string[];
  at: string;
}

/** A link of a {@link LinksPosted} that is a paper's, with the paper. */
export interface LinkedPaper {
  url: string;
  paper: StoredPaper;
  /** The team's trace on it, as people in the message's channel may see it. */
  team?: TeamLine;
}

/**
 * A reply posted in, or deleted from, the thread under a message; or the whole thread deleted. Only who and
 * when: never its text.
 */
export interface ThreadReplyEvent {
  /** The reply; null (with `added` false) when the thread was deleted whole, its replies unnamed (Discord). */
  message: MessageRef | null;
  /** The message whose thread it is in. */
  thread: MessageRef;
  /** Who wrote it; null when the platform does not say (Discord's deletions). */
  user: UserRef | null;
  added: boolean;
  at: string;
}

/** One paper in a reply, with what the reply should say about it. */
export interface PaperItem {
  paper: StoredPaper;
  /** The 1-based position to show, when the reply is a ranking. */
  rank?: number;
  /** Offer a Share button (private search results). */
  shareable?: boolean;
  /** Who shared it into the channel, and their note. */
  sharedBy?: UserRef;
  sharedByName?: string | null;
  note?: string;
  /** Team voters to show (the leaderboard). */
  voters?: UserRef[];
  /** What the team did with the paper, as the people where it is shown may see it (filled in by the bot). */
  team?: TeamLine;
  /** Why the paper is listed, in one line (e.g. "shares: diffusion, distillation · 2 of the same voters"). */
  reason?: string;
  /** Who put it on a reading list and when (a reading list's entries). */
  saved?: SavedLine;
}

/**
 * What a command answers, platform-neutral. Adapters render it (Block Kit, embeds, terminal text) within
 * their own limits. All text here is plain: adapters escape it, so nothing in it can ping anyone.
 */
export interface Reply {
  /** Only the person who asked sees it, or everyone in the channel. */
  visibility: 'ephemeral' | 'channel';
  /** A heading line, e.g. "Top papers this week". */
  title?: string;
  /** Body text: help, a notice, an error in one sentence. */
  text?: string;
  papers?: PaperItem[];
  /** Further lists, each under its own heading, shown after `papers` (e.g. hits from outside the archive). */
  sections?: ReplySection[];
  /** Text shown verbatim in a code block after `text` (a BibTeX entry); adapters escape only what their markup needs. */
  code?: string;
  /**
   * A file for the person who asked, given only to them whatever the visibility: Slack uploads it to their
   * direct messages, Discord attaches it to the private answer, the console writes it to disk.
   */
  file?: ReplyFile;
}

/** A file a reply hands over (an export): its name, media type and UTF-8 text. */
export interface ReplyFile {
  /** A bare file name, safe on every file system (`top-week-2024-10-25.bib`). */
  name: string;
  mime: string;
  text: string;
}

/** A list of papers under its own heading within a reply; numbering continues from the papers before it. */
export interface ReplySection {
  title: string;
  papers: PaperItem[];
}

/** Every paper a reply shows, in the order shown: its own papers, then each section's. */
export function replyItems(reply: Reply): PaperItem[] {
  return [...(reply.papers ?? []), ...(reply.sections ?? []).flatMap((s) => s.papers)];
}

/** An option being typed: which option of which subcommand, by whom, where, and its text so far. */
export interface SuggestQuery {
  channel: ChannelRef;
  user: UserRef;
  subcommand: string;
  option: string;
  value: string;
}

/**
 * One value offered for an option being typed, platform-neutral: adapters fit it to their own limits
 * (Discord: 100 characters a name or value).
 */
export interface Suggestion {
  /** What the person sees, e.g. a paper's title. */
  name: string;
  /** What the option receives when it is picked, e.g. the paper's arXiv id. */
  value: string;
  /** A short qualifier shown after the name, e.g. the arXiv id; a platform shortening the name keeps it whole. */
  tag?: string;
}

/**
 * What the core does with platform events. The adapter acks/defers commands first, then calls these;
 * reactions are acked after onReaction, where the platform allows it.
 */
export interface InboundHandlers {
  /** Runs a `/papers` command; the returned reply goes back to the invoker (public posts are made via post()). */
  onCommand(invocation: CommandInvocation): Promise<Reply>;
  /** The Share button: posts the paper in the channel; the returned reply goes to the person who pressed it. */
  onShare(action: ShareAction): Promise<Reply>;
  /**
   * Called for every reaction added or removed on any message the bot can see. Resolves once the vote is
   * written (or the reaction is found not to be one). Rejects, after logging, when it could not be written
   * (the archive unavailable), so that a platform which redelivers events (Slack) can ask for it again.
   * Idempotent: the same event twice changes nothing more.
   */
  onReaction(event: ReactionEvent): Promise<void>;
  /**
   * Removes the votes the cleared reactions carried, whoever made them. Resolves once written; rejects,
   * after logging, when it could not be. Idempotent.
   */
  onReactionsCleared(clear: ReactionsCleared): Promise<void>;
  /**
   * Looks up the papers a person's message links to (the archive, then Hugging Face, then arXiv), each paper
   * once, in the order linked. When the message is posted (not a preview) and links to exactly one paper,
   * records it as that person's share: reactions on it then count as votes for the paper. A message linking
   * several papers is recorded for none, since a reaction on it could not say which it is for. Lookups
   * that fail leave their link out (logged); rejects, after logging, only when the share could not be
   * recorded, so that a platform which redelivers events (Slack) can ask for it again. Idempotent.
   */
  onLinks(event: LinksPosted): Promise<LinkedPaper[]>;
  /**
   * Counts a reply in the thread under a message that shows a paper, or forgets a deleted one (or a deleted
   * thread's every reply); replies under other messages are ignored. Rejects, after logging, when it could not be written. Idempotent.
   */
  onThreadReply(event: ThreadReplyEvent): Promise<void>;
  /**
   * Values to offer for an option as it is typed (Discord's autocomplete). Never rejects (a failure is
   * logged and answered with none), returns at most 25, best first, and is quick: it reads only the
   * archive, since the platform drops an answer after a few seconds. None for an option without
   * suggestions or a subcommand that does not exist.
   */
  onSuggest(query: SuggestQuery): Promise<Suggestion[]>;
}

/** Makes a post safe to repeat. */
export interface PostOptions {
  /**
   * Posting twice with the same key creates one message: the second call returns the first message's ref.
   * Within one call always (a retried request never doubles a message); across calls and processes within
   * the platform's deduplication window (Discord: a few minutes; Slack has none), and beyond it on a
   * platform that can look messages up (Slack) when `since` is given. A caller that must never post twice
   * across calls keeps its own record (the delivery ledger, or the roundup's items). At most 25 characters
   * of `A-Z a-z 0-9 _ -` (Discord's limit for a nonce); see {@link newPostKey}.
   */
  idempotencyKey?: string;
  /**
   * A post with this key may already have been made, by a process that died before learning its outcome,
   * no earlier than this time (ISO, from the store's clock; platforms allow for clocks that disagree by a
   * few minutes). The platform looks for that message before posting. Absent: the key has not been used.
   */
  since?: string;
  /**
   * Once aborted, the platform makes no further attempt at this post (a retry after a 429 or a 5xx) and
   * rejects; a request already sent may still land. A roundup run aborts when it loses its lease.
   */
  signal?: AbortSignal;
}

/** A fresh idempotency key for one post: 22 random characters, well within every platform's limit. */
export function newPostKey(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/** A chat platform the bot lives on. start() connects; inbound events arrive through the handlers. */
export interface ChatPlatform {
  readonly name: PlatformName;
  /**
   * False while this instance may not use the platform (another instance holds its connection, see
   * LeasedPlatform); absent means always usable.
   */
  readonly active?: boolean;
  /**
   * Who may change a channel's settings here, in words that complete "Only … can change this channel's
   * roundup" (e.g. "people with the Manage Channels permission"). Each invocation carries whether its
   * person qualifies (`canManageChannel`); absent: "the people who manage this channel".
   */
  readonly channelManagers?: string;
  /**
   * For a platform that talks through this process's terminal: settles when the person ends the session.
   * Server platforms leave it absent: they run until stopped.
   */
  readonly closed?: Promise<void>;
  /** Connects and starts delivering events. Rejects with a clear error when credentials are refused. */
  start(handlers: InboundHandlers): Promise<void>;
  /** Disconnects, and gives up whatever it still holds; idempotent. */
  stop(): Promise<void>;
  /**
   * Disconnects but finishes what it already received: events held for the archive go on being tried
   * (stop() ends them too). For a connection handed to another instance (LeasedPlatform). Resolves
   * whether stop() still has something to end (its own queue of held events); false when the events are
   * in a queue the application owns. Absent: stop().
   */
  disconnect?(): Promise<boolean>;
  /**
   * Posts a reply in a channel for everyone, waiting out rate limits (429 Retry-After) rather than failing.
   * Returns the platform-qualified ref of the message it created, or, for a repeated idempotency key, of
   * the message the key created before (see {@link PostOptions}).
   */
  post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef>;
  /** Adds the bot's own reaction to a message (seed upvote emoji); best effort. */
  react(message: MessageRef, emoji: string): Promise<void>;
  /**
   * Sends a reply to one person as a direct message, with the same rate-limit waiting and idempotency as
   * {@link post} (a repeated key returns the first message). Resolves `unreachable` when the platform says
   * this person cannot be sent one (blocked the bot, left the workspace, DMs closed): nothing was sent and
   * trying again will not help. Other failures reject. Absent: the platform cannot send direct messages.
   */
  postDirect?(user: UserRef, reply: Reply, options?: PostOptions): Promise<DirectOutcome>;
  /**
   * Of `channels` (refs of this platform), those `user`, writing in `from`, can see, in the order given:
   * on Slack the conversations they are a member of, on Discord the channels of `from`'s server they may
   * view. Never a direct message other than `from` itself: what was done in a DM stays in it. Rejects
   * when the platform cannot be asked just now. Absent: the platform cannot tell who sees what.
   */
  visibleChannels?(user: UserRef, from: ChannelRef, channels: readonly ChannelRef[]): Promise<ChannelRef[]>;
}

/** What became of a direct message: sent (the message and the DM channel it is in), or not sendable. */
export type DirectOutcome =
  | { sent: true; message: MessageRef; channel: ChannelRef }
  | { sent: false; unreachable: string };
