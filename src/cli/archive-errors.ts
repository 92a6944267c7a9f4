import { type Stats, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../app/config.ts';
import { openStore } from '../store/open.ts';
import type { PaperStore } from '../store/port.ts';

/** Opens the archive DATABASE_URL names; a SQLite path that cannot be one is said in words (see below). */
export async function openArchive(databaseUrl: string): Promise<PaperStore> {
  try {
    return await openStore(databaseUrl);
  } catch (error) {
    throw explainOpenError(error, databaseUrl);
  }
}

/**
 * What went wrong opening a SQLite archive, named by its path with what to do, in place of the system's
 * or SQLite's own words (`EEXIST … mkdir`, `file is not a database`), which name neither. A path that
 * cannot be an archive is a configuration error (exit 2); other errors are returned unchanged.
 */
export function explainOpenError(error: unknown, databaseUrl: string): unknown {
  const path = /^sqlite:(.+)$/.exec(databaseUrl)?.[1]?.replace(/^\/\/(?=\/)/, '');
  if (!path || path === ':memory:' || !(error instanceof Error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const wrong = (problem: string) => new ConfigError([`DATABASE_URL ${databaseUrl}: ${problem}`]);
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const file = fileAbove(path);
    return wrong(
      `${file ?? dirname(path)} is a file, not a folder, so the archive cannot be made under it; name a file in a folder, e.g. sqlite:./data/paperboy.db.`,
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return wrong(
      `${path} is not a SQLite database; point DATABASE_URL at a paperboy archive, or at a new file name to start one.`,
    );
  }
  if (isDirectory(path)) {
    return wrong(
      `${path} is a folder; name the archive file in it, e.g. sqlite:${join(path, 'paperboy.db')}.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
    return new Error(
      `the archive ${path} cannot be opened for writing (${error.message}); check that this user may write it and its folder.`,
    );
  }
  return error;
}

/** The nearest ancestor of `path` that exists and is a file, if any. */
function fileAbove(path: string): string | undefined {
  for (let dir = dirname(resolve(path)); dir !== dirname(dir); dir = dirname(dir)) {
    const s = statOf(dir);
    if (s) return s.isFile() ? dir : undefined;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  return statOf(path)?.isDirectory() === true;
}

/** What is at `path`, or undefined when nothing can be (a file above it, no such entry, no access). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    // Missing, or under a file (ENOTDIR): either way nothing is there, which is all the caller asks.
    return undefined;
  }
}
