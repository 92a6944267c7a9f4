import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/paperboy.js', import.meta.url).pathname;

/**
 * Runs the installed bin with its stdout's reading end closed before it writes anything, as `| head`
 * leaves it once it has read enough. Resolves with the exit code and what it said on stderr.
 */
function runIntoClosedPipe(args: string[], env: Record<string, string>) {
  const child = spawn('node', [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Closed before the child has even loaded: its first write finds no reader.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output into a closed pipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-epipe-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`, LOG_LEVEL: 'silent' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([[['search', 'llm unlearning', '--explain']], [['help']]])(
    'GIVEN %j THEN it ends quietly with its own exit code',
    async (args) => {
      const r = await runIntoClosedPipe(args, env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );
});
