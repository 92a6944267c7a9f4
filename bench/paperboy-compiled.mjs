/**
 * `paperboy` as installed (the compiled dist, as bin/paperboy.js runs it), for benchmarks that time a
 * command in its own process the way a person runs it; prints the process's peak RSS on stderr as
 * `peak-rss-kb N` when it ends. bench/search.ts compiles the dist first, so it is never stale.
 */
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
