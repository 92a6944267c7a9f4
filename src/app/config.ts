import { z } from 'zod';
import { DEFAULT_UPVOTE_EMOJI, parseEmojiList } from '../chat/emoji.ts';
import { isValidTimeZone } from '../roundup/schedule.ts';

/**
 * Every setting paperboy reads, parsed once from an injected environment. This is the only module that
 * knows variable names; nothing else reads `process.env`.
 */
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const url = (what: string) =>
  z.string().refine((s) => /^https?:\/\/[^\s/]+/.test(s), `must be an http(s) URL of ${what}`);

const schema = z
  .object({
    DATABASE_URL: z
      .preprocess(emptyAsUndefined, z.string().default('sqlite:./data/paperboy.db'))
      .refine(
        (s) => /^sqlite:.+/.test(s) || /^postgres(ql)?:\/\/.+/.test(s),
        'must be sqlite:<path> (e.g. sqlite:./data/paperboy.db) or postgres://user:password@host:5432/database',
      ),
    HF_API_URL: z.preprocess(
      emptyAsUndefined,
      url('the Hugging Face site').default('https://huggingface.co'),
    ),
    HF_TOKEN: optionalString,
    ARXIV_API_URL: z.preprocess(
      emptyAsUndefined,
      url('the arXiv query API').default('https://export.arxiv.org/api/query'),
    ),
    LOG_LEVEL: z.preprocess(
      emptyAsUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    UPVOTE_EMOJI: z.preprocess(emptyAsUndefined, z.string().default(DEFAULT_UPVOTE_EMOJI.join(','))),
    SLACK_BOT_TOKEN: optionalString.refine(
      (s) => s === undefined || s.startsWith('xoxb-'),
      'must be a bot token (xoxb-…)',
    ),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine(
      (s) => s === undefined || s.startsWith('xapp-'),
      'must be an app-level token (xapp-…)',
    ),
    SLACK_API_URL: z.preprocess(emptyAsUndefined, url('the Slack Web API').optional()),
    SLACK_ADMINS: optionalString,
    SLACK_TEAM_ID: optionalString,
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^\d{5,25}$/, 'must be a numeric id')
        .optional(),
    ),
    DISCORD_API_URL: z.preprocess(emptyAsUndefined, url('the Discord REST API').optional()),
    ROUNDUP_CHANNELS: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .refine(
          (s) =>
            s
              .split(/[\s,]+/)
              .filter(Boolean)
              .every((c) => /^(slack|discord|console):[\w-]+$/.test(c)),
          'must list platform-qualified channel ids, e.g. slack:C0123ABCD,discord:987654321098765432',
        )
        .optional(),
    ),
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
    DISCORD_LEASE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().min(1).max(600).default(30)),
    ROUNDUP_CATCH_UP_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(48).default(6)),
  })
  .superRefine((c, ctx) => {
    if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    if (!c.SLACK_BOT_TOKEN && (c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required when other SLACK_ variables are set',
      });
    }
    if (c.DISCORD_TOKEN && !c.DISCORD_APPLICATION_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_APPLICATION_ID'],
        message: 'is required with DISCORD_TOKEN',
      });
    }
    if (parseEmojiList(c.UPVOTE_EMOJI).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['UPVOTE_EMOJI'], message: 'must name at least one emoji' });
    }
  });

export interface SlackConfig {
  botToken: string;
  /** HTTP mode verifies requests with it; absent in Socket Mode. */
  signingSecret: string | undefined;
  /** Set: Socket Mode. Unset: HTTP at /slack/events on PORT. */
  appToken: string | undefined;
  /** Web API base URL override (tests point it at a local fake), ending in `/`. */
  apiUrl: string | undefined;
  /** User ids allowed to change channel settings, besides workspace admins. */
  admins: string[];
  /** When set, events from any other workspace are refused. */
  teamId: string | undefined;
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** REST base URL override (and with it the gateway URL), e.g. `http://127.0.0.1:PORT/api`. */
  apiUrl: string | undefined;
  /** With several instances, one holds the gateway; another takes over this long (ms) after it dies. */
  leaseMs: number;
}

export interface Config {
  databaseUrl: string;
  hfApiUrl: string;
  hfToken: string | undefined;
  arxivApiUrl: string;
  logLevel: string;
  /** HTTP port for Slack's events (and health checks). */
  port: number;
  /** Normalised emoji names that count as an upvote. */
  upvoteEmoji: string[];
  /** Present when Slack credentials are configured. */
  slack: SlackConfig | undefined;
  /** Present when Discord credentials are configured. */
  discord: DiscordConfig | undefined;
  roundup: RoundupDefaults;
}

/** Roundup defaults for deployments that configure channels in files rather than with /papers roundup. */
export interface RoundupDefaults {
  /** Channels that get a roundup with these defaults unless their own settings say otherwise. */
  channels: string[];
  time: string;
  timezone: string;
  /** A roundup missed while the bot was down is posted up to this long after its time (ms), else skipped. */
  catchUpMs: number;
}

/** Thrown with every problem at once, one line per variable, so a deployer fixes them in one go. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment. Never logs values: a problem names the variable and what is wrong with it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`),
    );
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    hfApiUrl: c.HF_API_URL.replace(/\/+$/, ''),
    hfToken: c.HF_TOKEN,
    arxivApiUrl: c.ARXIV_API_URL,
    logLevel: c.LOG_LEVEL,
    port: c.PORT,
    upvoteEmoji: parseEmojiList(c.UPVOTE_EMOJI),
    slack: c.SLACK_BOT_TOKEN
      ? {
          botToken: c.SLACK_BOT_TOKEN,
          signingSecret: c.SLACK_SIGNING_SECRET,
          appToken: c.SLACK_APP_TOKEN,
          apiUrl: c.SLACK_API_URL ? `${c.SLACK_API_URL.replace(/\/+$/, '')}/` : undefined,
          admins: (c.SLACK_ADMINS ?? '').split(/[\s,]+/).filter(Boolean),
          teamId: c.SLACK_TEAM_ID,
        }
      : undefined,
    discord:
      c.DISCORD_TOKEN && c.DISCORD_APPLICATION_ID
        ? {
            token: c.DISCORD_TOKEN,
            applicationId: c.DISCORD_APPLICATION_ID,
            apiUrl: c.DISCORD_API_URL?.replace(/\/+$/, ''),
            leaseMs: c.DISCORD_LEASE_SECONDS * 1000,
          }
        : undefined,
    roundup: {
      channels: [...new Set((c.ROUNDUP_CHANNELS ?? '').split(/[\s,]+/).filter(Boolean))],
      time: c.ROUNDUP_TIME,
      timezone: c.ROUNDUP_TIMEZONE,
      catchUpMs: c.ROUNDUP_CATCH_UP_HOURS * 3_600_000,
    },
  };
}
