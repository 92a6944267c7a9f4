import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log record, so a token or a database password
 * never reaches a log file even when a whole config or request object is logged.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'hfToken',
  '*.hfToken',
  'HF_TOKEN',
  '*.HF_TOKEN',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
  'signingSecret',
  '*.signingSecret',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
];

/** Creates the process logger. `destination` lets tests capture the output instead of stdout. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** A logger that writes nothing: the default for library code whose caller passes none. */
export const silentLogger: Logger = pino({ level: 'silent' });
