import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/** Options as the command line reads them: a mistyped one is refused by name; --help gives the usage. */
describe('paperboy options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-options-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`, LOG_LEVEL: 'silent' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['search', 'unlearning', '--jsn'], /^Unknown option "--jsn"\. Usage: paperboy search "<query>"/],
    [['search', '--limit', '3', '--explian', 'x'], /^Unknown option "--explian"\./],
    [['export', 'unlearning', '--fromat', 'csv'], /^Unknown option "--fromat"\. Usage: paperboy export /],
  ])('GIVEN %j THEN exit 2 naming the option, and nothing on stdout', async (argv, message) => {
    const r = await runCli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['search', '--help'], 'Usage:\n  paperboy search "<query>" [--limit N] [--json] [--explain]\n'],
    [
      ['export', 'unlearning', '-h'],
      /^Usage:\n {2}paperboy export \[list \| top week\|month\|all \| <query>\]/,
    ],
    [
      ['ingest', '--help'],
      /^Usage:\n {2}paperboy ingest <file\|url>.*\n {2}paperboy ingest <file\|dir>\.\.\./,
    ],
  ])('GIVEN %j THEN the usage of that command on stdout, exit 0', async (argv, usage) => {
    const r = await runCli(argv, env);
    expect(r.code).toBe(0);
    if (typeof usage === 'string') expect(r.stdout).toBe(usage);
    else expect(r.stdout).toMatch(usage);
    expect(r.stderr).toBe('');
  });

  it('searches for words after --, whatever they start with', async () => {
    const r = await runCli(['search', '--', 'unlearning', '--jsn'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No papers match.\n');
  });

  it('searches for one argument holding a space, even one that starts with --', async () => {
    const r = await runCli(['search', '--json in titles'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No papers match.\n');
  });
});
