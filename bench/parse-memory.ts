/**
 * Peak memory of `paperboy parse` on degenerate inputs: each shape is written at each size to a temporary
 * file and parsed by the real CLI in a child process under a heap limit. Prints one line per run: exit code
 * (134 or a signal is a heap overflow), peak RSS, seconds, and the first stderr line.
 *
 *   node --import tsx bench/parse-memory.ts [--sizes 16,64,128] [--heap 512] [--only "line breaks"]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEGENERATE_SHAPES, writeDegenerate } from '../test/cli/degenerate-files.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '16,64,128' },
    heap: { type: 'string', default: '512' },
    only: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map(Number);

interface Run {
  code: number | null;
  signal: string | null;
  rssMb: number | null;
  seconds: number;
  firstLine: string;
}

function runParse(file: string, format: string | undefined): Promise<Run> {
  const args = [
    `--max-old-space-size=${values.heap}`,
    '--import',
    'tsx',
    'test/cli/cli-child.ts',
    'parse',
    file,
    ...(format ? ['--format', format] : []),
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, PAPERBOY_REPORT_RSS: '1', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      // Keep the head (the message) and the tail (the RSS line); a heap overflow prints a long trace.
      stderr = stderr.length < 4096 ? stderr + s : stderr.slice(0, 2048) + s.slice(-2048);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const rss = /peak-rss-mb (\d+)/.exec(stderr);
      resolve({
        code,
        signal,
        rssMb: rss ? Number(rss[1]) : null,
        seconds: (performance.now() - started) / 1000,
        firstLine: (stderr.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 110),
      });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'paperboy-parse-memory-'));
try {
  console.log(`heap limit ${values.heap} MB; node ${process.version}`);
  for (const shape of DEGENERATE_SHAPES) {
    if (values.only && !shape.name.includes(values.only)) continue;
    for (const mb of sizes) {
      const file = join(dir, 'input');
      writeDegenerate(file, shape, mb * 1024 * 1024);
      const r = await runParse(file, shape.format);
      rmSync(file);
      const outcome = r.signal ?? `exit ${r.code}`;
      const rss = r.rssMb === null ? '   (died)' : `${String(r.rssMb).padStart(5)} MB`;
      console.log(
        `${shape.name.padEnd(40)} ${String(mb).padStart(4)} MB  ${outcome.padEnd(8)} ${rss}  ${r.seconds.toFixed(1).padStart(5)} s  ${r.firstLine}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
