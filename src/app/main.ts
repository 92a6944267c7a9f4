import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type AnyPlatformEntry, platformEntry } from '../../adapters/index.ts';
import { Bot } from '../chat/bot.ts';
import { FileHeldJournal } from '../chat/held-journal.ts';
import { heldQueue, replayLeftovers } from '../chat/held-replay.ts';
import type { ChatPlatform, PlatformName } from '../chat/platform.ts';
import type { RetryLater } from '../chat/retry-later.ts';
import { ArxivClient } from '../feed/arxiv-client.ts';
import { HfClient } from '../feed/hf-client.ts';
import { HttpServer } from '../http/server.ts';
import { createLogger, type Logger } from '../log.ts';
import { Scheduler } from '../roundup/scheduler.ts';
import { openStore } from '../store/open.ts';
import type { PaperStore } from '../store/port.ts';
import { Watcher } from '../watch/watcher.ts';
import { type Config, configuredPlatforms } from './config.ts';
import { type HealthSources, mountHealth } from './health.ts';
import { createPlatform } from './platforms.ts';

export interface StartOptions {
  /** Platforms to run, by name; default {@link configuredPlatforms}. */
  platforms?: PlatformName[];
  /** A terminal platform's keyboard; default process.stdin. */
  input?: NodeJS.ReadableStream;
  /** A terminal platform's screen; default process.stdout. */
  output?: { write(chunk: string): unknown; isTTY?: boolean };
  logger?: Logger;
  now?: () => Date;
  /** Run the roundup scheduler and feed ingestion (default true; the bare console turns it off). */
  schedule?: boolean;
  /**
   * How often watches look for new papers and deliver them, in ms (default 15 s). Watches run whenever a
   * platform runs, the bare console included: they follow the archive, not the feed.
   */
  watchIntervalMs?: number;
}

export interface RunningBot {
  /** The platforms that were started, in order. */
  platforms: PlatformName[];
  /** Settles when a terminal platform's session ends, or after stop(). Server platforms never end it. */
  closed: Promise<void>;
  /** Stops every platform, then closes the store. Idempotent. */
  stop(): Promise<void>;
}

/** The entries named `names`, failing with one sentence on a name no platform has. */
function entriesNamed(names: readonly PlatformName[]): AnyPlatformEntry[] {
  return names.map((name) => {
    const entry = platformEntry(name);
    if (!entry) throw new Error(`There is no platform named "${name}".`);
    return entry;
  });
}

/**
 * The composition root: config → store → feed clients → bot → platforms → HTTP server → scheduler.
 * Resolves once every platform has started; when one fails to start, those already started are stopped,
 * the store is closed, and the error is rethrown. Signals are the caller's business (the CLI stops the
 * bot on SIGINT/SIGTERM).
 */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const entries = options.platforms ? entriesNamed(options.platforms) : configuredPlatforms(config);
  // Shares, and the events of the platforms this process runs: others' are left for processes that run them.
  const heldJournal = openHeldJournal(config.heldEventsDir, logger, [
    'share.',
    ...entries.map((e) => `${e.name}.`),
  ]);
  const store: PaperStore = await openStore(config.databaseUrl, logger);
  const hf = new HfClient({ baseUrl: config.hfApiUrl, token: config.hfToken, logger });
  const arxiv = new ArxivClient({ baseUrl: config.arxivApiUrl, logger });
  const bot = new Bot({
    store,
    hf,
    arxiv,
    upvoteEmoji: config.upvoteEmoji,
    readingListEmoji: config.readingListEmoji,
    roundupDefaults: config.roundup,
    remoteSearch: config.remoteSearch,
    watchLimit: config.watchLimit,
    heldJournal,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });

  const started: ChatPlatform[] = [];
  /** Per platform, the queue its held events wait in (held-replay.ts). */
  const queues: RetryLater[] = [];
  let scheduler: Scheduler | null = null;
  let watcher: Watcher | null = null;
  // One server on PORT for the application: /healthz here, and whatever routes platforms mount.
  const http = new HttpServer({ logger });
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const health: HealthSources = {
    store,
    platforms: () => started,
    lastIngestion: () => scheduler?.lastIngestion ?? null,
    heldForArchive: () => queues.reduce((n, q) => n + q.held, 0),
    ...(options.now ? { now: options.now } : {}),
  };
  mountHealth(http, health);
  let stopping: Promise<void> | null = null;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await scheduler?.stop();
      await watcher?.stop();
      await http.close();
      const results = await Promise.allSettled(started.map((p) => p.stop()));
      for (const r of results)
        if (r.status === 'rejected') logger.error({ err: r.reason }, 'stopping a platform failed');
      await Promise.all(queues.map((q) => q.close()));
      await bot.stop();
      heldJournal?.close();
      await store.close();
      markStopped();
    })();
    return stopping;
  };

  try {
    // What the first search would read for itself, read before any platform can take a command.
    await store.prepareForSearch();
    for (const entry of entries) {
      const held = heldQueue({ platform: entry.name, journal: heldJournal, logger });
      queues.push(held);
      const platform = await createPlatform(entry, config, {
        logger,
        store,
        holder: instanceId,
        http,
        held,
        ...(options.now ? { now: options.now } : {}),
        terminal: { input: options.input ?? process.stdin, output: options.output ?? process.stdout },
      });
      const handlers = bot.handlersFor(platform);
      await platform.start(handlers);
      started.push(platform);
      // What processes that are gone held for the archive, whether this one is connected or stands by.
      if (heldJournal)
        replayLeftovers({ journal: heldJournal, queue: held, platform: platform.name, handlers, logger });
      logger.info({ platform: entry.name, active: platform.active ?? true }, 'platform started');
    }
    // A server platform means a deployment: it gets /healthz for its load balancer even when no platform
    // receives HTTP (Socket Mode, Discord's gateway). A terminal session alone listens on nothing.
    if (entries.some((e) => !e.terminal)) await http.listen(config.port, config.host);
    if (options.schedule ?? true) {
      scheduler = new Scheduler({
        store,
        hf,
        platforms: new Map(started.map((p) => [p.name, p])),
        defaults: config.roundup,
        logger,
        instanceId,
        seedEmoji: config.upvoteEmoji[0] ?? null,
        ...(options.now ? { now: options.now } : {}),
      });
      scheduler.start();
    }
    watcher = new Watcher({
      store,
      platforms: new Map(started.map((p) => [p.name, p])),
      logger,
      instanceId,
      catchUpMs: config.roundup.catchUpMs,
      ...(options.watchIntervalMs === undefined ? {} : { intervalMs: options.watchIntervalMs }),
      ...(options.now ? { now: options.now } : {}),
    });
    watcher.start();
  } catch (error) {
    await stop();
    throw error;
  }

  const sessions = started.flatMap((p) => (p.closed ? [p.closed] : []));
  const closed = sessions.length > 0 ? Promise.race([stopped, ...sessions]) : stopped;
  return { platforms: started.map((p) => p.name), closed, stop };
}

/**
 * The journal of events held for the archive, which takes over at once what processes on this host
 * stopped with. A folder that cannot be made leaves the bot running without one, as it ran before.
 */
function openHeldJournal(dir: string, logger: Logger, serves: string[]): FileHeldJournal | undefined {
  try {
    return new FileHeldJournal(dir, logger, { serves });
  } catch (error) {
    logger.error(
      { err: error, dir },
      'HELD_EVENTS_DIR cannot be used: events held while the archive is unavailable are lost at a restart',
    );
    return undefined;
  }
}
