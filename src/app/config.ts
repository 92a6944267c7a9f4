import { dirname, join } from 'node:path';
import { z } from 'zod';
import { type AnyPlatformEntry, PLATFORM_ENTRIES, PLATFORMS } from '../../adapters/index.ts';
import { DEFAULT_READING_LIST_EMOJI, DEFAULT_UPVOTE_EMOJI, parseEmojiList } from '../chat/emoji.ts';
import { emptyAsUndefined, httpUrl, optionalString, splitList } from '../env.ts';
import type { RoundupDefaults } from '../roundup/roundup.ts';
import { isValidTimeZone } from '../roundup/schedule.ts';
import { sqliteFilePath } from '../store/sqlite-url.ts';

export type { RoundupDefaults } from '../roundup/roundup.ts';

/**
 * Every setting paperboy reads, parsed once from an injected environment: the core's variables here, and
 * each platform's own (adapters/NAME/settings.ts) merged into the same parse, so a deployer sees every
 * problem at once. This is the only module that reads the environment; nothing else reads `process.env`.
 */
const CORE_ENV = {
  DATABASE_URL: z
    .preprocess(emptyAsUndefined, z.string().default('sqlite:./data/paperboy.db'))
    .refine(
      (s) => /^sqlite:.+/.test(s) || /^postgres(ql)?:\/\/.+/.test(s),
      'must be sqlite:<path> (e.g. sqlite:./data/paperboy.db) or postgres://user:password@host:5432/database',
    ),
  HF_API_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl('the Hugging Face site').default('https://huggingface.co'),
  ),
  HF_TOKEN: optionalString,
  ARXIV_API_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl('the arXiv query API').default('https://export.arxiv.org/api/query'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[\w.:-]+$/, 'must be an interface address such as 127.0.0.1 or ::, or a host name')
      .optional(),
  ),
  UPVOTE_EMOJI: z.preprocess(emptyAsUndefined, z.string().default(DEFAULT_UPVOTE_EMOJI.join(','))),
  READING_LIST_EMOJI: z.preprocess(emptyAsUndefined, z.string().default(DEFAULT_READING_LIST_EMOJI)),
  ROUNDUP_TIME: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time as HH:MM (24-hour)')
      .default('09:00'),
  ),
  ROUNDUP_TIMEZONE: z.preprocess(
    emptyAsUndefined,
    z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
  ),
  ROUNDUP_CATCH_UP_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(48).default(6)),
  SEARCH_REMOTE: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  ),
  WATCH_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(20)),
  HELD_EVENTS_DIR: optionalString,
};

type CoreEnv = { [K in keyof typeof CORE_ENV]: z.output<(typeof CORE_ENV)[K]> } & {
  ROUNDUP_CHANNELS: string | undefined;
};

/** A platform-qualified channel id of a known platform, e.g. `slack:C0123ABCD`. */
export function isChannelRef(value: string, platforms: readonly AnyPlatformEntry[] = PLATFORMS): boolean {
  const m = /^([a-z]+):[\w-]+$/.exec(value);
  return m !== null && platforms.some((p) => p.name === m[1]);
}

/** The settings type each platform entry produces, by platform name. */
type SettingsOf<E> = E extends { settings(env: Record<string, unknown>): infer S } ? S : never;
export type PlatformSettings = {
  [E in (typeof PLATFORMS)[number] as E extends { settings: unknown } ? E['name'] : never]: SettingsOf<E>;
};

export interface CoreConfig {
  databaseUrl: string;
  hfApiUrl: string;
  hfToken: string | undefined;
  arxivApiUrl: string;
  logLevel: string;
  /** HTTP port for `/healthz` and platforms that receive requests (Slack's events). */
  port: number;
  /** Interface the HTTP server binds; every interface when unset. */
  host?: string | undefined;
  /** Normalised emoji names that count as an upvote. */
  upvoteEmoji: string[];
  /** The normalised emoji that puts a paper on the channel's reading list. */
  readingListEmoji: string;
  roundup: RoundupDefaults;
  /** Searches with few good matches in the archive also ask Hugging Face's paper search. */
  remoteSearch: boolean;
  /** Watches one person may have. */
  watchLimit: number;
  /** Where events held for the archive are written down for the next start (HELD_EVENTS_DIR). */
  heldEventsDir: string;
}

/** Core settings, plus one key per platform: its settings, or undefined when it is not configured. */
export type Config = CoreConfig & PlatformSettings;

/** Thrown with every problem at once, one line per variable, so a deployer fixes them in one go. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The one schema: the core's variables and every platform's, with every cross-variable rule. */
function schemaFor(platforms: readonly AnyPlatformEntry[]) {
  const roundupChannels = optionalString.refine(
    (s) => splitList(s).every((c) => isChannelRef(c, platforms)),
    `must list platform-qualified channel ids (${platforms.map((p) => `${p.name}:…`).join(', ')}), e.g. slack:C0123ABCD,discord:987654321098765432`,
  );
  const shape = Object.assign(
    { ROUNDUP_CHANNELS: roundupChannels },
    CORE_ENV,
    ...platforms.map((p) => p.env ?? {}),
  );
  return z.object(shape).superRefine((env, ctx) => {
    const report = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    const core = env as CoreEnv;
    if (parseEmojiList(core.UPVOTE_EMOJI).length === 0)
      report('UPVOTE_EMOJI', 'must name at least one emoji');
    // One reaction cannot both vote and save: a 📌 is never a vote.
    const pin = parseEmojiList(core.READING_LIST_EMOJI);
    if (pin.length !== 1) report('READING_LIST_EMOJI', 'must name exactly one emoji');
    else if (parseEmojiList(core.UPVOTE_EMOJI).includes(pin[0] ?? ''))
      report('READING_LIST_EMOJI', 'must not be one of the UPVOTE_EMOJI');
    for (const p of platforms) p.check?.(env, report);
  });
}

/** Parses the environment. Never logs values: a problem names the variable and what is wrong with it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schemaFor(PLATFORMS).safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`),
    );
  }
  const c = parsed.data as CoreEnv & Record<string, unknown>;
  const platformSettings: Record<string, unknown> = {};
  for (const p of PLATFORM_ENTRIES) {
    if (p.settings) platformSettings[p.name] = p.settings(c);
  }
  return {
    databaseUrl: c.DATABASE_URL,
    hfApiUrl: c.HF_API_URL.replace(/\/+$/, ''),
    hfToken: c.HF_TOKEN,
    arxivApiUrl: c.ARXIV_API_URL,
    logLevel: c.LOG_LEVEL,
    port: c.PORT,
    ...(c.HOST ? { host: c.HOST } : {}),
    upvoteEmoji: parseEmojiList(c.UPVOTE_EMOJI),
    readingListEmoji: parseEmojiList(c.READING_LIST_EMOJI)[0] ?? DEFAULT_READING_LIST_EMOJI,
    remoteSearch: c.SEARCH_REMOTE === 'on',
    ...(platformSettings as PlatformSettings),
    roundup: {
      channels: [...new Set(splitList(c.ROUNDUP_CHANNELS))],
      time: c.ROUNDUP_TIME,
      timezone: c.ROUNDUP_TIMEZONE,
      catchUpMs: c.ROUNDUP_CATCH_UP_HOURS * 3_600_000,
    },
    watchLimit: c.WATCH_LIMIT,
    heldEventsDir: c.HELD_EVENTS_DIR ?? defaultHeldEventsDir(c.DATABASE_URL),
  };
}

/**
 * Beside a SQLite archive (its folder's `held-events`), else `./data/held-events`: a folder on this host,
 * as the processes that take over one another's held events are this host's.
 */
function defaultHeldEventsDir(databaseUrl: string): string {
  const sqlite = sqliteFilePath(databaseUrl);
  return join(sqlite ? dirname(sqlite) : './data', 'held-events');
}

/** The settings `config` holds for `entry`; undefined when that platform is not configured. */
export function settingsFor(config: Config, entry: AnyPlatformEntry): unknown {
  return (config as unknown as Record<string, unknown>)[entry.name];
}

/** The entries whose platform is configured, or the terminal ones when none is. */
export function configuredPlatforms(config: Config): AnyPlatformEntry[] {
  const servers = PLATFORM_ENTRIES.filter((p) => !p.terminal && settingsFor(config, p) !== undefined);
  return servers.length > 0 ? servers : PLATFORM_ENTRIES.filter((p) => p.terminal);
}
