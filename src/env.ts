import { z } from 'zod';

/**
 * Zod pieces for environment variables, shared by the core settings (src/app/config.ts) and each
 * platform's own settings (adapters/NAME/settings.ts), so every variable reads blanks and URLs alike.
 */

/** A blank value (`FOO=` in a .env file) means unset, so its default applies. */
export const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** An optional string; blank is unset. */
export const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

/** An http(s) URL; the message says what it should point at. */
export const httpUrl = (what: string) =>
  z.string().refine((s) => /^https?:\/\/[^\s/]+/.test(s), `must be an http(s) URL of ${what}`);

/** A comma- or space-separated list, without blanks. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The zod shape of a group of variables, by variable name. */
export type EnvShape = Record<string, z.ZodType>;

/** Reports one problem with a variable, joined to every other problem of the same parse. */
export type ReportProblem = (variable: string, message: string) => void;
