/** What a CLI command may touch: its streams, environment and clock, injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  now: () => Date;
}

import { UsageError } from '../usage-error.ts';

export { UsageError };

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Validates a `YYYY-MM-DD` option value, naming the option in the error. */
export function dayOption(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || isoDay(d) !== value) {
    throw new UsageError(`${name} must be a date as YYYY-MM-DD, not "${value}".`);
  }
  return value;
}

/** Validates a positive integer option value. */
export function intOption(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${value}".`);
  }
  return n;
}

/** `n thing` or `n things`. */
export function counted(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}

/**
 * A message shared with chat, worded for the command line: the search code's examples are chat's
 * (`/papers machine unlearning`), which a shell user would type as `paperboy search machine unlearning`.
 */
export function forCommandLine(message: string): string {
  return (
    message
      .replace(/\/papers (?=\S)/g, 'paperboy search ')
      // A shell takes the quotes off words (`paperboy export "top k sampling"` reaches paperboy as three
      // words): quoted words reach it inside the shell's own quotes.
      .replace(
        /put (the words|it) in quotes \(("[^"]*")\)/g,
        "put $1 in quotes, inside the shell's own ('$2')",
      )
      .replace(/put (the words|it) in quotes\./g, "put $1 in quotes, inside the shell's own ('\"…\"').")
  );
}
