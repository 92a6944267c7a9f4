import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { compiledChild } from '../crash/compiled-child.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = new URL('./bot-child.ts', import.meta.url).pathname;

export type LogRecord = { msg?: string; err?: { type?: string; message?: string }; [key: string]: unknown };

/** A port free right now, for the child's Slack receiver (which also serves /healthz). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The child's JSON log lines as they arrive. `waitFor` resolves with the first matching record, and
 * rejects as soon as the child exits without one: a crash fails the test at once, with its stderr.
 */
export function watchLogs(child: ChildProcess) {
  const records: LogRecord[] = [];
  const waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      return; // not a log record (nothing else writes to stdout, but a stray line must not break the test)
    }
    records.push(record);
    for (const w of waiters.filter((x) => x.match(record))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(record);
    }
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`the bot exited (${code ?? signal}); stderr:\n${stderr}`)),
  );
  return {
    records,
    waitFor(match: (r: LogRecord) => boolean, what: string, timeoutMs = 20_000): Promise<LogRecord> {
      const seen = records.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogRecord>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line "${what}" within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
        void exited.then((why) => {
          clearTimeout(timer);
          reject(new Error(`waiting for "${what}": ${why}`));
        });
      });
    },
  };
}

/** The bot as `paperboy start` runs it (bot-child.ts, without the scheduler), in a process of its own. */
export async function spawnBot(env: Record<string, string>): Promise<ChildProcess> {
  return spawn(process.execPath, [await compiledChild(CHILD)], {
    cwd: ROOT,
    // Held events written down in a folder of the test's, not the checkout's ./data.
    env: { HELD_EVENTS_DIR: mkdtempSync(join(tmpdir(), 'paperboy-held-')), ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Ends the bot with SIGTERM, as a process manager does, and waits for it to exit. */
export async function stopBot(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}
