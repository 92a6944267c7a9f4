import type { PlatformEntry } from '../../src/chat/platform-entry.ts';
import { DISCORD_CLI } from './cli.ts';
import { checkDiscordEnv, DISCORD_ENV, type DiscordConfig, discordSettings } from './settings.ts';

/** Discord in the platform list: one gateway connection across every instance, held under a lease. */
export const discordEntry = {
  name: 'discord',
  title: 'Discord',
  env: DISCORD_ENV,
  check: checkDiscordEnv,
  settings: discordSettings,
  requires: ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
  singleConnection: (settings) => ({ leaseMs: settings.leaseMs }),
  cli: DISCORD_CLI,
  async create(settings, deps) {
    const { createDiscordPlatform } = await import('./platform.ts');
    return createDiscordPlatform(settings, {
      logger: deps.logger,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.held ? { held: deps.held } : {}),
    });
  },
} as const satisfies PlatformEntry<'discord', DiscordConfig>;
