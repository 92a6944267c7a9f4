import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { FeedFormat } from '../feed/detect.ts';
import { ingestPapers } from '../papers/ingest.ts';
import { bulkIngest, expandSources } from './bulk-ingest.ts';
import { withCore } from './core.ts';
import { type CliIo, counted, dayOption, isoDay, UsageError } from './io.ts';
import { FORMATS, readAndParse } from './parse-cmd.ts';

/**
 * `paperboy ingest`: parses and stores; prints counts and every skipped item with its reason. A saved daily
 * response given `--feed-date D` is D's feed, as `fetch --date D` is: D becomes every paper's feed day.
 * Several files, or a directory of them, are one bulk import (see bulkIngest) with a progress bar on stderr.
 */
export async function ingestCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, 'as-of': { type: 'string' }, 'feed-date': { type: 'string' } },
  });
  const bulk =
    positionals.length > 1 ||
    (positionals[0] !== undefined &&
      !/^https?:\/\//i.test(positionals[0]) &&
      (await stat(positionals[0]).catch(() => null))?.isDirectory() === true);
  if (bulk) return bulkCommand(args, io);
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

async function bulkCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, 'as-of': { type: 'string' }, 'feed-date': { type: 'string' } },
  });
  if (positionals.some((p) => /^https?:\/\//i.test(p))) {
    throw new UsageError('A bulk import reads local files and directories; fetch URLs one at a time.');
  }
  const format = values.format as FeedFormat | undefined;
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}".`);
  }
  if (values['feed-date'] !== undefined) {
    throw new UsageError("--feed-date names one day's feed: give it with one file, not several.");
  }
  const today = isoDay(io.now());
  // Checked here; left undefined when not given, so that each file is read as of its own capture day.
  const asOf = values['as-of'] === undefined ? undefined : dayOption('--as-of', values['as-of'], today);
  const { files, unreadable } = await expandSources(positionals);
  for (const u of unreadable) io.stderr.write(`${u.file}: not imported: ${u.reason}\n`);
  return withCore(io, async ({ store }) => {
    const r = await bulkIngest(store, files, { format, asOf, today }, io);
    const failed = [...unreadable, ...r.failed];
    const all = files.length + unreadable.length;
    io.stdout.write(
      `${r.files} of ${counted(all, 'file')}: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped} skipped\n`,
    );
    io.stdout.write(`database: ${(r.databaseBytes / 2 ** 20).toFixed(0)} MB\n`);
    for (const f of failed) io.stdout.write(`  not imported ${f.file}: ${f.reason}\n`);
    return failed.length > 0 ? 1 : 0;
  });
}
