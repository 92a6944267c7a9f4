/**
 * `paperboy` as installed (the compiled dist, as bin/paperboy.js runs it), for benchmarks that time a
 * command in its own process the way a person runs it; prints the process's peak RSS on stderr as
 * `peak-rss-kb N` when it ends: VmHWM, its own (not getrusage's maxrss, which counts the RSS of the
 * process that spawned it: bench/peak-rss.ts), and its CPU time, every thread's, as `cpu-s USER SYSTEM`
 * (what bounds a command's wall time on a machine of few cores). bench/search.ts compiles the dist first,
 * so it is never stale.
 */

import { readFileSync } from 'node:fs';
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
let hwm;
try {
  hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
} catch {
  // No /proc (not Linux): maxRSS below.
}
const usage = process.resourceUsage();
process.stderr.write(`peak-rss-kb ${hwm ?? usage.maxRSS}\n`);
process.stderr.write(
  `cpu-s ${(usage.userCPUTime / 1e6).toFixed(1)} ${(usage.systemCPUTime / 1e6).toFixed(1)}\n`,
);
