import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COMMANDS } from '../../commands/index.ts';
import type { PlatformCliContext } from '../../src/chat/platform-entry.ts';
import { UsageError } from '../../src/usage-error.ts';
import type { DiscordConfig } from './settings.ts';

/** Where the hash of the last registered command set is kept, beside the default archive. */
export const REGISTRATION_STATE = join('data', 'discord-commands.json');

const USAGE = 'discord register [--guild ID] [--force]';

/**
 * `paperboy discord register [--guild ID] [--force]`: registers the /papers slash command with Discord,
 * in one server (instant, for development) or globally (for production), and skips the call when
 * nothing changed since the last registration.
 */
export async function discordCli(args: string[], ctx: PlatformCliContext<DiscordConfig>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'register') throw new UsageError(`Usage: paperboy ${USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { guild: { type: 'string' }, force: { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new UsageError(`Usage: paperboy ${USAGE}`);
  if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) {
    throw new UsageError(`--guild must be a server id (digits), not "${values.guild}".`);
  }
  if (!ctx.settings)
    throw new UsageError('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register commands.');
  const { registerCommands } = await import('./register.ts');
  const result = await registerCommands(ctx.settings, {
    commands: COMMANDS,
    statePath: REGISTRATION_STATE,
    logger: ctx.logger,
    ...(values.guild ? { guildId: values.guild } : {}),
    ...(values.force ? { force: true } : {}),
  });
  ctx.stdout.write(
    result.status === 'registered'
      ? `Registered /papers (${result.scope}).\n`
      : `/papers is already registered (${result.scope}) and unchanged; nothing sent. Use --force to send anyway.\n`,
  );
  return 0;
}

export const DISCORD_CLI = { usage: [USAGE], run: discordCli };
