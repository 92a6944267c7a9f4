import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaperStore } from '../../src/store/port.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from './postgres-db.ts';

/** A store a suite runs against, by name, each `open()` a fresh empty one. */
export type StoreUnderTest = [name: string, open: () => Promise<PaperStore>];

/**
 * The stores a suite that is not a contract suite runs on: fresh SQLite files in a temporary folder, and
 * fresh PostgreSQL throw-away databases when a server answers. `cleanup` removes both (call it in afterAll).
 */
export async function storesUnderTest(
  name: string,
): Promise<{ stores: StoreUnderTest[]; cleanup: () => Promise<void> }> {
  const pg = await postgresAvailable();
  const dir = mkdtempSync(join(tmpdir(), `paperboy-${name}-`));
  let n = 0;
  const stores: StoreUnderTest[] = [['SQLite', async () => SqliteStore.open(join(dir, `${name}-${n++}.db`))]];
  if (pg.ok) stores.push(['PostgreSQL', async () => PostgresStore.open(await migratedDatabase())]);
  return {
    stores,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      if (pg.ok) await dropThrowawayDatabases();
    },
  };
}
