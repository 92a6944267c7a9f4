import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The PostgreSQL server tests run against: PAPERBOY_TEST_PG_URL (set by .ci/run), else the local default.
 * Each test database is created fresh and dropped at the end.
 */
export const ADMIN_URL = process.env.PAPERBOY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const created: string[] = [];

export async function postgresAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no PostgreSQL at ${new URL(ADMIN_URL).host} (${(error as Error).message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database and returns its URL: for a test of what the store does to a new database. */
export function throwawayDatabase(): Promise<string> {
  return createDatabase('');
}

/**
 * Creates a database with every migration applied, as a store leaves a new one, and returns its URL: a copy
 * of the run's template (postgres-template.ts), else an empty one the store will migrate when it opens.
 */
export function migratedDatabase(): Promise<string> {
  return createDatabase(inject('postgresTemplate') ?? '');
}

async function createDatabase(template: string): Promise<string> {
  const name = `paperboy_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await client.end();
  }
  created.push(name);
  return databaseUrl(name);
}

/** The URL of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops the databases this process created (connections closed first by their stores). Every DROP DATABASE
 * waits for a checkpoint; drops waiting at the same moment share one, so they go over several connections
 * at once: serially, a file's few dozen drops took from 10 s to a minute on a busy disk.
 */
export async function dropThrowawayDatabases(): Promise<void> {
  const names = created.splice(0);
  const connections = Math.min(8, names.length);
  await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        for (let n = i; n < names.length; n += connections) {
          await client.query(`DROP DATABASE IF EXISTS ${names[n]} WITH (FORCE)`);
        }
      } finally {
        await client.end();
      }
    }),
  );
}

/**
 * Makes every lease expiry, roundup time (claims, leases, retries, plans) and watch delivery time (lease
 * and next try) in the database at `url` `ms` older. PostgreSQL times
 * those by the server's clock, which a test cannot move; ageing what was written is the same as `ms`
 * passing, as far as any comparison the store makes can tell.
 */
export async function ageLeasesAndClaims(url: string, ms: number): Promise<void> {
  const older = (column: string) =>
    `to_char((${column}::timestamptz - $1::float8 * interval '1 millisecond') AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`UPDATE leases SET expires_at = ${older('expires_at')}`, [ms]);
    await client.query(
      `UPDATE deliveries SET expires_at = expires_at - $1::float8 * interval '1 millisecond'`,
      [ms],
    );
    for (const column of ['claimed_at', 'lease_until', 'retry_at', 'planned_at', 'finished_at']) {
      await client.query(`UPDATE roundups SET ${column} = ${older(column)} WHERE ${column} IS NOT NULL`, [
        ms,
      ]);
    }
    for (const column of ['lease_until', 'retry_at']) {
      await client.query(
        `UPDATE watch_deliveries SET ${column} = ${older(column)} WHERE ${column} IS NOT NULL`,
        [ms],
      );
    }
  } finally {
    await client.end();
  }
}
