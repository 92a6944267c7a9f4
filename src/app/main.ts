import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { ConsolePlatform } from '../../adapters/console/platform.ts';
import { createDiscordPlatform } from '../../adapters/discord/platform.ts';
import { type RegisterOptions, registerCommands } from '../../adapters/discord/register.ts';
import { createSlackPlatform } from '../../adapters/slack/platform.ts';
import { COMMANDS } from '../../commands/index.ts';
import { Bot } from '../chat/bot.ts';
import { LeasedPlatform } from '../chat/leased-platform.ts';
import type { ChatPlatform, PlatformName } from '../chat/platform.ts';
import { ArxivClient } from '../feed/arxiv-client.ts';
import { HfClient } from '../feed/hf-client.ts';
import { createLogger, type Logger } from '../log.ts';
import { Scheduler } from '../roundup/scheduler.ts';
import { openStore } from '../store/open.ts';
import type { PaperStore } from '../store/port.ts';
import type { Config, DiscordConfig } from './config.ts';
import { answerHealth, type HealthSources, startHealthServer } from './health.ts';

export interface StartOptions {
  /** Platforms to run; default {@link configuredPlatforms}. */
  platforms?: PlatformName[];
  /** The console's keyboard; default process.stdin. */
  input?: NodeJS.ReadableStream;
  /** The console's screen; default process.stdout. */
  output?: { write(chunk: string): unknown; isTTY?: boolean };
  logger?: Logger;
  now?: () => Date;
  /** Run the roundup scheduler and feed ingestion (default true; the bare console turns it off). */
  schedule?: boolean;
}

export interface RunningBot {
  /** The platforms that were started, in order. */
  platforms: PlatformName[];
  /** Settles when the console is quit (or its input ends), or after stop(). Server platforms never end it. */
  closed: Promise<void>;
  /** Stops every platform, then closes the store. Idempotent. */
  stop(): Promise<void>;
}

/** The platforms whose credentials are configured; the console when there are none. */
export function configuredPlatforms(config: Config): PlatformName[] {
  const names: PlatformName[] = [];
  if (config.slack) names.push('slack');
  if (config.discord) names.push('discord');
  return names.length > 0 ? names : ['console'];
}

export interface PlatformDeps {
  config: Config;
  options: StartOptions;
  logger: Logger;
  store: PaperStore;
  /** Answers `GET /healthz` where the platform serves HTTP (Slack's receiver). */
  health?: HealthSources;
}

/** Builds one platform from its configuration. */
export function createPlatform(
  name: PlatformName,
  { config, options, logger, health }: PlatformDeps,
): ChatPlatform {
  switch (name) {
    case 'console':
      return new ConsolePlatform({
        input: options.input ?? process.stdin,
        output: options.output ?? process.stdout,
        ...(options.now ? { now: options.now } : {}),
      });
    case 'slack':
      if (!config.slack)
        throw new Error('Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.');
      return createSlackPlatform(config.slack, {
        port: config.port,
        logger,
        ...(health ? { healthz: (res) => void answerHealth(health, res) } : {}),
      });
    case 'discord':
      if (!config.discord)
        throw new Error('Discord is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.');
      return createDiscordPlatform(config.discord, {
        logger,
        ...(options.now ? { now: options.now } : {}),
      });
  }
}

/**
 * The composition root: config → store → feed clients → bot → platforms. Resolves once every platform
 * has started; when one fails to start, those already started are stopped, the store is closed, and the
 * error is rethrown. Signals are the caller's business (the CLI stops the bot on SIGINT/SIGTERM).
 */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const names = options.platforms ?? configuredPlatforms(config);
  const store: PaperStore = await openStore(config.databaseUrl, logger);
  const hf = new HfClient({ baseUrl: config.hfApiUrl, token: config.hfToken, logger });
  const arxiv = new ArxivClient({ baseUrl: config.arxivApiUrl, logger });
  const bot = new Bot({
    store,
    hf,
    arxiv,
    upvoteEmoji: config.upvoteEmoji,
    roundupDefaults: config.roundup,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });

  const started: ChatPlatform[] = [];
  let scheduler: Scheduler | null = null;
  let healthServer: Server | null = null;
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const health: HealthSources = {
    store,
    platforms: () => started,
    lastIngestion: () => scheduler?.lastIngestion ?? null,
  };
  let stopping: Promise<void> | null = null;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await scheduler?.stop();
      if (healthServer) await new Promise((resolve) => healthServer?.close(resolve));
      const results = await Promise.allSettled(started.map((p) => p.stop()));
      for (const r of results)
        if (r.status === 'rejected') logger.error({ err: r.reason }, 'stopping a platform failed');
      await store.close();
      markStopped();
    })();
    return stopping;
  };

  try {
    for (const name of names) {
      const deps = { config, options, logger, store, health };
      // Discord's gateway is held by one instance at a time (a lease in the database); the others stand by.
      const platform =
        name === 'discord' && config.discord
          ? new LeasedPlatform('discord', () => createPlatform(name, deps), {
              store,
              holder: instanceId,
              ttlMs: config.discord.leaseMs,
              logger,
            })
          : createPlatform(name, deps);
      await platform.start(bot.handlersFor(platform));
      started.push(platform);
      logger.info({ platform: name, active: platform.active ?? true }, 'platform started');
    }
    // Slack over HTTP serves /healthz on PORT; otherwise a small server does, for the load balancer.
    const slackServesHttp = names.includes('slack') && !config.slack?.appToken;
    if (!slackServesHttp && names.some((n) => n !== 'console')) {
      healthServer = await startHealthServer(config.port, health);
    }
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
  } catch (error) {
    await stop();
    throw error;
  }

  const consoles = started.filter((p): p is ConsolePlatform => p instanceof ConsolePlatform);
  const closed = consoles.length > 0 ? Promise.race([stopped, ...consoles.map((c) => c.closed)]) : stopped;
  return { platforms: started.map((p) => p.name), closed, stop };
}

/** Registers the `/papers` slash command with Discord (the CLI's `discord register`). */
export function registerDiscordCommands(
  config: DiscordConfig,
  options: Omit<RegisterOptions, 'commands'>,
): ReturnType<typeof registerCommands> {
  return registerCommands(config, { ...options, commands: COMMANDS });
}
