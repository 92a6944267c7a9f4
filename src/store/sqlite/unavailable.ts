import Database from 'better-sqlite3';

/**
 * Whether better-sqlite3 failed because another connection holds a lock for longer than the busy timeout
 * (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes such as `SQLITE_BUSY_SNAPSHOT`): the file is
 * fine and the same statement will work once the other writer is done.
 */
export function isSqliteUnavailable(error: unknown): boolean {
  return error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(error.code);
}
