import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { ADMIN_URL, databaseUrl, postgresAvailable } from './postgres-db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database with every migration applied, cloned by `migratedDatabase()`; '' without a server. */
    postgresTemplate: string;
  }
}

/**
 * Global setup: migrates one template database per run. Most test databases start as a copy of it
 * (`CREATE DATABASE … TEMPLATE`), which takes a fraction of running every migration again in each of the
 * suite's ~150 databases. Made from the current migrations at the start of every run, so it is never stale;
 * closed to connections, since PostgreSQL copies a database only while nobody is connected to it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('postgresTemplate', '');
  if (!(await postgresAvailable()).ok) return async () => undefined;
  const name = `paperboy_template_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const store = await PostgresStore.open(databaseUrl(name));
    await store.close();
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  } finally {
    await admin.end();
  }
  project.provide('postgresTemplate', name);
  return async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  };
}
