/**
 * `paperboy` from the sources, for benchmarks that time a command in its own process; prints the process's
 * peak RSS on stderr as `peak-rss-kb N` when it ends (its own: peak-rss.ts).
 */
import { main } from '../src/cli/main.ts';
import { peakRssMb } from './peak-rss.ts';

process.exitCode = await main(process.argv.slice(2));
process.stderr.write(`peak-rss-kb ${Math.round(peakRssMb() * 1024)}\n`);
