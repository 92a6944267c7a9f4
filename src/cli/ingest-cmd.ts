import { ingestPapers } from '../papers/ingest.ts';
import { withCore } from './core.ts';
import type { CliIo } from './io.ts';
import { readAndParse } from './parse-cmd.ts';

/**
 * `paperboy ingest`: parses and stores; prints counts and every skipped item with its reason. A saved daily
 * response given `--feed-date D` is D's feed, as `fetch --date D` is: D becomes every paper's feed day.
 */
export async function ingestCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = await readAndParse(args, io, 'ingest');
  return withCore(io, async ({ store }) => {
    const r = await ingestPapers(store, parsed.papers, parsed.skipped, {
      ...(parsed.feedDate ? { listedOn: parsed.feedDate } : {}),
    });
    io.stdout.write(
      `${parsed.source} (${parsed.format}): ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped.length} skipped\n`,
    );
    for (const s of r.skipped) io.stdout.write(`  skipped ${s.where}: ${s.reason}\n`);
    return 0;
  });
}
