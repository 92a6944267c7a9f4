/** Socket errors of a server that is down, restarting or unreachable, or of a network in between. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean "not now" rather than "wrong": class 08 (connection exception), server shutting down
 * or starting (57P01–57P03), a session ended by the server for idling (57P05, 25P03), a statement
 * cancelled by statement_timeout (57014), lock_timeout (55P03), and too many connections (53300).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '25P03', '57014', '55P03', '53300']);

/**
 * node-postgres reports some failures with a message and no code: a connection that dropped (also the
 * connection timeout, "Connection terminated due to connection timeout"), a pool checkout that timed out,
 * a client broken earlier, a query read timeout, and a pool already ended (the store is closing).
 */
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Query read timeout|Cannot use a pool after calling end)/;

/**
 * Whether a node-postgres error means the database cannot be used just now. Looks through `cause` and
 * AggregateError's `errors` (Node reports a refused connection to each address of a host that way).
 */
export function isPostgresUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (DRIVER_MESSAGES.test(error.message)) return true;
  const inner = error instanceof AggregateError ? error.errors : [];
  return [error.cause, ...inner].some((e) => isPostgresUnavailable(e, depth + 1));
}
