import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSlackPlatform, type SlackPlatform } from '../../../adapters/slack/platform.ts';
import type { SlackConfig } from '../../../adapters/slack/settings.ts';
import { Bot } from '../../../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../../../src/chat/emoji.ts';
import type { InboundHandlers, ReactionEvent } from '../../../src/chat/platform.ts';
import type { RetryTimers } from '../../../src/chat/retry-later.ts';
import { ArxivClient } from '../../../src/feed/arxiv-client.ts';
import { HfClient } from '../../../src/feed/hf-client.ts';
import type { Logger } from '../../../src/log.ts';
import type { Paper } from '../../../src/papers/paper.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import { type FakeHf, startFakeHf } from '../../fakes/hf-server.ts';
import {
  FAKE_BOT_USER_ID,
  FAKE_TEAM_ID,
  type FakeSlackApi,
  type SlackCall,
  startFakeSlackApi,
} from '../../fakes/slack-api.ts';
import { type FakeSocketMode, startFakeSocketMode } from '../../fakes/slack-socket.ts';

export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';
export const APP_TOKEN = 'xapp-test-token';

/** Two machine-unlearning papers the archive starts with (the HF fixture has none). */
export const SEED_PAPERS: Paper[] = ['Machine Unlearning at Scale', 'Certified Unlearning for LLMs'].map(
  (title, i) => ({
    id: `2501.0000${i + 1}`,
    arxivId: `2501.0000${i + 1}`,
    title,
    abstract: `We study unlearning. Paper ${i + 1} of two.`,
    authors: ['Ada Lovelace'],
    authorCount: 1,
    organization: null,
    publishedAt: '2025-01-02',
    feedDate: '2025-01-03',
    upvotes: 10 - i,
    comments: 0,
  }),
);

let triggers = 0;
/** A fresh trigger id: Slack gives every command and interaction its own (paperboy handles each once). */
export function triggerId(): string {
  triggers += 1;
  return `13345224609.${738474920 + triggers}.8088930838d88f008e0`;
}

/** The `v0=` signature Slack puts in `x-slack-signature`: HMAC-SHA256 of `v0:<ts>:<raw body>`. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * POSTs a body to a Slack endpoint, signed now with `secret` exactly as Slack signs it. Commands and
 * interactions are form-encoded; event callbacks are JSON.
 */
export function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Response> {
  const ts = Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(secret, ts, body),
    },
    body,
  });
}

/** The JSON body of a `reaction_added` / `reaction_removed` event callback, as Slack sends it. */
export function reactionEventBody(
  type: 'reaction_added' | 'reaction_removed',
  ref: { channel: string; ts: string },
  user: string,
  emoji: string,
): string {
  const eventTs = `${Math.floor(Date.now() / 1000)}.000200`;
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM_ID,
    api_app_id: 'A0PAPERS',
    event: {
      type,
      user,
      reaction: emoji,
      item: { type: 'message', channel: ref.channel, ts: ref.ts },
      item_user: FAKE_BOT_USER_ID,
      event_ts: eventTs,
    },
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  });
}

/** A `/papers` slash command, form-encoded exactly as Slack sends it; the answer goes to `responseUrl`. */
export function slashCommandBody(
  text: string,
  responseUrl: string,
  who: { user?: string; channel?: string; team?: string } = {},
): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: who.team ?? FAKE_TEAM_ID,
    team_domain: 'papers',
    channel_id: who.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: who.user ?? 'U0ALICE',
    user_name: 'alice',
    command: '/papers',
    text,
    api_app_id: 'A0PAPERS',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  }).toString();
}

export interface SendOptions {
  /** Override the signature headers: omit one, forge it or age the timestamp. */
  signature?: string | null;
  timestamp?: number;
}

export interface SlackHarness {
  api: FakeSlackApi;
  hf: FakeHf;
  store: SqliteStore;
  /** The archive's file, for a second connection (another writer holding the lock). */
  dbPath: string;
  platform: SlackPlatform;
  /** The fake Socket Mode server, when started with `socketMode`. */
  socket: FakeSocketMode | undefined;
  /** `http://127.0.0.1:<port>/slack/events` */
  endpoint: string;
  /** Resolves after the core has handled `n` reaction events in all. */
  reactionsHandled(n: number): Promise<ReactionEvent[]>;
  /** POSTs a raw body signed as Slack signs it (unless `options` forge it). */
  send(body: string, contentType: string, options?: SendOptions): Promise<Response>;
  /** A slash command, form-encoded exactly as Slack sends it; returns the HTTP answer and its response_url. */
  command(
    text: string,
    who?: { user?: string; channel?: string; team?: string },
    options?: SendOptions,
  ): Promise<{ res: Response; responseUrl: string }>;
  /** A Share button press on an ephemeral search result in `channel`. */
  pressShare(
    paperId: string,
    who?: { user?: string; channel?: string },
  ): Promise<{ res: Response; responseUrl: string }>;
  /** A reaction_added / reaction_removed event callback. */
  reaction(
    type: 'reaction_added' | 'reaction_removed',
    ref: { channel: string; ts: string },
    user: string,
    emoji: string,
    options?: SendOptions,
  ): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<SlackConfig>;
  postIntervalMs?: number;
  hfTimeoutMs?: number;
  /** Connect over a fake Socket Mode server instead of listening for HTTP. */
  socketMode?: boolean;
  /** Logger for the platform and the bot; silent when absent. */
  logger?: Logger;
  /** How long an archive write waits for another writer's lock (SqliteStore's default when absent). */
  busyTimeoutMs?: number;
  /** Let thin searches ask the fake Hugging Face's search too (`SEARCH_REMOTE`); off when absent. */
  remoteSearch?: boolean;
  /** The archive's clock (first-seen times, the watch ledger's leases and tries); the host's when absent. */
  now?: () => Date;
  /** The timers the bot tries again on to record a post the archive refused; the process's when absent. */
  retryTimers?: RetryTimers;
  /** How long a Web API request may go unanswered (the platform's default when absent). */
  requestTimeoutMs?: number;
}

/** The real Bot on a temporary SQLite archive, behind the real Slack adapter, against the fakes. */
export async function startSlackHarness(options: HarnessOptions = {}): Promise<SlackHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-'));
  const api = await startFakeSlackApi({
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    workspaceAdmins: ['UWSADMIN'],
  });
  const hf = await startFakeHf();
  const socket = options.socketMode ? await startFakeSocketMode(api) : undefined;
  const dbPath = join(dir, 'archive.db');
  const store = SqliteStore.open(dbPath, { busyTimeoutMs: options.busyTimeoutMs, now: options.now });
  await store.upsertPapers(SEED_PAPERS);
  const bot = new Bot({
    store,
    hf: new HfClient({ baseUrl: hf.url, retries: 0, timeoutMs: options.hfTimeoutMs ?? 5000 }),
    arxiv: new ArxivClient({ baseUrl: hf.arxivUrl, retries: 0, minIntervalMs: 0 }),
    upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
    logger: options.logger,
    remoteSearch: options.remoteSearch ?? false,
    ...(options.retryTimers ? { retryTimers: options.retryTimers } : {}),
  });
  const config: SlackConfig = {
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: api.apiUrl,
    admins: ['U0ADMIN'],
    teamId: undefined,
    ...(socket ? { appToken: APP_TOKEN, signingSecret: undefined } : {}),
    ...options.config,
  };
  const platform = createSlackPlatform(config, {
    port: 0,
    host: '127.0.0.1',
    postIntervalMs: options.postIntervalMs ?? 0,
    retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 },
    logger: options.logger,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  });

  // Observe the core's reaction handling so tests wait on its completion instead of sleeping.
  const handled: ReactionEvent[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const inner = bot.handlersFor(platform);
  const handlers: InboundHandlers = {
    ...inner,
    onReaction: async (event) => {
      await inner.onReaction(event);
      handled.push(event);
      for (const w of waiters.filter((x) => handled.length >= x.n)) w.resolve();
    },
  };
  await platform.start(handlers);
  const endpoint = `http://127.0.0.1:${platform.port}/slack/events`;

  const send: SlackHarness['send'] = (body, contentType, opts = {}) => {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
    };
    const signature = opts.signature === undefined ? sign(SIGNING_SECRET, ts, body) : opts.signature;
    if (signature !== null) headers['x-slack-signature'] = signature;
    return fetch(endpoint, { method: 'POST', headers, body });
  };
  const form = 'application/x-www-form-urlencoded';

  return {
    api,
    hf,
    store,
    dbPath,
    platform,
    socket,
    endpoint,
    reactionsHandled: (n) =>
      new Promise((resolve, reject) => {
        if (handled.length >= n) return resolve([...handled]);
        const timer = setTimeout(
          () => reject(new Error(`only ${handled.length} of ${n} reactions handled`)),
          5000,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve([...handled]);
          },
        });
      }),
    send,
    async command(text, who = {}, opts) {
      const responseUrl = api.responseUrl();
      const body = slashCommandBody(text, responseUrl, who);
      return { res: await send(body, form, opts), responseUrl };
    },
    async pressShare(paperId, who = {}) {
      const responseUrl = api.responseUrl();
      const channel = who.channel ?? 'C0GENERAL';
      const payload = {
        type: 'block_actions',
        user: { id: who.user ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: FAKE_TEAM_ID },
        api_app_id: 'A0PAPERS',
        token: 'deprecated-verification-token',
        container: {
          type: 'message',
          message_ts: '1712345600.000100',
          channel_id: channel,
          is_ephemeral: true,
        },
        trigger_id: triggerId(),
        team: { id: FAKE_TEAM_ID, domain: 'papers' },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel, name: 'general' },
        state: { values: {} },
        response_url: responseUrl,
        actions: [
          {
            action_id: 'share_paper',
            block_id: 'aB1',
            text: { type: 'plain_text', text: 'Share', emoji: false },
            value: paperId,
            type: 'button',
            action_ts: '1712345699.123456',
          },
        ],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      return { res: await send(body, form), responseUrl };
    },
    reaction(type, ref, user, emoji, opts) {
      return send(reactionEventBody(type, ref, user, emoji), 'application/json', opts);
    },
    async close() {
      await platform.stop();
      await store.close();
      await Promise.all([api.close(), hf.close(), socket?.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Has U0BOB share `paper` into `channel` and returns the bot's message there (once it is posted), the
 * message later reactions and replays land on.
 */
export async function sharedMessage(
  h: SlackHarness,
  paper: string,
  channel: string,
): Promise<{ channel: string; ts: string }> {
  const { responseUrl } = await h.command(`share ${paper}`, { user: 'U0BOB', channel });
  await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
  const posted = h.api.messages.find((m) => m.channel === channel);
  if (!posted) throw new Error('the share was not posted');
  return { channel: posted.channel, ts: posted.ts };
}

/** The recorded respond() call made to one response URL (a command's or a button's answer). */
export const respondedTo = (h: SlackHarness, url: string): Promise<SlackCall> =>
  h.api.waitFor((c) => c.method === 'respond' && url.endsWith(c.path));

/** A recorded call's Block Kit blocks as one string, to look for text in. */
export const blocksOf = (call: SlackCall): string => JSON.stringify(call.body.blocks);
