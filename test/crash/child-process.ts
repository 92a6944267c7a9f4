import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { compiledChild } from './compiled-child.ts';

/** The repository root: children run from here, as the bot does. */
const ROOT = new URL('../../', import.meta.url).pathname;

/** What became of one child process. */
export interface ChildOutcome {
  /** Progress lines read from the child's stdout, in order. */
  lines: string[];
  /** True when the parent ended the child with SIGKILL. */
  killed: boolean;
  /** The last progress line the parent had read when it sent SIGKILL (or the child's last line). */
  lastLine: string | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `script` (a TypeScript file, compiled once per test process: compiled-child.ts) with `args` and SIGKILLs it as soon as the parent has read
 * `killAfterLines` progress lines from its stdout; with null the child runs to its end. `onSpawn` receives a
 * function that SIGKILLs the child at once, for a test that decides elsewhere (a fake service in the parent,
 * the moment a request reaches it). Resolves when the child has exited. A child that stops making progress
 * for `stallMs` is killed and reported as an error, so a hung child fails the test instead of hanging it.
 */
export async function runChild(
  script: string,
  args: string[],
  killAfterLines: number | null,
  stallMs = 30_000,
  onSpawn?: (kill: () => void) => void,
): Promise<ChildOutcome> {
  const compiled = await compiledChild(script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiled, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let killed = false;
    let lastLine: string | undefined;
    let stalled = false;
    let guard = setTimeout(onStall, stallMs);
    function onStall() {
      stalled = true;
      child.kill('SIGKILL');
    }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const kill = () => {
      if (killed) return;
      killed = true;
      lastLine = lines.at(-1);
      child.kill('SIGKILL');
    };
    onSpawn?.(kill);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (killed) return;
      lines.push(line);
      clearTimeout(guard);
      guard = setTimeout(onStall, stallMs);
      if (killAfterLines !== null && lines.length >= killAfterLines) kill();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (stalled) {
        reject(new Error(`${script} made no progress for ${stallMs} ms; stderr: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ lines, killed, lastLine: lastLine ?? lines.at(-1), code, signal, stderr });
    });
  });
}

/** Fails with the child's stderr when it ended on its own without success. */
export function assertCleanExit(outcome: ChildOutcome, what: string): void {
  if (outcome.killed) return;
  if (outcome.code !== 0) {
    throw new Error(
      `${what} exited with ${outcome.code ?? outcome.signal}; stderr:\n${outcome.stderr.slice(-3000)}`,
    );
  }
}

/** Writes one progress line for the parent. Writes to a pipe are synchronous on Linux. */
export function progress(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Counts occurrences, for the phase report. */
export function tally(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
