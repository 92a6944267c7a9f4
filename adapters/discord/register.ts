import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { REST, Routes } from 'discord.js';
import type { CommandDefinition } from '../../commands/types.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import { buildCommandsJson } from './commands.ts';
import type { DiscordConfig } from './settings.ts';

export interface RegisterOptions {
  /** The definitions to register (the command registry, `COMMANDS`). */
  commands: readonly CommandDefinition[];
  /** Register in one guild (instant; for development). Absent: globally (for production). */
  guildId?: string;
  /**
   * JSON file remembering the hash last registered per application and scope, e.g.
   * `./data/discord-commands.json`. Created when missing.
   */
  statePath: string;
  /** Register even when the hash is unchanged. */
  force?: boolean;
  logger?: Logger;
  /** A REST client to use instead of one built from the config (tests). */
  rest?: REST;
}

export interface RegisterResult {
  status: 'registered' | 'unchanged';
  /** `guild:<id>` or `global`. */
  scope: string;
  /** sha256 of the command JSON. */
  hash: string;
}

type State = Record<string, { hash: string; at: string }>;

/**
 * Registers `/papers` with Discord (a bulk overwrite: `PUT /applications/{app}/commands`, or
 * `/applications/{app}/guilds/{guild}/commands`), unless the command JSON hashes to what was last
 * registered for that application and scope. Global commands are rate limited by Discord (200 creates a
 * day) and take a while to propagate, hence the skip. The state file is written only after Discord
 * accepted the commands, so a failed call is retried next time.
 */
export async function registerCommands(
  config: DiscordConfig,
  options: RegisterOptions,
): Promise<RegisterResult> {
  const logger = options.logger ?? silentLogger;
  const body = buildCommandsJson(options.commands);
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const scope = options.guildId ? `guild:${options.guildId}` : 'global';
  const key = `${config.applicationId}/${scope}`;
  const state = await readState(options.statePath);
  if (!options.force && state[key]?.hash === hash) {
    logger.info({ scope }, 'Discord commands unchanged since the last registration; skipped');
    return { status: 'unchanged', scope, hash };
  }
  const rest = options.rest ?? new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(config.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(config.applicationId, options.guildId)
    : Routes.applicationCommands(config.applicationId);
  await rest.put(route, { body });
  state[key] = { hash, at: new Date().toISOString() };
  await writeState(options.statePath, state);
  logger.info({ scope }, 'Discord commands registered');
  return { status: 'registered', scope, hash };
}

async function readState(path: string): Promise<State> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path} is not a Discord command state file (expected a JSON object)`);
  }
  return parsed as State;
}

async function writeState(path: string, state: State): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Write then rename, so an interrupted run never leaves half a file behind.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, path);
}
