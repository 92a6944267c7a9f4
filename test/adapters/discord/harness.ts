import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscordPlatform } from '../../../adapters/discord/platform.ts';
import { Bot } from '../../../src/chat/bot.ts';
import { FileHeldJournal } from '../../../src/chat/held-journal.ts';
import { heldQueue, replayLeftovers } from '../../../src/chat/held-replay.ts';
import { LeasedPlatform } from '../../../src/chat/leased-platform.ts';
import type {
  InboundHandlers,
  LinksPosted,
  ReactionEvent,
  ReactionsCleared,
  ThreadReplyEvent,
} from '../../../src/chat/platform.ts';
import type { RetryTimers } from '../../../src/chat/retry-later.ts';
import { ArxivClient } from '../../../src/feed/arxiv-client.ts';
import { HfClient } from '../../../src/feed/hf-client.ts';
import { parseHfJson } from '../../../src/feed/hf-json.ts';
import { type Logger, silentLogger } from '../../../src/log.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord-gateway.ts';
import { DAILY_2024_10_25, type FakeHf, startFakeHf } from '../../fakes/hf-server.ts';

/** The clock of every Discord end-to-end test: the day of the recorded feed. */
export const NOW = new Date('2024-10-25T12:00:00Z');

export interface DiscordBot {
  fake: FakeDiscord;
  hf: FakeHf;
  platform: DiscordPlatform;
  /** The gateway lease the platform runs under, when started with `lease`. */
  leased: LeasedPlatform | undefined;
  store: SqliteStore;
  /** The archive's file. */
  path: string;
  close(): Promise<void>;
}

/**
 * Records message `id` in the fake's channel as the bot's share of `paperId`, as one posted before a
 * restart (the client never cached it), and returns `id`.
 */
export async function recordShare(bot: DiscordBot, paperId: string | null, id: string): Promise<string> {
  await bot.store.recordPost({
    message: `discord:${bot.fake.channelId}:${id}`,
    channel: `discord:${bot.fake.channelId}`,
    paperId,
    kind: 'share',
    postedBy: null,
    postedAt: NOW.toISOString(),
  });
  return id;
}

/**
 * The real Bot (commands, store, votes) behind the Discord adapter, over discord.js's real client and the
 * fake Discord, with the 2024-10-25 feed archived. `onReactionHandled` (and `onReactionsClearedHandled`)
 * see each reaction (clear) after the bot handled it, so tests wait for the vote rather than a clock.
 */
export async function startDiscordBot(options: {
  upvoteEmoji: string[];
  onReactionHandled?: (event: ReactionEvent) => void;
  onReactionsClearedHandled?: (clear: ReactionsCleared) => void;
  onLinksHandled?: (event: LinksPosted) => void;
  onThreadReplyHandled?: (event: ThreadReplyEvent) => void;
  /** DISCORD_MESSAGE_CONTENT: read messages for paper links. */
  messageContent?: boolean;
  /** Let thin searches ask the fake Hugging Face's search too (`SEARCH_REMOTE`); off when absent. */
  remoteSearch?: boolean;
  /** The archive's busy timeout (default 5 s), and the timers votes it refused are tried again on. */
  busyTimeoutMs?: number;
  retryTimers?: RetryTimers;
  /**
   * Connect under the gateway lease in the archive, as the bot is deployed (LeasedPlatform), with this
   * lease length and logger; directly when absent.
   */
  lease?: { ttlMs: number; logger: Logger };
  /**
   * The folder of the archive (and of the held-events journal), kept at close: a second start on the same
   * folder is the bot restarted on the same host. A fresh temp folder, removed at close, when absent.
   */
  dir?: string;
  /** Write held events down in `<dir>/held-events` (FileHeldJournal), as the deployed bot does. */
  journal?: boolean;
}): Promise<DiscordBot> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'paperboy-discord-'));
  const journal = options.journal ? new FileHeldJournal(join(dir, 'held-events'), silentLogger) : undefined;
  // As the application gives a platform its queue (src/app/main.ts): written down in the journal.
  const held = journal
    ? heldQueue({ platform: 'discord', journal, logger: silentLogger, timers: options.retryTimers })
    : undefined;
  const path = join(dir, 'archive.db');
  const store = SqliteStore.open(path, {
    now: () => NOW,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  await store.upsertPapers(parseHfJson(DAILY_2024_10_25, { feedDate: '2024-10-25' }).papers);
  const hf = await startFakeHf({ today: '2024-10-25' });
  const fake = await startFakeDiscord();
  const platform = new DiscordPlatform(
    {
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      leaseMs: 30_000,
      messageContent: options.messageContent ?? false,
    },
    {
      now: () => NOW,
      ...(held ? { held } : {}),
      ...(options.retryTimers ? { retryTimers: options.retryTimers } : {}),
    },
  );
  const bot = new Bot({
    store,
    hf: new HfClient({ baseUrl: hf.url, retries: 0, timeoutMs: 5000 }),
    arxiv: new ArxivClient({ baseUrl: hf.arxivUrl, retries: 0, minIntervalMs: 0 }),
    upvoteEmoji: options.upvoteEmoji,
    now: () => NOW,
    remoteSearch: options.remoteSearch ?? false,
  });
  // Under the lease the platform is built once, here: a test that loses the lease sees it stay stopped.
  const leased = options.lease
    ? new LeasedPlatform('discord', async () => platform, { store, holder: 'test', ...options.lease })
    : undefined;
  const core = bot.handlersFor(leased ?? platform);
  const handlers: InboundHandlers = {
    ...core,
    onReaction: async (event) => {
      await core.onReaction(event);
      options.onReactionHandled?.(event);
    },
    onReactionsCleared: async (clear) => {
      await core.onReactionsCleared(clear);
      options.onReactionsClearedHandled?.(clear);
    },
    onLinks: async (event) => {
      const papers = await core.onLinks(event);
      options.onLinksHandled?.(event);
      return papers;
    },
    onThreadReply: async (event) => {
      await core.onThreadReply(event);
      options.onThreadReplyHandled?.(event);
    },
  };
  await (leased ?? platform).start(handlers);
  // As the application does once a platform started (src/app/main.ts): what an earlier process held.
  if (journal && held)
    replayLeftovers({ journal, queue: held, platform: 'discord', handlers, logger: silentLogger });
  return {
    fake,
    hf,
    platform,
    leased,
    store,
    path,
    async close() {
      await (leased ?? platform).stop();
      await held?.close();
      await fake.close();
      await hf.close();
      journal?.close();
      await store.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
