import { App, HTTPReceiver, type Receiver, webApi } from '@slack/bolt';
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
import { newPostKey } from '../../src/chat/platform.ts';
import { type HttpRoutes, HttpServer } from '../../src/http/server.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import type { DeliveryLedger } from '../../src/store/port.ts';
import { boltLogger } from './bolt-logger.ts';
import { DeliveryLog } from './deliveries.ts';
import { isUnreachable, openDirectChannel, slackErrorCode } from './direct.ts';
import { slackEventsRoute } from './http-route.ts';
import { type KeyedPostContext, keyedPost } from './keyed-post.ts';
import { registerListeners } from './listeners.ts';
import { ChannelMembership } from './membership.ts';
import { UserNames } from './names.ts';
import { KeyedPacer } from './pacer.ts';
import { parseSlackMessageRef, slackMessageRef } from './reactions.ts';
import { answerForRedelivery, RedeliveryWanted } from './redelivery.ts';
import { peopleToName, renderReply } from './render.ts';
import type { SlackConfig } from './settings.ts';
import { AckAfterSocketModeReceiver } from './socket-receiver.ts';

/** Where Slack sends events, commands and interactions in HTTP mode (the manifest's request URLs). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackPlatformDeps {
  /**
   * The application's HTTP server: HTTP mode mounts {@link SLACK_EVENTS_PATH} on it. Without it, `port`
   * gives the platform a server of its own; with neither, it posts but receives nothing (a one-off CLI run).
   */
  http?: HttpRoutes;
  /** A port of its own for {@link SLACK_EVENTS_PATH} when no `http` is given; 0 picks a free one. */
  port?: number;
  /** Interface its own server listens on; all interfaces when absent. */
  host?: string;
  logger?: Logger;
  /**
   * Deliveries shared with the other instances (the store), so that an event or command Slack sends
   * again, to any instance, is handled once; absent: this process's memory alone (deliveries.ts).
   */
  deliveries?: DeliveryLedger;
  /** Minimum spacing between posts into one channel, in ms. Default 1000 (Slack allows ~1 message/s). */
  postIntervalMs?: number;
  /**
   * Web API retry policy (p-retry options) for 5xx answers and 429s. A 429 is always waited out for its
   * Retry-After first. Default: 6 retries, backoff from 250 ms doubling to at most 30 s.
   */
  retryConfig?: webApi.RetryOptions;
  /**
   * How long one Web API request may go unanswered before it fails (and is retried, or its keyed post
   * looked up). Default 30 s. The Web API client's own default waits forever.
   */
  requestTimeoutMs?: number;
}

/**
 * Slack answers in well under a second; a request unanswered for this long is on a connection that died
 * without a reset (a NAT or proxy dropped it), where the kernel takes some fifteen minutes to give up.
 * Without a bound the person's command was never answered, and every later post to that channel queued
 * behind the stuck one (pacer.ts).
 */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const DEFAULT_RETRY: webApi.RetryOptions = { retries: 6, factor: 2, minTimeout: 250, maxTimeout: 30_000 };

/** Slack through Bolt: HTTP (signed requests at /slack/events) or Socket Mode when an app token is set. */
export function createSlackPlatform(config: SlackConfig, deps: SlackPlatformDeps): SlackPlatform {
  return new SlackPlatform(config, deps);
}

interface Running {
  app: App;
  client: webApi.WebClient;
  /** Keyed posts: a client that leaves every retry to {@link keyedPost}. */
  keyed: KeyedPostContext;
  /** The server of its own (standalone HTTP mode), closed on stop. */
  server: HttpServer | undefined;
  botUserId: string;
  /** Display names, for naming people in posts without pinging them. */
  names: UserNames;
  /** Who is in which channel, for whose reading lists a person may see. */
  membership: ChannelMembership;
}

/**
 * The Slack {@link ChatPlatform}. The constructor only stores its arguments; start() checks the token with
 * auth.test, then listens (HTTP) or connects (Socket Mode).
 */
export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly channelManagers = 'the workspace admins and the people listed in SLACK_ADMINS';
  readonly #config: SlackConfig;
  readonly #deps: SlackPlatformDeps;
  readonly #logger: Logger;
  readonly #pacer: KeyedPacer;
  /** Channels joined (or found unjoinable) in this process, so conversations.join runs once per channel. */
  readonly #joined = new Map<string, Promise<void>>();
  #running: Running | undefined;

  constructor(config: SlackConfig, deps: SlackPlatformDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#logger = (deps.logger ?? silentLogger).child({ platform: 'slack' });
    this.#pacer = new KeyedPacer(deps.postIntervalMs ?? 1000);
  }

  /** The bound HTTP port once started in HTTP mode; undefined before start() and in Socket Mode. */
  get port(): number | undefined {
    return this.#running?.server?.port;
  }

  /** The bot's own user id (from auth.test) once started. */
  get botUserId(): string | undefined {
    return this.#running?.botUserId;
  }

  /**
   * Verifies the bot token (auth.test), registers the listeners and starts the transport. Rejects when the
   * token is refused, belongs to another workspace than `teamId`, or HTTP mode lacks a signing secret.
   */
  async start(handlers: InboundHandlers): Promise<void> {
    if (this.#running) throw new Error('The Slack platform is already started');
    const config = this.#config;
    const logger = boltLogger(this.#logger);
    const clientOptions: webApi.WebClientOptions = {
      retryConfig: this.#deps.retryConfig ?? DEFAULT_RETRY,
      timeout: this.#deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      logger,
      ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    };
    const probe = new webApi.WebClient(config.botToken, clientOptions);
    const auth = await probe.auth.test().catch((error: unknown) => {
      const code = (error as { data?: { error?: string } }).data?.error;
      throw new Error(`Slack refused the bot token (auth.test: ${code ?? String(error)})`);
    });
    if (!auth.user_id || !auth.bot_id) throw new Error('Slack auth.test gave no bot user; use a bot token');
    if (config.teamId && auth.team_id !== config.teamId) {
      throw new Error(`The Slack bot token belongs to workspace ${auth.team_id}, not SLACK_TEAM_ID`);
    }

    const receiver = this.#receiver(logger, clientOptions);
    const app = new App({
      token: config.botToken,
      botId: auth.bot_id,
      botUserId: auth.user_id,
      receiver,
      clientOptions,
      logger,
      // The bot's own reactions reach the core marked byBot (the port promises every reaction).
      ignoreSelf: false,
    });
    const names = new UserNames(app.client, this.#logger);
    let ledgerWarnedAt = Number.NEGATIVE_INFINITY;
    registerListeners(app, {
      handlers,
      config,
      logger: this.#logger,
      botUserId: auth.user_id,
      names,
      deliveries: new DeliveryLog({
        ...(this.#deps.deliveries ? { ledger: this.#deps.deliveries } : {}),
        onLedgerError: (error) => {
          // Once a minute at most: during a database outage every delivery would say it again.
          const now = Date.now();
          if (now - ledgerWarnedAt < 60_000) return;
          ledgerWarnedAt = now;
          this.#logger.warn(
            { err: error },
            'The shared delivery ledger could not be used; this process decides alone',
          );
        },
      }),
    });
    app.error(async (error) => {
      // Let it through to the receiver, which answers Slack so that it sends the event again.
      if (error instanceof RedeliveryWanted) throw error;
      this.#logger.error({ err: error }, 'Slack listener failed');
    });

    let server: HttpServer | undefined;
    if (config.appToken) {
      await app.start();
    } else if (receiver instanceof HTTPReceiver) {
      // HTTP mode: Bolt's receiver answers behind our route (size limit, signature, payload shape), on
      // the application's server, or on one of its own when run standalone.
      const route = slackEventsRoute(receiver, config.signingSecret ?? '', this.#logger);
      const { http, port, host } = this.#deps;
      if (http) http.route('POST', SLACK_EVENTS_PATH, route);
      else if (port !== undefined) {
        server = new HttpServer({ logger: this.#logger });
        server.route('POST', SLACK_EVENTS_PATH, route);
        await server.listen(port, host);
      }
    }
    const retry = { ...DEFAULT_RETRY, ...this.#deps.retryConfig };
    const keyed: KeyedPostContext = {
      client: new webApi.WebClient(config.botToken, {
        ...clientOptions,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      }),
      botId: auth.bot_id,
      retry: {
        retries: retry.retries ?? 6,
        minTimeout: retry.minTimeout ?? 250,
        factor: retry.factor ?? 2,
        maxTimeout: retry.maxTimeout ?? 30_000,
      },
      logger: this.#logger,
    };
    this.#running = {
      app,
      client: app.client,
      keyed,
      server,
      botUserId: auth.user_id,
      names,
      membership: new ChannelMembership(app.client),
    };
    this.#logger.info(
      { team: auth.team_id, bot: auth.user_id, mode: config.appToken ? 'socket' : 'http', port: this.port },
      'Slack connected',
    );
  }

  /** Stops listening or disconnects; idempotent. */
  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    if (this.#config.appToken) await running.app.stop();
    await running.server?.close();
  }

  /**
   * chat.postMessage with Block Kit and a text fallback, paced to one message a second per channel. A 429 is
   * waited out (Retry-After) and retried; other Slack errors reject. With an idempotency key the message
   * carries it as metadata (`paperboy_post`), is looked up in the channel's history before a retry that
   * might repeat it and, given `since`, before the first try; an aborted `signal` stops its retries (see
   * keyedPost).
   */
  async post(channel: ChannelRef, reply: Reply, options: PostOptions = {}): Promise<MessageRef> {
    const running = this.#started();
    const client = running.client;
    const id = /^slack:([A-Z0-9]+)$/.exec(channel)?.[1];
    if (!id) throw new Error(`Not a Slack channel: ${channel}`);
    const people = peopleToName(reply);
    const names = people.length > 0 ? await running.names.resolve(people) : undefined;
    const message = {
      channel: id,
      ...renderReply(reply, { names }),
      unfurl_links: false,
      unfurl_media: false,
    };
    await this.#join(client, id);
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const ts = await this.#pacer.run(id, () =>
        keyedPost(running.keyed, message, key, options.since, options.signal),
      );
      return slackMessageRef(id, ts);
    }
    const res = await this.#pacer.run(id, () => client.chat.postMessage(message));
    if (!res.ts) throw new Error('Slack chat.postMessage returned no ts');
    return slackMessageRef(res.channel ?? id, res.ts);
  }

  /**
   * A direct message: conversations.open (scope `im:write`) for the DM channel, then the same keyed, paced
   * chat.postMessage as {@link post} (a resumed key is looked up in the DM's history, scope `im:history`).
   * A person Slack says cannot be written to (left, deactivated, a bot, DMs restricted) is `unreachable`.
   */
  async postDirect(user: UserRef, reply: Reply, options: PostOptions = {}): Promise<DirectOutcome> {
    const running = this.#started();
    const id = /^slack:([UW][A-Z0-9]+)$/.exec(user)?.[1];
    if (!id) throw new Error(`Not a Slack user: ${user}`);
    try {
      const channel = await openDirectChannel(running.client, id);
      const message = { channel, ...renderReply(reply), unfurl_links: false, unfurl_media: false };
      const key = options.idempotencyKey ?? newPostKey();
      const ts = await this.#pacer.run(channel, () =>
        keyedPost(running.keyed, message, key, options.since, options.signal),
      );
      return { sent: true, message: slackMessageRef(channel, ts), channel: `slack:${channel}` };
    } catch (error) {
      if (isUnreachable(error)) return { sent: false, unreachable: slackErrorCode(error) ?? 'unreachable' };
      if (slackErrorCode(error) === 'missing_scope')
        throw new Error(
          'Slack refused to open a direct message (missing_scope): add im:write and im:history from adapters/slack/manifest.yml and reinstall the app',
          { cause: error },
        );
      throw error;
    }
  }

  /**
   * The public and private channels of `channels` that `user` is a member of (users.conversations, cached
   * for a minute); never a DM or group DM, except `from` itself when it is one and asked about.
   */
  async visibleChannels(
    user: UserRef,
    from: ChannelRef,
    channels: readonly ChannelRef[],
  ): Promise<ChannelRef[]> {
    const running = this.#started();
    const id = /^slack:([UW][A-Z0-9]+)$/.exec(user)?.[1];
    if (!id) return channels.filter((c) => c === from);
    const member = await running.membership.channelsOf(id);
    return channels.filter((c) => {
      if (c === from) return true;
      const channel = /^slack:([CG][A-Z0-9]+)$/.exec(c)?.[1];
      return channel !== undefined && member.has(channel);
    });
  }

  /**
   * reactions.add; `already_reacted` counts as success. Best effort once started: a ref that is not a Slack
   * message and every refusal are logged, never thrown.
   */
  async react(message: MessageRef, emoji: string): Promise<void> {
    const client = this.#client();
    const ref = parseSlackMessageRef(message);
    if (!ref) {
      this.#logger.warn({ message, emoji }, 'Not a Slack message; reaction skipped');
      return;
    }
    const name = emoji.replace(/^:|:$/g, '');
    try {
      await client.reactions.add({ channel: ref.channel, timestamp: ref.ts, name });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'already_reacted') return;
      this.#logger.warn({ message, emoji: name, code }, 'Slack reactions.add failed');
    }
  }

  /**
   * Joins a public channel before the first post there: Slack sends reaction events only from channels the
   * bot is a member of, so without this, upvotes on a paper shared in an uninvited channel would never
   * arrive. Private channels and DMs cannot be joined (the bot must be invited); that is logged, not fatal,
   * and the post itself then reports the problem if the bot cannot write there.
   */
  #join(client: webApi.WebClient, channel: string): Promise<void> {
    let joined = this.#joined.get(channel);
    if (!joined) {
      joined = client.conversations.join({ channel }).then(
        () => undefined,
        (error: unknown) => {
          const code = (error as { data?: { error?: string } }).data?.error ?? String(error);
          this.#logger.warn(
            { channel, code },
            'Could not join the Slack channel; reactions there may not count',
          );
        },
      );
      this.#joined.set(channel, joined);
    }
    return joined;
  }

  #client(): webApi.WebClient {
    return this.#started().client;
  }

  #started(): Running {
    if (!this.#running) throw new Error('The Slack platform is not started');
    return this.#running;
  }

  #receiver(logger: ReturnType<typeof boltLogger>, clientOptions: webApi.WebClientOptions): Receiver {
    const config = this.#config;
    if (config.appToken) {
      // The Socket Mode client opens its connection with apps.connections.open on the same Web API. Events
      // are acked once their listeners are done, as over HTTP (socket-receiver.ts).
      return new AckAfterSocketModeReceiver({
        appToken: config.appToken,
        boltLogger: logger,
        log: this.#logger,
        clientOptions,
      });
    }
    if (!config.signingSecret) throw new Error('Slack HTTP mode needs SLACK_SIGNING_SECRET');
    // Never started itself: its request listener is mounted behind slackEventsRoute.
    return new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger,
      // Slack's answer waits until the listeners are done, so a reaction is acked only once its vote is
      // written, and a vote that could not be written is answered with a 500 (redelivery.ts) for Slack to
      // retry. Commands and button presses still ack at once: their listeners ack, start the work and
      // return (listeners.ts).
      processBeforeResponse: true,
      processEventErrorHandler: answerForRedelivery(this.#logger),
    });
  }
}
