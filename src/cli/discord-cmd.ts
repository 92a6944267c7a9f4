import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config.ts';
import { registerDiscordCommands } from '../app/main.ts';
import { createLogger } from '../log.ts';
import { type CliIo, UsageError } from './io.ts';

/** Where the hash of the last registered command set is kept, beside the default archive. */
export const REGISTRATION_STATE = join('data', 'discord-commands.json');

/**
 * `paperboy discord register [--guild ID] [--force]`: registers the /papers slash command with Discord,
 * in one server (instant, for development) or globally (for production), and skips the call when
 * nothing changed since the last registration.
 */
export async function discordCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'register') throw new UsageError('Usage: paperboy discord register [--guild ID] [--force]');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { guild: { type: 'string' }, force: { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new UsageError('Usage: paperboy discord register [--guild ID] [--force]');
  if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) {
    throw new UsageError(`--guild must be a server id (digits), not "${values.guild}".`);
  }
  const config = loadConfig(io.env);
  if (!config.discord)
    throw new UsageError('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register commands.');
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, {
    write: (s: string) => io.stderr.write(s),
  });
  const result = await registerDiscordCommands(config.discord, {
    statePath: REGISTRATION_STATE,
    logger,
    ...(values.guild ? { guildId: values.guild } : {}),
    ...(values.force ? { force: true } : {}),
  });
  io.stdout.write(
    result.status === 'registered'
      ? `Registered /papers (${result.scope}).\n`
      : `/papers is already registered (${result.scope}) and unchanged; nothing sent. Use --force to send anyway.\n`,
  );
  return 0;
}
