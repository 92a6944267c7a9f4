import {
  Client,
  type CloseEvent,
  Events,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  type Message,
  type PartialMessage,
  Partials,
  PermissionFlagsBits,
  type RESTOptions,
  Routes,
} from 'discord.js';
import { heldQueue, heldType } from '../../src/chat/held-replay.ts';
import type {
  ChannelRef,
  ChatPlatform,
  DirectOutcome,
  InboundHandlers,
  MessageRef,
  PostOptions,
  Reply,
  UserRef,
} from '../../src/chat/platform.ts';
import type { RetryLater, RetryPolicy, RetryTimers } from '../../src/chat/retry-later.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import { reactionPathEmoji } from './emoji.ts';
import { handleInteraction } from './interactions.ts';
import { toLinksPosted, toThreadDeleted, toThreadReply, toThreadReplyDeleted } from './messages.ts';
import { discordNonce } from './nonce.ts';
import { toReactionEvent, toReactionsCleared } from './reactions.ts';
import { channelRef, messageRef, parseChannelRef, parseMessageRef } from './refs.ts';
import { renderReply } from './render.ts';
import type { DiscordConfig } from './settings.ts';

/**
 * Discord error codes that mean this person cannot be sent a DM, now or on a retry: 50007 "Cannot send
 * messages to this user" (DMs closed, the bot blocked, no server shared), 10013 Unknown User.
 */
const UNREACHABLE_CODES = new Set([50007, 10013]);

export interface DiscordDeps {
  logger?: Logger;
  /** Clock for reaction timestamps. */
  now?: () => Date;
  /** Subcommands whose answer everyone in the channel sees. Default: none (all answers are private). */
  publicSubcommands?: readonly string[];
  /** How events the archive could not take are tried again (retry-later.ts); the defaults otherwise. */
  retryTimers?: RetryTimers;
  retryPolicy?: RetryPolicy;
  /**
   * The queue events wait in for the archive, the application's (held-replay.ts: written down, shared with
   * what earlier processes left, kept across reconnections); closed by its owner. Without one the platform
   * keeps its own, in memory, closed at stop: a restart then loses what it holds, as logged.
   */
  held?: RetryLater;
}

/**
 * The discord.js client paperboy needs: guild events (channels for command and reaction context) and
 * reactions. The Message, Reaction and User partials make discord.js emit reactions on messages it has
 * not cached (posted before a restart) instead of dropping them. `rest.api` also moves the gateway: the
 * client asks that API's `GET /gateway/bot` for the WebSocket URL. `rest` overrides discord.js's REST
 * options: a test against a fake API lifts the 50 requests a second discord.js keeps to for the real one.
 */
export function createDiscordClient(config: DiscordConfig, rest: Partial<RESTOptions> = {}): Client {
  return new Client({
    // GuildMessages: replies in threads (counted, never read); MessageContent: paper links in messages,
    // privileged, only when the operator enabled it for the application and in DISCORD_MESSAGE_CONTENT.
    // DirectMessageReactions and the Channel partial: votes on watch DMs (a DM channel is never cached).
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessageReactions,
      ...(config.messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
    allowedMentions: { parse: [] },
    rest: { ...(config.apiUrl ? { api: config.apiUrl } : {}), ...rest },
  });
}

/**
 * paperboy on Discord over the gateway. The constructor only stores its arguments; `start()` logs in.
 * discord.js resumes the session after a dropped connection and waits out REST 429s by itself.
 */
export class DiscordPlatform implements ChatPlatform {
  readonly name = 'discord' as const;
  readonly channelManagers = 'people with the Manage Channels permission';
  private readonly logger: Logger;
  private readonly now: () => Date;
  private started = false;
  private stopped = false;
  /**
   * Discord sends each gateway event once: a reaction, a clear, a thread reply (or its deletion) or a
   * message's paper links the archive could not take because it was locked or unreachable is tried again
   * here, in order per message, instead of being lost.
   */
  private readonly later: RetryLater;

  constructor(
    private readonly config: DiscordConfig,
    private readonly deps: DiscordDeps = {},
    private readonly client: Client = createDiscordClient(config),
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
    this.later =
      deps.held ??
      heldQueue({
        platform: 'discord',
        logger: this.logger,
        timers: deps.retryTimers,
        policy: deps.retryPolicy,
      });
  }

  /** Events (reactions, clears, thread replies, links) waiting for the archive, or behind one that is; for tests. */
  get heldEvents(): number {
    return this.later.held;
  }

  /**
   * Logs in and resolves once the client is ready (guilds received). Rejects when Discord refuses the
   * token (401 on REST, or the gateway closing with a non-resumable code such as 4004).
   */
  async start(handlers: InboundHandlers): Promise<void> {
    if (this.started) throw new Error('DiscordPlatform.start() called twice');
    this.started = true;
    const ctx = {
      handlers,
      logger: this.logger,
      publicSubcommands: new Set(this.deps.publicSubcommands ?? []),
    };
    const client = this.client;
    client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, ctx));
    client.on(Events.MessageReactionAdd, (r, u, d) => void this.reaction(handlers, r, u, true, d.burst));
    client.on(Events.MessageReactionRemove, (r, u, d) => void this.reaction(handlers, r, u, false, d.burst));
    client.on(Events.MessageReactionRemoveAll, (message) => void this.cleared(handlers, message, null));
    client.on(Events.MessageReactionRemoveEmoji, (r) => void this.cleared(handlers, r.message, r.emoji));
    // discord.js drops a reaction event in a channel it has not cached, Channel partial or not: the event
    // carries too little to make one. That is every watch DM after a restart (a DM channel is cached only
    // once this process has sent to it). Such events are read from the gateway's payload instead; this runs
    // before discord.js handles the event, so each event is handled once, here or there.
    const uncached = (d: RawReaction) => !client.channels.cache.has(String(d?.channel_id));
    client.ws.on(GatewayDispatchEvents.MessageReactionAdd, (d: RawReaction) => {
      if (uncached(d))
        void this.reaction(handlers, rawReaction(d), { id: String(d?.user_id) }, true, d?.burst === true);
    });
    client.ws.on(GatewayDispatchEvents.MessageReactionRemove, (d: RawReaction) => {
      if (uncached(d))
        void this.reaction(handlers, rawReaction(d), { id: String(d?.user_id) }, false, d?.burst === true);
    });
    client.ws.on(GatewayDispatchEvents.MessageReactionRemoveAll, (d: RawReaction) => {
      if (uncached(d)) void this.cleared(handlers, rawReaction(d).message, null);
    });
    client.ws.on(GatewayDispatchEvents.MessageReactionRemoveEmoji, (d: RawReaction) => {
      if (uncached(d)) void this.cleared(handlers, rawReaction(d).message, rawReaction(d).emoji);
    });
    client.ws.on(GatewayDispatchEvents.ThreadDelete, (d: unknown) => void this.threadDeleted(handlers, d));
    client.on(Events.MessageCreate, (message) => void this.message(handlers, message));
    client.on(Events.MessageDelete, (message) => void this.deleted(handlers, message));
    // A moderator's purge deletes in bulk, one event for many messages: each reply stops counting too.
    client.on(Events.MessageBulkDelete, (messages) => {
      for (const message of messages.values()) void this.deleted(handlers, message);
    });
    // Without an 'error' listener an EventEmitter error would crash the process.
    client.on(Events.Error, (error) => this.logger.error({ err: error }, 'Discord client error'));
    client.on(Events.ShardError, (error) => this.logger.warn({ err: error }, 'Discord gateway error'));
    client.on(Events.ShardReconnecting, () => this.logger.info('Discord gateway reconnecting'));
    // discord.js gives up for good on a close it cannot resume or reconnect from (the token reset, an
    // intent no longer allowed): the process stays up, but no command, vote or reply reaches it again.
    client.on(Events.ShardDisconnect, (event) => {
      if (this.stopped || !client.isReady()) return;
      this.logger.error(
        { code: event.code, reason: GatewayCloseCodes[event.code] ?? null },
        `Discord closed the gateway with code ${event.code} and will not reconnect: paperboy is offline on Discord until restarted; ${hint(event.code)}`,
      );
    });
    client.on(Events.ShardResume, (_id, replayed) =>
      this.logger.info({ replayed }, 'Discord gateway session resumed'),
    );
    await new Promise<void>((resolve, reject) => {
      const ready = () => {
        cleanup();
        resolve();
      };
      const refused = (event: CloseEvent) => {
        cleanup();
        reject(
          new Error(`Discord closed the gateway with code ${event.code}; check DISCORD_TOKEN and intents`),
        );
      };
      const cleanup = () => {
        client.off(Events.ClientReady, ready);
        client.off(Events.ShardDisconnect, refused);
      };
      client.once(Events.ClientReady, ready);
      client.once(Events.ShardDisconnect, refused);
      client.login(this.config.token).catch((error: unknown) => {
        cleanup();
        reject(new Error(`Discord login failed: ${error instanceof Error ? error.message : String(error)}`));
      });
    });
    this.logger.info({ user: client.user?.tag }, 'Discord connected');
  }

  /**
   * Closes the gateway connection, then its own queue, giving up what still waits for the archive (each
   * logged): an application's queue goes on past this platform and is closed by the application.
   * Disconnecting first means no event arrives while the queue closes, and another instance may take the
   * gateway at once. Idempotent.
   */
  async stop(): Promise<void> {
    await this.disconnect();
    if (!this.deps.held) await this.later.close();
  }

  /**
   * Closes the gateway connection; events already received and held for the archive go on being tried,
   * in its own queue until stop(), in the application's until the application stops. Idempotent.
   */
  async disconnect(): Promise<boolean> {
    if (!this.stopped && this.started) {
      this.stopped = true;
      await this.client.destroy();
    }
    return !this.deps.held;
  }

  /**
   * Sends the reply to the channel (fetched by REST when not cached). 429s are waited out by discord.js.
   * An idempotency key goes as the message's nonce with `enforce_nonce`: Discord then answers a repeat
   * within a few minutes (discord.js retrying a 5xx, or a run resumed after a crash) with the message the
   * nonce made rather than a new one. Discord keeps no nonce longer, and cannot look one up, so `since`
   * adds nothing here.
   */
  async post(channel: ChannelRef, reply: Reply, options: PostOptions = {}): Promise<MessageRef> {
    const channelId = parseChannelRef(channel);
    const target = await this.client.channels.fetch(channelId);
    if (!target?.isSendable())
      throw new Error(`Discord channel ${channelId} is not a channel the bot can post in`);
    const key = options.idempotencyKey;
    // A reply's file is for the person who asked (Reply.file), never for a channel.
    const { files: _private, ...rendered } = renderReply(reply);
    const message = await target.send({
      ...rendered,
      ...(key === undefined ? {} : { nonce: discordNonce(key), enforceNonce: true }),
    });
    return messageRef(channelId, message.id);
  }

  /**
   * A direct message: the person's DM channel (POST /users/@me/channels), then the same send as
   * {@link post}, its key as an enforced nonce. A person Discord says cannot be messaged (DMs from server
   * members closed, the bot blocked, no shared server, an unknown user) is `unreachable`.
   */
  async postDirect(user: UserRef, reply: Reply, options: PostOptions = {}): Promise<DirectOutcome> {
    const userId = /^discord:(\d+)$/.exec(user)?.[1];
    if (!userId) throw new Error(`Not a Discord user: ${user}`);
    const key = options.idempotencyKey;
    try {
      const dm = await this.client.users.createDM(userId);
      const message = await dm.send({
        ...renderReply(reply),
        ...(key === undefined ? {} : { nonce: discordNonce(key), enforceNonce: true }),
      });
      return { sent: true, message: messageRef(dm.id, message.id), channel: channelRef(dm.id) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number' && UNREACHABLE_CODES.has(code))
        return { sent: false, unreachable: `Discord error ${code}: ${(error as Error).message}` };
      throw error;
    }
  }

  /**
   * The channels of `channels` in `from`'s server that `user` may view (View Channel, with the channel's
   * permission overwrites), by the guild as the gateway keeps it. A channel of another server, or a DM,
   * is never visible; from a DM (no server) only `from` itself is.
   */
  async visibleChannels(
    user: UserRef,
    from: ChannelRef,
    channels: readonly ChannelRef[],
  ): Promise<ChannelRef[]> {
    const userId = /^discord:(\d+)$/.exec(user)?.[1];
    const here = await this.client.channels.fetch(parseChannelRef(from)).catch(() => null);
    const guild = here && 'guild' in here ? here.guild : null;
    if (!userId || !guild) return channels.filter((c) => c === from);
    const member = guild.members.cache.get(userId) ?? (await guild.members.fetch(userId));
    return channels.filter((c) => {
      if (c === from) return true;
      const id = /^discord:(\d+)$/.exec(c)?.[1];
      const channel = id ? guild.channels.cache.get(id) : undefined;
      return channel?.permissionsFor(member).has(PermissionFlagsBits.ViewChannel) ?? false;
    });
  }

  /**
   * Adds the bot's reaction by REST without fetching the message (it may not be cached). Best effort:
   * an emoji that cannot be expressed, a ref that is not a Discord message or a refused call is logged,
   * not thrown.
   */
  async react(message: MessageRef, emoji: string): Promise<void> {
    const path = reactionPathEmoji(emoji);
    if (!path) {
      this.logger.warn({ emoji }, 'No Discord emoji for this name; reaction skipped');
      return;
    }
    try {
      const { channelId, messageId } = parseMessageRef(message);
      await this.client.rest.put(Routes.channelMessageOwnReaction(channelId, messageId, path));
    } catch (error) {
      this.logger.warn({ err: error, message, emoji }, 'Discord reaction failed');
    }
  }

  /** "Remove all reactions" (emoji null) and "remove all of one emoji": their votes go too. */
  private async cleared(
    handlers: InboundHandlers,
    message: Parameters<typeof toReactionsCleared>[0],
    emoji: Parameters<typeof toReactionsCleared>[1],
  ): Promise<void> {
    const parsed = toReactionsCleared(message, emoji, this.now());
    if (!parsed) return;
    if ('problems' in parsed) {
      this.logger.warn({ problems: parsed.problems }, 'Dropped an invalid Discord reaction removal');
      return;
    }
    // Each clear is held on its own (one record each), in order behind the message's other events.
    await Promise.all(
      parsed.clears.map((clear) =>
        this.later.submit(
          clear.message,
          'Cleared Discord reactions',
          () => handlers.onReactionsCleared(clear),
          { type: heldType('discord', 'cleared'), data: clear },
        ),
      ),
    );
  }

  /** A new message: a reply in a paper's thread is counted; paper links (with Message Content) recorded. */
  private async message(handlers: InboundHandlers, message: Message): Promise<void> {
    const reply = toThreadReply(message, this.now());
    const links = this.config.messageContent ? toLinksPosted(message, this.now()) : null;
    // Each held like a reaction while the archive cannot take it, the reply first (both are keyed by the
    // message), and a deletion of the message waits behind them. A held link is looked up again when it is
    // tried again: the services' answers are not kept, only what the archive stored.
    await Promise.all([
      reply &&
        this.later.submit(reply.message, 'A Discord thread reply', () => handlers.onThreadReply(reply), {
          type: heldType('discord', 'thread-reply'),
          data: reply,
        }),
      links?.message &&
        this.later.submit(
          links.message,
          'A paper link on Discord',
          async () => {
            await handlers.onLinks(links);
          },
          { type: heldType('discord', 'links'), data: links },
        ),
    ]);
  }

  private async deleted(handlers: InboundHandlers, message: Message | PartialMessage): Promise<void> {
    const gone = toThreadReplyDeleted(message, this.now());
    if (!gone) return;
    await this.later.submit(
      gone.message,
      'A deleted Discord thread reply',
      () => handlers.onThreadReply(gone),
      { type: heldType('discord', 'thread-reply'), data: gone },
    );
  }

  /** A thread deleted whole: its replies stop counting, held like a reply while the archive cannot take it. */
  private async threadDeleted(handlers: InboundHandlers, data: unknown): Promise<void> {
    const gone = toThreadDeleted(data, this.now());
    if (!gone) return;
    await this.later.submit(gone.thread, 'A deleted Discord thread', () => handlers.onThreadReply(gone), {
      type: heldType('discord', 'thread-reply'),
      data: gone,
    });
  }

  private async reaction(
    handlers: InboundHandlers,
    reaction: Parameters<typeof toReactionEvent>[0],
    user: Parameters<typeof toReactionEvent>[1],
    added: boolean,
    burst: boolean,
  ): Promise<void> {
    const parsed = toReactionEvent(reaction, user, added, this.client.user?.id, this.now(), burst);
    if (!parsed) return;
    if ('problems' in parsed) {
      this.logger.warn({ problems: parsed.problems }, 'Dropped an invalid Discord reaction event');
      return;
    }
    const { event } = parsed;
    await this.later.submit(event.message, 'A Discord reaction', () => handlers.onReaction(event), {
      type: heldType('discord', 'reaction'),
      data: event,
    });
  }
}

/** A reaction event's payload as the gateway sends it (MESSAGE_REACTION_*), not yet checked. */
interface RawReaction {
  user_id?: string;
  channel_id?: string;
  message_id?: string;
  emoji?: { id?: string | null; name?: string | null; animated?: boolean };
  burst?: boolean;
}

/** A raw reaction event in the shape of discord.js's reaction, for the same validation. */
function rawReaction(d: RawReaction): Parameters<typeof toReactionEvent>[0] {
  return {
    emoji: { id: d?.emoji?.id ?? null, name: d?.emoji?.name ?? null, animated: d?.emoji?.animated ?? null },
    message: { channelId: String(d?.channel_id), id: String(d?.message_id) },
  };
}

/** What an operator can do about a gateway close Discord will not take back. */
function hint(code: number): string {
  if (code === GatewayCloseCodes.AuthenticationFailed) return 'check DISCORD_TOKEN (was the token reset?)';
  if (code === GatewayCloseCodes.DisallowedIntents)
    return 'enable Message Content Intent on the Bot page, or set DISCORD_MESSAGE_CONTENT=false';
  return 'check DISCORD_TOKEN and intents';
}

/** The Discord platform for the composition root, with a real discord.js client. */
export function createDiscordPlatform(config: DiscordConfig, deps: DiscordDeps = {}): ChatPlatform {
  return new DiscordPlatform(config, deps);
}
