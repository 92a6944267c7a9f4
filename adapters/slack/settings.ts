import { z } from 'zod';
import {
  type EnvShape,
  emptyAsUndefined,
  httpUrl,
  optionalString,
  type ReportProblem,
  splitList,
} from '../../src/env.ts';

/** Slack's settings: present when SLACK_BOT_TOKEN is set. */
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

/** The variables Slack reads. */
export const SLACK_ENV = {
  SLACK_BOT_TOKEN: optionalString.refine(
    (s) => s === undefined || s.startsWith('xoxb-'),
    'must be a bot token (xoxb-…)',
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine(
    (s) => s === undefined || s.startsWith('xapp-'),
    'must be an app-level token (xapp-…)',
  ),
  SLACK_API_URL: z.preprocess(emptyAsUndefined, httpUrl('the Slack Web API').optional()),
  SLACK_ADMINS: optionalString,
  SLACK_TEAM_ID: optionalString,
} satisfies EnvShape;

type SlackEnv = { [K in keyof typeof SLACK_ENV]: z.output<(typeof SLACK_ENV)[K]> };

/** A token needs its way of receiving events (a signing secret, or an app token for Socket Mode). */
export function checkSlackEnv(env: Record<string, unknown>, report: ReportProblem): void {
  const c = env as SlackEnv;
  if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
    report(
      'SLACK_SIGNING_SECRET',
      'is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!c.SLACK_BOT_TOKEN && (c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN)) {
    report('SLACK_BOT_TOKEN', 'is required when other SLACK_ variables are set');
  }
}

/** Slack's settings from the parsed variables; undefined without a bot token. */
export function slackSettings(env: Record<string, unknown>): SlackConfig | undefined {
  const c = env as SlackEnv;
  if (!c.SLACK_BOT_TOKEN) return undefined;
  return {
    botToken: c.SLACK_BOT_TOKEN,
    signingSecret: c.SLACK_SIGNING_SECRET,
    appToken: c.SLACK_APP_TOKEN,
    apiUrl: c.SLACK_API_URL ? `${c.SLACK_API_URL.replace(/\/+$/, '')}/` : undefined,
    admins: splitList(c.SLACK_ADMINS),
    teamId: c.SLACK_TEAM_ID,
  };
}
