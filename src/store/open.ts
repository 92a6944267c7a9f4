import type { Logger } from '../log.ts';
import type { PaperStore } from './port.ts';
import { PostgresStore } from './postgres/store.ts';
import { SqliteStore } from './sqlite/store.ts';
import { sqliteFilePath } from './sqlite-url.ts';

/**
 * Opens the store a `DATABASE_URL` names: `sqlite:<path>` (or `sqlite::memory:`), or
 * `postgres://…` / `postgresql://…`. An unknown scheme is a configuration error, reported with the URL's
 * scheme (never its password).
 */
export async function openStore(databaseUrl: string, logger?: Logger): Promise<PaperStore> {
  const file = sqliteFilePath(databaseUrl);
  if (file !== null) return SqliteStore.open(file);
  if (/^postgres(ql)?:\/\//.test(databaseUrl))
    return PostgresStore.open(databaseUrl, logger ? { logger } : {});
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1] ?? '(none)';
  throw new Error(
    `DATABASE_URL uses the scheme "${scheme}", which paperboy does not support; use sqlite:<path> or postgres://.`,
  );
}
