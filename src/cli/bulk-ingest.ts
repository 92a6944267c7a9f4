import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedFormat } from '../feed/detect.ts';
import type { BulkBatch, PaperStore } from '../store/port.ts';
import { readPrepared } from './bulk-reader.ts';
import { type CliIo, UsageError } from './io.ts';
import { progressReporter } from './progress.ts';

/**
 * A bulk import commits whole files, every {@link TRANSACTION_FILES} files or once it holds
 * {@link TRANSACTION_PAPERS} papers: large enough that commits are few, small enough that a kill loses
 * little, memory stays flat and the progress bar moves.
 */
const TRANSACTION_PAPERS = 10_000;
const TRANSACTION_FILES = 10;

/** The files a bulk import reads, and the arguments that gave none, each with why. */
export interface BulkSources {
  files: string[];
  unreadable: { file: string; reason: string }[];
}

/**
 * The files a bulk import reads: each argument is a file, or a directory whose files (not its
 * subdirectories, not dotfiles) are read in name order, so a re-run reads them in the same order. An
 * argument that is missing, unreadable or an empty directory is set aside with its reason, as a file
 * that cannot be parsed is: the others are still imported. When no argument gives a file there is nothing
 * to import, which is a usage error naming each.
 */
export async function expandSources(sources: readonly string[]): Promise<BulkSources> {
  const found: BulkSources = { files: [], unreadable: [] };
  for (const source of sources) {
    const s = await stat(source).catch((error: NodeJS.ErrnoException) => error);
    if (s instanceof Error) {
      const reason = s.code === 'ENOENT' ? 'no such file or directory' : s.message;
      found.unreadable.push({ file: source, reason });
      continue;
    }
    if (!s.isDirectory()) {
      found.files.push(source);
      continue;
    }
    const entries = await readdir(source, { withFileTypes: true }).catch((e: Error) => e);
    if (entries instanceof Error) {
      found.unreadable.push({ file: source, reason: `the directory cannot be read: ${entries.message}` });
      continue;
    }
    const names = entries
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) found.unreadable.push({ file: source, reason: 'the directory holds no files' });
    found.files.push(...names.map((name) => join(source, name)));
  }
  if (found.files.length === 0) {
    throw new UsageError(
      `Nothing to ingest: ${found.unreadable.map((u) => `${u.file} (${u.reason})`).join(', ')}.`,
    );
  }
  return found;
}

export interface BulkReport {
  files: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Files that could not be read or parsed, with why; the other files were imported. */
  failed: { file: string; reason: string }[];
  /** The archive's size on disk once the import ended, in bytes. */
  databaseBytes: number;
}

/**
 * Imports many files: read, parsed and prepared a few files ahead on a worker thread (bulk-reader.ts)
 * while this thread stores them with the store's bulk load, several files a transaction, each searchable
 * once it commits, with a progress bar on stderr. New papers are inserted in bulk; papers the archive
 * already holds are upserted (BulkLoadStore), so the result is the archive the ordinary upserts would make;
 * the store tidies up once the last file is in (finishBulkLoad). A file that cannot be read or parsed is
 * reported by name and the import goes on with the rest: one bad file never costs the others, and a re-run
 * after fixing it (or after a kill) imports only what is missing.
 */
export async function bulkIngest(
  store: PaperStore,
  files: readonly string[],
  options: { format: FeedFormat | undefined; asOf: string | undefined; today: string },
  io: CliIo,
): Promise<BulkReport> {
  const report: BulkReport = {
    files: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: [],
    databaseBytes: 0,
  };
  const bar = progressReporter(io.stderr, 'ingest', 'files');
  let pending: BulkBatch[] = [];
  let pendingFiles = 0;
  let pendingPapers = 0;
  const commit = async () => {
    const r = await store.bulkUpsert(pending);
    report.files += pendingFiles;
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
    pending = [];
    pendingFiles = 0;
    pendingPapers = 0;
  };
  for await (const read of readPrepared(files, { ...options, ahead: TRANSACTION_PAPERS * 1.5 })) {
    if (read.kind === 'failed') {
      report.failed.push({ file: read.file, reason: read.reason });
      bar.interrupt();
      io.stderr.write(`${read.file}: not imported: ${read.reason}\n`);
      continue;
    }
    pending.push(...read.batches);
    pendingFiles++;
    pendingPapers += read.batches.reduce((n, b) => n + b.count, 0);
    report.skipped += read.skipped;
    if (pendingPapers >= TRANSACTION_PAPERS || pendingFiles >= TRANSACTION_FILES) {
      await commit();
      bar.update(report.files + report.failed.length, files.length);
    }
  }
  await commit();
  bar.finish(report.files + report.failed.length, files.length);
  if (report.inserted + report.updated > 0) {
    io.stderr.write(
      'ingest: tidying the search index and rebuilding its lists of common words and phrases\n',
    );
    await store.finishBulkLoad();
  }
  report.databaseBytes = await store.databaseBytes();
  return report;
}
