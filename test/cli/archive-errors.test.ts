import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/** A DATABASE_URL that cannot be an archive is named with what to do, as configuration (exit 2). */
describe('an archive path that cannot be one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-archive-'));
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'not a database, just some notes\n'.repeat(200));
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'under a regular file',
      join(file, 'paperboy.db'),
      `${file} is a file, not a folder, so the archive cannot be made under it; name a file in a folder, e.g. sqlite:./data/paperboy.db.`,
    ],
    [
      'deeper under a regular file',
      join(file, 'data', 'paperboy.db'),
      `${file} is a file, not a folder, so the archive cannot be made under it;`,
    ],
    [
      'a file that is no SQLite database',
      file,
      `${file} is not a SQLite database; point DATABASE_URL at a paperboy archive, or at a new file name to start one.`,
    ],
    [
      'a folder',
      folder,
      `${folder} is a folder; name the archive file in it, e.g. sqlite:${join(folder, 'paperboy.db')}.`,
    ],
  ])('GIVEN %s THEN exit 2 naming the path', async (_what, path, said) => {
    const r = await runCli(['search', 'unlearning'], { DATABASE_URL: `sqlite:${path}`, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Invalid configuration:\n  - DATABASE_URL sqlite:${path}: ${said}`);
    expect(r.stdout).toBe('');
  });
});
