import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/platform.ts';
import { Bot } from '../../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../../src/chat/emoji.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { BOT_TOKEN, postSigned, SEED_PAPERS, SIGNING_SECRET, triggerId } from '../adapters/slack/harness.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { FAKE_TEAM_ID, type FakeSlackApi, type SlackCall, startFakeSlackApi } from '../fakes/slack-api.ts';

export interface FaultBotOptions {
  /** Web API retry policy; default: the production count (6 retries) with short backoffs. */
  retryConfig?: webApi.RetryOptions;
  /** Per-attempt timeout of the feed clients, in ms. */
  hfTimeoutMs?: number;
  /** Opens the archive; default a temporary SQLite file holding {@link SEED_PAPERS}. */
  openStore?: (dir: string) => Promise<PaperStore>;
  /** The bot's clock; default the real one. */
  now?: () => Date;
}

export interface FaultBot {
  api: FakeSlackApi;
  hf: FakeHf;
  store: PaperStore;
  platform: SlackPlatform;
  /** Types `/papers <text>` in #general and resolves with what the person is answered (the response_url). */
  ask(text: string): Promise<{ text: string; public: boolean; call: SlackCall }>;
  /** Successful chat.postMessage calls so far. */
  channelPosts(): SlackCall[];
  close(): Promise<void>;
}

/**
 * The real Bot behind the real Slack adapter (Bolt's HTTP receiver, signed requests), against the fake
 * Slack Web API and the fake Hugging Face and arXiv: the set-up the fault tests break pieces of.
 */
export async function startFaultBot(options: FaultBotOptions = {}): Promise<FaultBot> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-faults-'));
  const api = await startFakeSlackApi({ botToken: BOT_TOKEN });
  const hf = await startFakeHf({ today: '2024-10-25' });
  const store =
    (await options.openStore?.(dir)) ??
    (await (async () => {
      const s = SqliteStore.open(join(dir, 'archive.db'));
      await s.upsertPapers(SEED_PAPERS);
      return s;
    })());
  const timeoutMs = options.hfTimeoutMs ?? 5000;
  const bot = new Bot({
    store,
    hf: new HfClient({ baseUrl: hf.url, retries: 0, timeoutMs }),
    arxiv: new ArxivClient({ baseUrl: hf.arxivUrl, retries: 0, minIntervalMs: 0, timeoutMs }),
    upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
    ...(options.now ? { now: options.now } : {}),
  });
  const platform = createSlackPlatform(
    {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      apiUrl: api.apiUrl,
      admins: [],
      teamId: undefined,
    },
    {
      port: 0,
      host: '127.0.0.1',
      postIntervalMs: 0,
      // As the application does: deliveries are handled once across instances sharing the store.
      deliveries: store,
      retryConfig: options.retryConfig ?? { retries: 6, factor: 2, minTimeout: 10, maxTimeout: 50 },
    },
  );
  await platform.start(bot.handlersFor(platform));
  const endpoint = `http://127.0.0.1:${platform.port}/slack/events`;

  return {
    api,
    hf,
    store,
    platform,
    async ask(text) {
      const responseUrl = api.responseUrl();
      const path = new URL(responseUrl).pathname;
      const body = new URLSearchParams({
        team_id: FAKE_TEAM_ID,
        channel_id: 'C0GENERAL',
        channel_name: 'general',
        user_id: 'U0ALICE',
        user_name: 'alice',
        command: '/papers',
        text,
        api_app_id: 'A0PAPERS',
        response_url: responseUrl,
        trigger_id: triggerId(),
      }).toString();
      const res = await postSigned(endpoint, SIGNING_SECRET, body);
      if (res.status !== 200) throw new Error(`the slash command was answered ${res.status}`);
      // The answer arrives on the response_url once the command has run (after waits and retries).
      const call = await api.waitFor((c) => c.method === 'respond' && c.path === path, 15_000);
      return { text: String(call.body.text ?? ''), public: call.body.response_type === 'in_channel', call };
    },
    channelPosts: () => api.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200),
    async close() {
      await platform.stop();
      await store.close();
      await Promise.all([api.close(), hf.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
