// The CLI as a real process, straight from the sources: `node --import tsx test/cli/cli-child.ts parse FILE`.
// Tests and benchmarks run it with a heap limit, where an in-process run could not show a heap overflow.
// With PAPERBOY_REPORT_RSS set it prints the peak resident set size as a last stderr line, for the bench.
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
if (process.env.PAPERBOY_REPORT_RSS) {
  process.stderr.write(`peak-rss-mb ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
}
