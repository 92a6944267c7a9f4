import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main, USAGE } from '../../src/cli/main.ts';
import type { ConsoleIo } from '../../src/cli/start-cmd.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Runs the CLI with a keyboard the test types into, and a signal the test can send. */
function runInteractive(argv: string[]) {
  const stdin = new PassThrough();
  let stdout = '';
  let stderr = '';
  let signal: (() => void) | null = null;
  let waiting: { pattern: RegExp; resolve: () => void } | null = null;
  const io: ConsoleIo = {
    stdout: {
      write: (s: string) => {
        stdout += s;
        if (waiting?.pattern.test(stdout)) waiting.resolve();
      },
    },
    stderr: { write: (s: string) => (stderr += s) },
    env: { DATABASE_URL: `sqlite:${join(dir, `archive-${n++}.db`)}`, LOG_LEVEL: 'silent' },
    now: () => new Date('2025-11-12T09:00:00Z'),
    stdin,
    onSignal: (stop) => {
      signal = stop;
      return () => {
        signal = null;
      };
    },
  };
  const code = main(argv, io);
  return {
    stdin,
    code,
    out: () => stdout,
    /** Resolves once the output matches `pattern`: the console answered. */
    waitFor: (pattern: RegExp) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : new Promise<void>((resolve) => (waiting = { pattern, resolve })),
    err: () => stderr,
    signal: () => signal?.(),
  };
}

describe('paperboy console and start', () => {
  it('lists both in the usage text', () => {
    expect(USAGE).toMatch(/paperboy console/);
    expect(USAGE).toMatch(/paperboy start/);
  });

  it('console: answers typed commands until quit, then exits 0', async () => {
    const run = runInteractive(['console']);
    run.stdin.end('/papers today\nquit\n');
    expect(await run.code).toBe(0);
    expect(run.out()).toMatch(/^paperboy console: you are in console:local\./);
    expect(run.out()).toContain('The archive has no feed days yet');
    expect(run.err()).toBe('');
  });

  it('start: with no chat credentials, says so in one line and runs the console', async () => {
    const run = runInteractive(['start']);
    run.stdin.end('help\n');
    expect(await run.code).toBe(0);
    expect(run.err()).toBe(
      'No Slack or Discord credentials are configured, so paperboy starts the terminal console.\n',
    );
    expect(run.out()).toContain('Console keys:');
  });

  it('start: with the feed unreachable, says so once in a readable sentence with what to do, never as JSON', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const stdin = new PassThrough();
    let stderr = '';
    let seen: () => void = () => {};
    const sentence = new Promise<void>((resolve) => (seen = resolve));
    let stop: () => void = () => {};
    const code = main(['start'], {
      stdout: { write: () => true },
      stderr: {
        write: (s: string) => {
          stderr += s;
          if (/could not be reached/.test(stderr)) seen();
          return true;
        },
      },
      env: {
        DATABASE_URL: `sqlite:${join(dir, `archive-${n++}.db`)}`,
        HF_API_URL: `http://127.0.0.1:${port}`,
      },
      now: () => new Date(),
      stdin,
      onSignal: (s) => {
        stop = s;
        return () => {};
      },
    } as ConsoleIo);
    await sentence;
    stop();
    expect(await code).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(
      'No Slack or Discord credentials are configured, so paperboy starts the terminal console.',
    );
    const said = lines.filter((l) => /could not be reached/.test(l));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^\d\d:\d\d:\d\d warn: The Hugging Face feed could not be reached \(.+\); .*npx paperboy ingest/,
    );
    expect(stderr).not.toMatch(/"level"|^\s+at /m);
  });

  it('stops cleanly on a signal while waiting for input', async () => {
    const run = runInteractive(['console']);
    await run.waitFor(/quit to leave/);
    run.signal();
    expect(await run.code).toBe(0);
  });

  it.each([[['console', 'extra']], [['start', '--now']]])('GIVEN %j THEN usage, exit 2', async (argv) => {
    const run = runInteractive(argv);
    expect(await run.code).toBe(2);
    expect(run.err()).toMatch(/^Usage: paperboy (console|start)\n$/);
  });
});
