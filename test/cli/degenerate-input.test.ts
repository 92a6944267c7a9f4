import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEGENERATE_SHAPES, writeDegenerate } from './degenerate-files.ts';

/*
 * The CLI on files no feed looks like, as a real process under a 512 MB heap: it answers with exit 1 and one
 * sentence, never a heap overflow (exit 134 / SIGABRT). 64 MiB is enough for the old line-by-line parser to
 * overflow that heap (it built one string and one array slot per line); bench/parse-memory.ts measures more
 * shapes and sizes, and test/feed/limits.test.ts each parser's bounds in-process.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const HEAP_MB = 512;
const FILE_BYTES = 64 * 1024 * 1024;
/** One run of the whole CLI (tsx start-up included) on a 64 MiB file; generous for a loaded machine. */
const TIMEOUT = 90_000;

const dir = mkdtempSync(join(tmpdir(), 'paperboy-degenerate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runCliProcess(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', 'test/cli/cli-child.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      // A heap overflow prints a long trace; its first lines say enough.
      if (stderr.length < 8192) stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function shape(name: string) {
  const found = DEGENERATE_SHAPES.find((s) => s.name === name);
  if (!found) throw new Error(`no shape "${name}"`);
  return found;
}

describe('the CLI on a 64 MiB file of line breaks, under a 512 MB heap', () => {
  it(
    'GIVEN `ingest` of a word then line breaks (read as page text) THEN it exits 1 with one sentence',
    async () => {
      const file = join(dir, 'line-breaks.txt');
      writeDegenerate(file, shape('a word, then line breaks'), FILE_BYTES);
      const ingest = await runCliProcess(['ingest', file]);
      expect(ingest, ingest.stderr.slice(0, 500)).toMatchObject({ code: 1, signal: null });
      expect(ingest.stderr).toMatch(/^paperboy ingest failed: no paper cards found: .+\.\n$/);
    },
    TIMEOUT,
  );
});
