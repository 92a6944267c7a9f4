import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type FeedFormat, parseFeed } from '../feed/detect.ts';
import { ingestPapers } from '../papers/ingest.ts';
import type { PaperStore } from '../store/port.ts';
import { type CliIo, UsageError } from './io.ts';
import { progressReporter } from './progress.ts';
import { readInput } from './read-input.ts';

/** Papers per upsert transaction in a bulk import: one file of a day's feed, or a thousand of a big one. */
const BULK_BATCH = 2000;

/**
 * The files a bulk import reads: each argument is a file, or a directory whose files (not its
 * subdirectories, not dotfiles) are read in name order, so a re-run reads them in the same order.
 */
export async function expandSources(sources: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const source of sources) {
    const s = await stat(source).catch(() => null);
    if (!s) throw new UsageError(`Cannot read ${source}: no such file or directory.`);
    if (!s.isDirectory()) {
      files.push(source);
      continue;
    }
    const entries = (await readdir(source, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    if (entries.length === 0) throw new UsageError(`${source} holds no files to ingest.`);
    files.push(...entries.map((name) => join(source, name)));
  }
  return files;
}

export interface BulkReport {
  files: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Files that could not be read or parsed, with why; the other files were imported. */
  failed: { file: string; reason: string }[];
}

/**
 * Imports many files: read one at a time (memory stays flat however many there are), each parsed and
 * upserted like `paperboy ingest <file>`, in batches that each commit in one transaction and are searchable
 * from then on, with a progress bar on stderr. A file that cannot be read or parsed is reported by name and
 * the import goes on with the rest: one bad file never costs the others, and a re-run after fixing it (or
 * after a kill) imports only what is missing (upserts are idempotent).
 */
export async function bulkIngest(
  store: PaperStore,
  files: readonly string[],
  options: { format: FeedFormat | undefined; asOf: string; feedDate: string | undefined },
  io: CliIo,
): Promise<BulkReport> {
  const report: BulkReport = { files: 0, inserted: 0, updated: 0, unchanged: 0, skipped: 0, failed: [] };
  const bar = progressReporter(io.stderr, 'ingest', 'files');
  for (const file of files) {
    let parsed: ReturnType<typeof parseFeed>;
    try {
      parsed = parseFeed(await readInput(file), options.format, options);
    } catch (e) {
      report.failed.push({ file, reason: (e as Error).message });
      bar.interrupt();
      io.stderr.write(`${file}: not imported: ${(e as Error).message}\n`);
      continue;
    }
    const r = await ingestPapers(store, parsed.papers, parsed.skipped, {
      ...(options.feedDate ? { listedOn: options.feedDate } : {}),
      batch: BULK_BATCH,
    });
    report.files++;
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
    report.skipped += r.skipped.length;
    bar.update(report.files + report.failed.length, files.length);
  }
  bar.finish(report.files + report.failed.length, files.length);
  return report;
}
