import { createHash, randomUUID } from 'node:crypto';
import { COMMANDS } from '../../commands/index.ts';
import { lookUpPaper } from '../../commands/lookup.ts';
import { type ParsedCommand, parseCommandText, resolveOptions } from '../../commands/parse.ts';
import { MAX_SUGGESTIONS } from '../../commands/suggestions.ts';
import type { CommandContext, CommandDefinition, SuggestContext } from '../../commands/types.ts';
import type { ArxivClient } from '../feed/arxiv-client.ts';
import type { HfClient } from '../feed/hf-client.ts';
import { type Logger, silentLogger } from '../log.ts';
import { latexToText } from '../papers/latex-text.ts';
import { normalizeArxivId } from '../papers/paper.ts';
import { MAX_LINKS_PER_MESSAGE, paperIdOfLink } from '../papers/paper-links.ts';
import { teamLinesFor } from '../papers/team-line.ts';
import { type PaperStore, type PostKind, StoreUnavailableError, type UserRef } from '../store/port.ts';
import { displayText } from './display-text.ts';
import { DEFAULT_READING_LIST_EMOJI, KEYCAPS, MAX_EMOJI_NAME_LENGTH, normalizeEmoji } from './emoji.ts';
import type { HeldJournal } from './held-journal.ts';
import {
  type ChatPlatform,
  type CommandInvocation,
  type InboundHandlers,
  type LinkedPaper,
  type LinksPosted,
  newPostKey,
  type PaperItem,
  type ReactionEvent,
  type ReactionsCleared,
  type Reply,
  replyItems,
  type ShareAction,
  type Suggestion,
  type SuggestQuery,
  type ThreadReplyEvent,
} from './platform.ts';
import type { RetryTimers } from './retry-later.ts';
import { type RecentShare, ShareGate } from './share-gate.ts';
import { UnrecordedPosts } from './unrecorded-posts.ts';

/** What the bot runs on. Everything is injected so tests pass a real store and clients aimed at fakes. */
export interface BotDeps {
  store: PaperStore;
  hf: HfClient;
  arxiv: ArxivClient;
  /** Emoji that count as an upvote, in any form {@link normalizeEmoji} accepts. The first is seeded. */
  upvoteEmoji: readonly string[];
  /** The emoji that puts a paper on the channel's reading list (never a vote); default 📌. */
  readingListEmoji?: string;
  logger?: Logger;
  now?: () => Date;
  /** The subcommands; default {@link COMMANDS}. */
  commands?: readonly CommandDefinition[];
  /** Time and zone a channel's roundup starts with, and configured channels; default 09:00 UTC, none. */
  roundupDefaults?: { time: string; timezone: string; channels: readonly string[] };
  /** Searches with few good matches also ask Hugging Face (`SEARCH_REMOTE`); default off. */
  remoteSearch?: boolean;
  /** Watches one person may have; default that of commands/watch.ts. */
  watchLimit?: number;
  /** The timers posts the archive could not record are tried again on; the process's when absent. */
  retryTimers?: RetryTimers;
  /**
   * Where shares the archive could not record yet are written down, so that a process stopped before it
   * came back leaves them to the next (held-journal.ts). Without one, a restart loses them, as logged.
   */
  heldJournal?: HeldJournal | undefined;
}

/** Whether the person may change the channel's settings, asking the platform only now if it must be asked. */
async function canManage(invocation: CommandInvocation): Promise<boolean> {
  const { canManageChannel } = invocation;
  return typeof canManageChannel === 'boolean' ? canManageChannel : await canManageChannel();
}

/** How long a claim to tell someone about their 📌 on a digest holds, and how long it is remembered once told. */
const DIGEST_PIN_HOLD_MS = 60_000;
const DIGEST_PIN_KEEP_MS = 30 * 24 * 3600_000;

/**
 * A failed post's error saying the channel is closed to the bot: Slack's `not_in_channel`,
 * `channel_not_found`, `restricted_action`, `missing_scope`; Discord's Missing Access (50001), Missing
 * Permissions (50013), Unknown Channel (10003); a channel the adapter cannot send to.
 */
const NOT_A_MEMBER =
  /not_in_channel|channel_not_found|restricted_action|missing_scope|unknown channel|not a channel the bot can post in/i;
/** Discord's Missing Access (50001) and Missing Permissions (50013): Discord has roles, not membership. */
const NO_PERMISSION = /missing access|missing permissions/i;
/** Slack's `is_archived`: no post goes into an archived channel, member or not. */
const ARCHIVED = /is_archived/i;
/**
 * The bot's own credentials refused (Slack's `token_revoked`, `invalid_auth`, `account_inactive`,
 * `not_authed`, `token_expired`; Discord's 401): no wait and no invitation helps, an admin must reconnect it.
 */
const REVOKED =
  /token_revoked|invalid_auth|account_inactive|not_authed|token_expired|401: unauthorized|an invalid token was provided/i;

/** Why a post failed, and what the person can do about it. */
function postFailure(why: string): string {
  if (REVOKED.test(why))
    return `I could not post (${why}): the bot's access to this workspace was revoked or has expired. An admin needs to reinstall or reconnect the app; trying again will not help.`;
  if (ARCHIVED.test(why)) return `I could not post in this channel (${why}): it is archived.`;
  if (NO_PERMISSION.test(why))
    return `I could not post in this channel (${why}). The bot needs View Channel, Send Messages and Embed Links here.`;
  // Membership is the question only when the platform said the channel is closed to the bot; a 5xx or
  // a rate limit past the client's retries is the platform's trouble, and waiting is the answer.
  return `I could not post in this channel (${why}). ${NOT_A_MEMBER.test(why) ? 'Is the bot a member of it?' : 'Try again in a minute.'}`;
}

function ephemeral(text: string): Reply {
  return { visibility: 'ephemeral', text };
}

/** A title for a confirmation: one paper's title in quotes, or a count. */
function describe(items: readonly PaperItem[]): string {
  const [only] = items;
  return items.length === 1 && only ? `“${latexToText(only.paper.title)}”` : `${items.length} papers`;
}

/**
 * The answer to a share of a paper shared in the same channel moments before (share-gate.ts): where the
 * votes go, and where a note belongs, since it is not posted.
 */
function alreadyShared(recent: RecentShare, user: UserRef, item: PaperItem, where: string): Reply {
  const who = recent.act.user === user ? 'You' : 'A teammate';
  const note = item.note ? ', and add your note as a reply in its thread' : '';
  return ephemeral(
    `${who} shared ${describe([item])} ${where} ${recent.ago}, so it is not posted again: react on that post to vote${note}.`,
  );
}

/**
 * The use cases behind every platform: runs commands, posts what should be public, and turns reactions
 * into votes. It knows platforms only through the {@link ChatPlatform} port. No command handler ever
 * rejects: failures are logged and answered with a sentence for the person. A reaction that could not be
 * recorded rejects after logging, so the platform can have it redelivered.
 */
export class Bot {
  readonly #deps: BotDeps;
  readonly #commands: readonly CommandDefinition[];
  readonly #upvotes: ReadonlySet<string>;
  /** This process, as the holder of its claims in the delivery ledger. */
  readonly #holder = randomUUID();
  readonly #pin: string;
  readonly #logger: Logger;
  readonly #now: () => Date;
  /** Messages showing a paper that the archive has not recorded yet (unrecorded-posts.ts). */
  readonly #unrecorded: UnrecordedPosts;
  /** One post of a paper per channel for shares moments apart (share-gate.ts). */
  readonly #shares: ShareGate;

  constructor(deps: BotDeps) {
    this.#deps = deps;
    this.#commands = deps.commands ?? COMMANDS;
    this.#upvotes = new Set(deps.upvoteEmoji.map(normalizeEmoji));
    this.#pin = normalizeEmoji(deps.readingListEmoji ?? DEFAULT_READING_LIST_EMOJI);
    this.#logger = deps.logger ?? silentLogger;
    this.#now = deps.now ?? (() => new Date());
    this.#unrecorded = new UnrecordedPosts({
      logger: this.#logger,
      timers: deps.retryTimers,
      journal: deps.heldJournal,
      record: (post) => deps.store.recordPost(post),
    });
    this.#shares = new ShareGate(deps.store, this.#now, this.#logger);
  }

  /**
   * The process is stopping: posts still waiting to be recorded are written down for the next start (with
   * a journal) or given up, each logged; resolves once they are.
   */
  stop(): Promise<void> {
    return this.#unrecorded.stop();
  }

  /** The handlers a platform calls with its events; posts go back out through that same platform. */
  handlersFor(platform: ChatPlatform): InboundHandlers {
    return {
      onCommand: (invocation) => this.#onCommand(platform, invocation),
      onShare: (action) => this.#onShare(platform, action),
      onReaction: (event) => this.#onReaction(platform, event),
      onReactionsCleared: (clear) => this.#onReactionsCleared(clear),
      onSuggest: (query) => this.#onSuggest(platform, query),
      onLinks: (event) => this.#onLinks(event),
      onThreadReply: (event) => this.#onThreadReply(event),
    };
  }

  /**
   * The command and its arguments. Typed text is cleaned of control and bidi formatting characters first
   * ({@link displayText}): nothing a person means to type, and a NUL would make PostgreSQL refuse a query.
   */
  #resolve(invocation: CommandInvocation): ParsedCommand {
    const { input } = invocation;
    if (input.kind === 'text') return parseCommandText(displayText(input.text), this.#commands);
    const options = Object.fromEntries(
      Object.entries(input.options).map(([k, v]) => [k, typeof v === 'string' ? displayText(v) : v]),
    );
    return resolveOptions(input.subcommand, options, this.#commands);
  }

  async #onCommand(platform: ChatPlatform, invocation: CommandInvocation): Promise<Reply> {
    const parsed = this.#resolve(invocation);
    if ('error' in parsed) return ephemeral(parsed.error);
    const { command, args } = parsed;
    if (command.needs?.(args).includes('manage-channel')) {
      let may: boolean;
      try {
        may = await canManage(invocation);
      } catch (error) {
        // The platform could not say who may (a failed lookup): that, not "only admins", is the answer.
        this.#logger.warn(
          { err: error, command: command.name },
          'could not check who may manage the channel',
        );
        const why = error instanceof Error ? error.message : String(error);
        return ephemeral(
          `I could not check whether you may change this channel's ${command.name}: ${why}. Try again in a minute.`,
        );
      }
      if (!may) {
        const who = platform.channelManagers ?? 'the people who manage this channel';
        return ephemeral(`Only ${who} can change this channel's ${command.name}.`);
      }
    }
    const ctx: CommandContext = {
      store: this.#deps.store,
      hf: this.#deps.hf,
      arxiv: this.#deps.arxiv,
      logger: this.#logger.child({ command: command.name, platform: invocation.platform }),
      now: this.#now,
      platform: invocation.platform,
      channel: invocation.channel,
      user: invocation.user,
      userName: invocation.userName,
      roundupDefaults: this.#deps.roundupDefaults ?? { time: '09:00', timezone: 'UTC', channels: [] },
      remoteSearch: this.#deps.remoteSearch ?? false,
      ...(this.#deps.watchLimit === undefined ? {} : { watchLimit: this.#deps.watchLimit }),
      readingListEmoji: this.#pin,
      ...(platform.visibleChannels
        ? {
            visibleChannels: (channels: readonly string[]) =>
              platform.visibleChannels?.(invocation.user, invocation.channel, channels) ??
              Promise.resolve([]),
          }
        : {}),
    };
    let reply: Reply;
    try {
      reply = await command.run(ctx, args);
    } catch (error) {
      this.#logger.error(
        { err: error, command: command.name, channel: invocation.channel, user: invocation.user },
        'command failed',
      );
      // Both stores report "locked, unreachable or restarting" as one error: the person can wait it out.
      return ephemeral(
        error instanceof StoreUnavailableError
          ? `The paper archive is busy or unreachable right now, so /papers ${command.name} could not run. Try again in a minute.`
          : `Something went wrong while running /papers ${command.name}. It has been logged; try again in a moment.`,
      );
    }
    reply = await this.#withTeamLines(reply, invocation.channel);
    if (reply.visibility !== 'channel' || !reply.papers?.length) return reply;
    const publish = () => this.#publish(platform, invocation.channel, reply, 'share', invocation.user);
    const [only] = reply.papers;
    if (reply.papers.length !== 1 || !only) return publish();
    return this.#shares.once(invocation.channel, only.paper.id, publish, (recent) =>
      alreadyShared(recent, invocation.user, only, 'here'),
    );
  }

  async #onShare(platform: ChatPlatform, action: ShareAction): Promise<Reply> {
    try {
      // A result from Hugging Face's search is not in the archive yet: sharing it fetches and archives it,
      // as /papers share does, so its votes have a paper to count on.
      let paper = await this.#deps.store.getPaper(action.paperId);
      if (!paper) {
        const id = normalizeArxivId(action.paperId);
        if (!id) return ephemeral('That paper is no longer in the archive, so it cannot be shared.');
        const { store, hf, arxiv } = this.#deps;
        const found = await lookUpPaper({ store, hf, arxiv, logger: this.#logger }, id);
        if ('error' in found) return ephemeral(found.error);
        paper = found.paper;
      }
      const channel = await this.#shareTarget(action);
      if (!channel) return ephemeral('Share it from a channel: search for it there with /papers.');
      const reply = await this.#withTeamLines(
        { visibility: 'channel', papers: [{ paper, sharedBy: action.user, sharedByName: action.userName }] },
        channel,
      );
      // Pressed in a watch DM, it went to the watch's channel: the confirmation must not say "this channel".
      const where = channel === action.channel ? 'in this channel' : 'in the channel of your latest watch';
      return await this.#shares.once(
        channel,
        paper.id,
        () => this.#publish(platform, channel, reply, 'search-share', action.user, where),
        (recent) =>
          alreadyShared(
            recent,
            action.user,
            { paper },
            channel === action.channel ? 'here' : 'in that channel',
          ),
      );
    } catch (error) {
      this.#logger.error({ err: error, paperId: action.paperId, channel: action.channel }, 'share failed');
      // As a command says it: the person can wait an unavailable archive out.
      return ephemeral(
        error instanceof StoreUnavailableError
          ? 'The paper archive is busy or unreachable right now, so the paper could not be shared. Try again in a minute.'
          : 'Something went wrong while sharing that paper. It has been logged; try again.',
      );
    }
  }

  /**
   * Where a Share button posts: the channel it was pressed in, except in the person's DM of watch matches,
   * where it posts in the channel they set up their latest watch in (a DM has no audience to share with).
   * Null when pressed in that DM with no watch left.
   */
  async #shareTarget(action: ShareAction): Promise<string | null> {
    const watcher = await this.#deps.store.getWatcher(action.user);
    if (!watcher?.dmChannel || watcher.dmChannel !== action.channel) return action.channel;
    const watches = await this.#deps.store.listWatches(action.user);
    return watches.at(-1)?.channel ?? null;
  }

  /**
   * The reply with each paper's team line as people in `channel` may see it. The line is a courtesy: when
   * the archive cannot give it, the reply goes without (logged).
   */
  async #withTeamLines(reply: Reply, channel: string): Promise<Reply> {
    // Papers of the reply's sections too (`list all`'s channels, a search's remote hits): a paper shows what
    // the team did with it wherever it appears.
    const ids = replyItems(reply).map((p) => p.paper.id);
    if (ids.length === 0) return reply;
    try {
      const lines = await teamLinesFor(this.#deps.store, [...new Set(ids)], channel, this.#now());
      const withLine = (p: PaperItem): PaperItem => ({ ...p, team: lines.get(p.paper.id) ?? p.team });
      return {
        ...reply,
        ...(reply.papers ? { papers: reply.papers.map(withLine) } : {}),
        ...(reply.sections
          ? { sections: reply.sections.map((s) => ({ ...s, papers: s.papers.map(withLine) })) }
          : {}),
      };
    } catch (error) {
      this.#logger.warn({ err: error, channel }, 'team lines could not be read; shown without');
      return reply;
    }
  }

  /** Asks the typed option of the named subcommand for suggestions; see InboundHandlers.onSuggest. */
  async #onSuggest(platform: ChatPlatform, query: SuggestQuery): Promise<Suggestion[]> {
    const command = this.#commands.find((c) => c.name === query.subcommand.trim().toLowerCase());
    const option = command?.options.find((o) => o.name === query.option);
    if (!command || !option?.suggest) return [];
    const ctx: SuggestContext = {
      store: this.#deps.store,
      logger: this.#logger.child({ command: command.name, option: option.name, platform: platform.name }),
      now: this.#now,
      platform: platform.name,
      channel: query.channel,
      user: query.user,
    };
    try {
      return (await option.suggest(ctx, query.value)).slice(0, MAX_SUGGESTIONS);
    } catch (error) {
      // No suggestions still leaves the person free to type the value in full.
      this.#logger.warn(
        { err: error, command: command.name, option: option.name, channel: query.channel },
        'suggestions failed',
      );
      return [];
    }
  }

  /**
   * Posts a public reply, records the message against its paper (so reactions on it become votes), seeds
   * the first upvote emoji, and returns the invoker's confirmation. A reply showing several papers is
   * recorded without a paper: a reaction on it could not say which one it is for.
   */
  async #publish(
    platform: ChatPlatform,
    channel: string,
    reply: Reply,
    kind: PostKind,
    postedBy: UserRef,
    where = 'in this channel',
  ): Promise<Reply> {
    const items = reply.papers ?? [];
    let message: string;
    try {
      // A key of its own: a request the platform client retries (a timeout, a 5xx after the message was
      // made) then returns the one message rather than sharing the paper twice.
      message = await platform.post(channel, reply, { idempotencyKey: newPostKey() });
    } catch (error) {
      this.#logger.error({ err: error, channel, platform: platform.name }, 'post failed');
      return ephemeral(postFailure(error instanceof Error ? error.message : String(error)));
    }
    const [only] = items;
    const post = {
      message,
      channel,
      paperId: items.length === 1 && only ? only.paper.id : null,
      kind,
      postedBy,
      postedAt: this.#now().toISOString(),
    };
    let note = '';
    try {
      await this.#deps.store.recordPost(post);
    } catch (error) {
      // The message is out: the person hears it was shared, and what that means for its votes.
      if (error instanceof StoreUnavailableError) {
        this.#logger.warn({ err: error, message }, 'recording a post failed; trying again');
        this.#unrecorded.recordLater(post, error);
        note = ' The archive is busy just now: reactions on it count once it is back.';
      } else {
        this.#logger.error({ err: error, message }, 'recording a post failed; its reactions will not count');
        note = ' Recording it failed, so reactions on it will not count as votes.';
      }
    }
    const seed = this.#deps.upvoteEmoji[0];
    if (seed !== undefined && items.length === 1) {
      platform.react(message, seed).catch((error: unknown) => {
        this.#logger.warn({ err: error, message }, 'seeding the upvote reaction failed');
      });
    }
    return ephemeral(`Shared ${describe(items)} ${where}.${note}`);
  }

  /**
   * A person's links, recorded as their share when they show one paper. When the archive refuses them the
   * platform sends them again (Slack) or holds them (Discord); until then, or for ten minutes (Slack's last
   * retry comes after five), a vote on that message fails as the archive did, so it too is sent again
   * rather than finding no post and being dropped.
   */
  async #onLinks(event: LinksPosted): Promise<LinkedPaper[]> {
    const { message } = event;
    try {
      const found = await this.#recordLinks(event);
      if (message !== null) this.#unrecorded.linksHandled(message);
      return found;
    } catch (error) {
      if (message !== null && error instanceof StoreUnavailableError)
        this.#unrecorded.linksRefused(message, error);
      throw error;
    }
  }

  async #recordLinks(event: LinksPosted): Promise<LinkedPaper[]> {
    const ids = new Map<string, string>();
    for (const url of event.urls.slice(0, MAX_LINKS_PER_MESSAGE)) {
      const id = paperIdOfLink(url);
      if (id !== null && ![...ids.values()].includes(id)) ids.set(url, id);
    }
    const logger = this.#logger.child({ platform: event.platform, channel: event.channel });
    const found: LinkedPaper[] = [];
    for (const [url, id] of ids) {
      // The same lookup as share: a link to a paper the archive lacks brings it in, so it can be voted on.
      const lookup = await lookUpPaper({ ...this.#deps, logger }, id).catch((error: unknown) => {
        // The archive could not be read or written (the services' failures are answers, not throws): the
        // link is not skipped but the whole message fails, so Slack sends it again and Discord holds it.
        if (error instanceof StoreUnavailableError) {
          logger.error({ err: error, id }, 'looking up a linked paper failed: the archive is unavailable');
          throw error;
        }
        logger.warn({ err: error, id }, 'looking up a linked paper failed');
        return { error: 'failed' };
      });
      if ('paper' in lookup) found.push({ url, paper: lookup.paper });
      else logger.info({ id, reason: lookup.error }, 'a linked paper could not be found');
    }
    const distinct = new Set(found.map((f) => f.paper.id));
    const [only] = found;
    if (event.message === null || distinct.size !== 1 || !only)
      return this.#linkedWithTeam(found, event.channel);
    try {
      await this.#deps.store.recordPost({
        message: event.message,
        channel: event.channel,
        paperId: only.paper.id,
        kind: 'link',
        postedBy: event.user,
        postedAt: event.at,
      });
      logger.info(
        { message: event.message, paperId: only.paper.id, user: event.user },
        'link recorded as a share',
      );
    } catch (error) {
      logger.error({ err: error, message: event.message }, 'recording a linked paper failed');
      throw error;
    }
    return this.#linkedWithTeam(found, event.channel);
  }

  async #linkedWithTeam(found: LinkedPaper[], channel: string): Promise<LinkedPaper[]> {
    const reply = await this.#withTeamLines({ visibility: 'channel', papers: found }, channel);
    return found.map((f, i) => ({ ...f, team: reply.papers?.[i]?.team }));
  }

  async #onThreadReply(event: ThreadReplyEvent): Promise<void> {
    try {
      if (!event.added) {
        if (event.message === null) await this.#deps.store.removeThread(event.thread, event.at);
        else await this.#deps.store.removeReply(event.message, event.at);
        return;
      }
      const { message, thread, user, at } = event;
      if (user === null || message === null) return;
      const replies = await this.#deps.store.recordReply({ message, thread, user, at });
      if (replies !== null) this.#logger.info({ thread, replies }, 'thread reply counted');
    } catch (error) {
      this.#logger.error({ err: error, message: event.message }, 'recording a thread reply failed');
      throw error;
    }
  }

  async #onReactionsCleared(clear: ReactionsCleared): Promise<void> {
    const emoji = clear.emoji?.trim() ?? null;
    // Nothing longer was ever stored (see #onReaction).
    if (emoji !== null && emoji.length > MAX_EMOJI_NAME_LENGTH) return;
    // A digest's votes are recorded per place (`<message>#<n>`), so its places are cleared with it.
    const messages = [clear.message, ...KEYCAPS.map((_, i) => `${clear.message}#${i + 1}`)];
    try {
      const removed = await this.#deps.store.clearReactions(messages, emoji, clear.at);
      if (removed > 0) this.#logger.info({ message: clear.message, emoji, removed }, 'reactions cleared');
      if (emoji === null || normalizeEmoji(emoji) === this.#pin) {
        const unpinned = await this.#deps.store.clearPins([clear.message]);
        if (unpinned > 0)
          this.#logger.info({ message: clear.message, unpinned }, 'reading-list pins cleared');
      }
    } catch (error) {
      this.#logger.error({ err: error, message: clear.message }, 'clearing reactions failed');
      throw error;
    }
  }

  /**
   * A 📌 added to or removed from a message showing one paper: that person's pin of the paper on the
   * reading list of the message's channel. The paper leaves the list when its last pin goes.
   */
  async #onPin(platform: ChatPlatform, event: ReactionEvent): Promise<void> {
    const post = await this.#deps.store.getPost(event.message);
    if (!post?.paperId) {
      if (event.added && post?.kind === 'roundup-header') await this.#pinOnDigest(platform, event);
      else
        this.#logger.debug({ message: event.message }, 'pin on a message that shows no one paper; ignored');
      return;
    }
    const pin = { channel: post.channel, paperId: post.paperId, user: event.user, via: event.message };
    if (event.added) {
      const outcome = await this.#deps.store.addPin({ ...pin, at: event.at });
      this.#logger.info({ ...pin, outcome }, 'paper pinned to the reading list');
    } else {
      const listed = await this.#deps.store.removePin(pin);
      this.#logger.info({ ...pin, listed }, 'reading-list pin removed');
    }
  }

  /**
   * A 📌 on a roundup's header message: when it is a digest (its papers recorded at places `<message>#<n>`),
   * one reaction on a message of several papers cannot say which is meant, so none is pinned, and the
   * person is told so by direct message, with the `/papers save` line of each place (once per person and
   * digest: the delivery ledger remembers it). A watch DM records its places alike but has no header
   * record, so a 📌 there stays ignored, as on any message that shows no one paper. A DM that cannot be
   * sent is logged; only the ledger being unavailable fails the reaction (the platform may redeliver it).
   */
  async #pinOnDigest(platform: ChatPlatform, event: ReactionEvent): Promise<void> {
    const { store } = this.#deps;
    const places = await Promise.all(KEYCAPS.map((_, i) => store.getPost(`${event.message}#${i + 1}`)));
    const held = places.flatMap((p, i) => (p?.paperId ? [{ place: i + 1, id: p.paperId }] : []));
    if (held.length === 0) {
      this.#logger.debug({ message: event.message }, 'pin on a roundup header of no digest; ignored');
      return;
    }
    if (!platform.postDirect) {
      this.#logger.info({ message: event.message }, 'pin on a digest; this platform cannot say why by DM');
      return;
    }
    const told = `digest-pin:${event.message}:${event.user}`;
    const holder = this.#holder;
    // Claimed before the papers are read: a 📌 taken off and put back reads nothing once told.
    if ((await store.claimDelivery(platform.name, told, holder, DIGEST_PIN_HOLD_MS)) !== 'claimed') return;
    const key = createHash('sha256').update(told).digest('base64url').slice(0, 22);
    let sent: boolean;
    try {
      const lines = await Promise.all(
        held.map(async ({ place, id }) => {
          const paper = await store.getPaper(id);
          return `${place}. /papers save ${id}${paper ? `  (${latexToText(paper.title)})` : ''}`;
        }),
      );
      const reply: Reply = {
        visibility: 'channel',
        title: 'Which paper did you mean to pin?',
        text: [
          "A 📌 on a roundup digest cannot say which of its papers you mean, so none was added to the channel's reading list.",
          'To add one, type its line in the channel of the digest:',
          ...lines,
        ].join('\n'),
      };
      sent = (await platform.postDirect(event.user, reply, { idempotencyKey: key })).sent;
    } catch (error) {
      // Nothing was to be stored, so the reaction does not fail: logged, and the next 📌 may try again.
      this.#logger.warn({ err: error, message: event.message }, 'pin on a digest: the DM failed');
      await store.releaseDelivery(platform.name, told, holder).catch(() => {});
      return;
    }
    // Sent: not released. Should recording it fail, the claim runs out in a minute and a later 📌 may send it again.
    await store.finishDelivery(platform.name, told, holder, DIGEST_PIN_KEEP_MS).catch((error: unknown) => {
      this.#logger.warn({ err: error, message: event.message }, 'pin on a digest: told, not recorded');
    });
    this.#logger.info(
      { message: event.message, user: event.user, sent },
      sent ? 'pin on a digest: told the person how to save one paper' : 'pin on a digest: no DM possible',
    );
  }

  async #onReaction(platform: ChatPlatform, event: ReactionEvent): Promise<void> {
    try {
      if (event.byBot) return;
      // A post still waiting to be recorded shows its paper: the vote waits for it too.
      const unrecorded = this.#unrecorded.waitingFor(event.message);
      if (unrecorded) throw unrecorded;
      // Adapters validate their events; this keeps the stored row bounded whichever platform forgot to.
      if (event.emoji.length > MAX_EMOJI_NAME_LENGTH) {
        this.#logger.warn(
          { message: event.message, length: event.emoji.length },
          'emoji name too long; ignored',
        );
        return;
      }
      const emoji = normalizeEmoji(event.emoji);
      // The reading-list emoji saves the paper for the channel; it is never a vote.
      if (emoji === this.#pin) return await this.#onPin(platform, event);
      // On a digest roundup, keycap n votes for the paper at place n (recorded as `<message>#<n>`).
      const place = KEYCAPS.indexOf(emoji as (typeof KEYCAPS)[number]);
      if (place < 0 && !this.#upvotes.has(emoji)) return;
      const message = place < 0 ? event.message : `${event.message}#${place + 1}`;
      // The reaction row keeps the platform's own emoji (👍 and 👍🏽 are two reactions on Discord): removing
      // one of them must not drop the vote while the other is still there.
      const change = { message, user: event.user, emoji: event.emoji.trim(), at: event.at };
      const votes = event.added
        ? await this.#deps.store.addReaction(change)
        : await this.#deps.store.removeReaction(change);
      if (votes === null) {
        this.#logger.debug({ message }, 'reaction on a message that shows no paper; ignored');
        return;
      }
      this.#logger.info(
        { message: event.message, user: event.user, emoji, added: event.added, votes },
        event.added ? 'upvote added' : 'upvote removed',
      );
    } catch (error) {
      this.#logger.error({ err: error, message: event.message }, 'recording a reaction failed');
      // The platform may be able to have it sent again (Slack retries a failed event).
      throw error;
    }
  }
}
