import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { paper } from '../contract/store.contract.ts';
import { runCli } from './run-cli.ts';

/** What the command line says in small things: its version, its help, counts, and its own examples. */
describe('paperboy wording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-wording-'));
  const env = {
    DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`,
    LOG_LEVEL: 'silent',
    // Nothing listens here: a command that went to the network would fail, not pass.
    HF_API_URL: 'http://127.0.0.1:9',
  };
  beforeAll(async () => {
    const store = SqliteStore.open(join(dir, 'archive.db'));
    try {
      await store.upsertPapers([
        paper({ arxivId: '2401.00001', title: 'Machine Unlearning at Scale', upvotes: 1 }),
      ]);
      await store.recordPost({
        message: 'slack:C1:1.1',
        channel: 'slack:C1',
        paperId: '2401.00001',
        kind: 'share',
        postedBy: null,
        postedAt: '2025-11-10T09:00:00Z',
      });
      await store.addReaction({
        message: 'slack:C1:1.1',
        user: 'slack:U1',
        emoji: '+1',
        at: '2025-11-10T10:00:00Z',
      });
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const r = await runCli(['--version'], env);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('help lists every option: roundup --retry and export --channel too', async () => {
    const r = await runCli(['help'], env);
    expect(r.stdout).toMatch(/paperboy roundup .*\[--retry\]/);
    expect(r.stdout).toMatch(/paperboy export [^\n]*\n\s+\[--channel slack:C123\]/);
    expect(r.stdout).toContain('paperboy --version');
  });

  it('one vote and one upvote are singular', async () => {
    const r = await runCli(['search', 'unlearning'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^1\. Machine Unlearning at Scale\n {3}\? authors · 1 upvote · 1 team vote · score /,
    );
  });

  it.each([[''], ['!!!']])('search %j gives a command-line example, not a chat one', async (query) => {
    const r = await runCli(['search', query], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Type some words to search for, for example: paperboy search machine unlearning\n');
  });

  it('an id no paper can have, searched alone, is said to be none, as in chat; its digits among words are words', async () => {
    const r = await runCli(['search', '9999.99999'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^9999\.99999 is not an arXiv id: month 99 does not exist/);
    expect((await runCli(['search', 'python', '3.10', 'unlearning'], env)).code).toBe(0);
    expect((await runCli(['search', 'arXiv:2401.00001'], env)).stdout).toMatch(
      /^1\. Machine Unlearning at Scale/,
    );
  });

  it('fetch --date in the future is refused before any request, as --since is', async () => {
    const r = await runCli(['fetch', '--date', '2030-01-01'], env);
    expect(r).toEqual({ code: 2, stdout: '', stderr: '--date 2030-01-01 is in the future.\n' });
  });
});
