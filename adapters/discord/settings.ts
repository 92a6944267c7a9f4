import { z } from 'zod';
import {
  type EnvShape,
  emptyAsUndefined,
  httpUrl,
  optionalString,
  type ReportProblem,
} from '../../src/env.ts';

/** Discord's settings: present when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set. */
export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** REST base URL override (and with it the gateway URL), e.g. `http://127.0.0.1:PORT/api`. */
  apiUrl: string | undefined;
  /** With several instances, one holds the gateway; another takes over this long (ms) after it dies. */
  leaseMs: number;
  /**
   * Read messages for paper links (the privileged Message Content intent, which must also be switched on
   * for the application in Discord's developer portal). Off: only slash commands and reactions.
   */
  messageContent?: boolean;
}

/** The variables Discord reads. */
export const DISCORD_ENV = {
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d{5,25}$/, 'must be a numeric id')
      .optional(),
  ),
  DISCORD_API_URL: z.preprocess(emptyAsUndefined, httpUrl('the Discord REST API').optional()),
  DISCORD_LEASE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().min(1).max(600).default(30)),
  DISCORD_MESSAGE_CONTENT: z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0', 'on', 'off'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1' || v === 'on'),
  ),
} satisfies EnvShape;

type DiscordEnv = { [K in keyof typeof DISCORD_ENV]: z.output<(typeof DISCORD_ENV)[K]> };

/** A token needs the application it belongs to (commands are registered under it). */
export function checkDiscordEnv(env: Record<string, unknown>, report: ReportProblem): void {
  const c = env as DiscordEnv;
  if (c.DISCORD_TOKEN && !c.DISCORD_APPLICATION_ID) {
    report('DISCORD_APPLICATION_ID', 'is required with DISCORD_TOKEN');
  }
}

/** Discord's settings from the parsed variables; undefined without a token and application id. */
export function discordSettings(env: Record<string, unknown>): DiscordConfig | undefined {
  const c = env as DiscordEnv;
  if (!c.DISCORD_TOKEN || !c.DISCORD_APPLICATION_ID) return undefined;
  return {
    token: c.DISCORD_TOKEN,
    applicationId: c.DISCORD_APPLICATION_ID,
    apiUrl: c.DISCORD_API_URL?.replace(/\/+$/, ''),
    leaseMs: c.DISCORD_LEASE_SECONDS * 1000,
    messageContent: c.DISCORD_MESSAGE_CONTENT,
  };
}
