import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, at any depth: tokens, secrets, passwords, auth headers. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|api[-_]?key/i;
/** Credentials inside a URL (`postgres://user:pass@host`). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s]+@/gi;

/** A copy of `value` with secret-named keys blanked and URL passwords removed; cycles and depth bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.replace(URL_PASSWORD, '$1[redacted]@');
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    // The class (StoreUnavailableError), also for a subclass that left `name` as "Error"; and the cause,
    // which for a wrapped driver error is what actually happened.
    const ctor = value.constructor?.name;
    const out: Record<string, unknown> = {
      type: ctor && ctor !== 'Error' && ctor !== 'Object' ? ctor : value.name,
      message: redact(value.message) as string,
      stack: redact(value.stack),
    };
    if (value.cause !== undefined && depth < 4) out.cause = redact(value.cause, depth + 1, seen);
    return out;
  }
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : redact(v, depth + 1, seen);
  }
  return out;
}

function keepSerialized(value: unknown): unknown {
  return value instanceof Error ? redact(value) : value;
}

/**
 * Creates the process logger. Every record passes through {@link redact}, so a token or a database
 * password never reaches a log even when a whole config or request object is logged.
 * `destination` lets tests capture the output instead of stdout.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      formatters: { log: (record) => redact(record) as Record<string, unknown> },
      // pino's own error serializer would run after `formatters.log` on the already redacted plain object
      // and name its type "Object"; redact() has serialized errors (their class included) by then.
      serializers: { err: keepSerialized, error: keepSerialized },
      hooks: {
        // The message string is not part of the record `formatters.log` sees; redact it too.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? (redact(a) as string) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** One log record as a person reads it: time, level, message, and the reason of an error (no stack). */
export function humanLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
  const level = LEVEL_NAMES[Number(record.level)] ?? 'log';
  const msg = String(record.msg ?? '');
  const err = record.err as { message?: unknown } | undefined;
  const reason = typeof err?.message === 'string' && !msg.includes(err.message) ? ` (${err.message})` : '';
  return `${time} ${level}: ${msg}${reason}\n`;
}

/**
 * A destination that writes each record as one readable line ({@link humanLine}) instead of JSON: for a
 * terminal, where the log shares the screen with the console chat.
 */
export function humanReadable(write: (line: string) => unknown): DestinationStream {
  return { write: (chunk: string) => void write(humanLine(chunk.trimEnd())) };
}

/** A logger that writes nothing: the default for library code whose caller passes none. */
export const silentLogger: Logger = pino({ level: 'silent' });
