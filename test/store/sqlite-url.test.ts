import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { sqliteFilePath } from '../../src/store/sqlite-url.ts';

describe('a sqlite: DATABASE_URL', () => {
  it.each([
    ['sqlite:./data/paperboy.db', './data/paperboy.db'],
    ['sqlite:/var/lib/p.db', '/var/lib/p.db'],
    ['sqlite:///var/lib/p.db', '/var/lib/p.db'],
    ['sqlite:file:/var/lib/p.db', '/var/lib/p.db'],
    ['sqlite:file:///var/lib/p.db?mode=rwc', '/var/lib/p.db'],
    ['sqlite:file:p.db', 'p.db'],
    ['sqlite::memory:', ':memory:'],
    ['postgres://u@h/db', null],
  ])('GIVEN %j THEN the file %j', (url, file) => {
    expect(sqliteFilePath(url)).toBe(file);
  });

  it('in the URI form opens the file it names, and makes no folder called "file:"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-url-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const store = await openStore(`sqlite:file:${join(dir, 'archive.db')}`);
      await store.close();
      expect(existsSync(join(dir, 'archive.db'))).toBe(true);
      expect(existsSync(join(dir, 'file:'))).toBe(false);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
