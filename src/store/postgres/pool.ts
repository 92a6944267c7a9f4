import pg from 'pg';
import type { Logger } from '../../log.ts';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PoolSettings {
  url: string;
  size: number;
  /**
   * The server cancels a statement running longer (statement_timeout); the client gives up waiting for an
   * answer 5 s after that (query_timeout), which also covers a network that silently drops every packet,
   * where no cancellation can arrive.
   */
  statementTimeoutMs: number;
  logger: Logger | undefined;
}

/**
 * The connection pool, with its 'error' event handled: pg-pool emits it when an idle client's connection
 * fails (the server restarted, the network dropped). Unhandled, an EventEmitter 'error' ends the process;
 * the pool has already discarded that client, so logging is all there is to do.
 */
export function createPool(settings: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.size,
    connectionTimeoutMillis: 10_000,
    statement_timeout: settings.statementTimeoutMs,
    // A query that timed out on the client fails its pool client, which the pool then destroys.
    query_timeout: settings.statementTimeoutMs + 5_000,
    // Dead peers are noticed by the operating system too, not only when a query is sent.
    keepAlive: true,
    application_name: 'paperboy',
  });
  pool.on('error', (error) =>
    settings.logger?.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool replaced it'),
  );
  return pool;
}

/**
 * Runs `work` on one client checked out of the pool, and returns the client afterwards.
 *
 * pg-pool listens for a client's 'error' only while the client is idle in the pool; checked out, a
 * connection that drops (or a server that sends "terminating connection" between statements) emits
 * 'error' on a client nobody listens to, which ends the process. So the client carries a listener of ours
 * for its whole checkout. A client that failed that way, or whose state is unknown because `work` could
 * not clean up after itself (`discard`), is released with the error, which makes the pool destroy it
 * instead of handing a broken connection to the next caller.
 */
export async function withClient<T>(
  pool: pg.Pool,
  logger: Logger | undefined,
  work: (client: pg.PoolClient, discard: (reason: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
    logger?.warn({ err: error }, 'a PostgreSQL connection in use failed');
  };
  client.on('error', onError);
  try {
    return await work(client, (reason) => {
      broken ??= reason;
    });
  } catch (error) {
    // A query that timed out may still be running on a connection nobody can trust (a frozen network):
    // never hand that connection to the next caller.
    if (error instanceof Error && /^Query read timeout/.test(error.message)) broken ??= error;
    throw error;
  } finally {
    // Released first: the pool puts its own idle listener back on before ours comes off, so no error
    // event can find the client without one.
    client.release(broken);
    client.off('error', onError);
  }
}

/**
 * Runs `work` in a transaction on one client. On failure it rolls back; if even the rollback fails (the
 * connection is gone), the client is destroyed rather than reused in an unknown state.
 */
export function inTransaction<T>(
  pool: pg.Pool,
  logger: Logger | undefined,
  work: (client: Queryable) => Promise<T>,
): Promise<T> {
  return withClient(pool, logger, async (client, discard) => {
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackFailed) {
        discard(rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed)));
      }
      throw error;
    }
  });
}
