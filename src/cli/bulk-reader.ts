import type { FeedFormat } from '../feed/detect.ts';
import type { BulkBatch } from '../store/bulk-port.ts';
import { startWorker } from '../worker-thread.ts';

/** What the worker thread is given. */
export interface ReaderInput {
  files: readonly string[];
  format: FeedFormat | undefined;
  /**
   * The `--as-of` day when given. Without it each file is read as of the day it says it was captured (its
   * front matter or capture note), else `today`, as `ingest` of one file reads it: a folder of copies saved
   * over months holds as many capture days, and a card's `Dec 2` belongs to its own copy's year.
   */
  asOf: string | undefined;
  today: string;
  /**
   * Papers the reader may hold ready beyond what the writer has taken (and one file more): enough to keep
   * it busy while a transaction is written, few enough that memory stays flat however many files there are.
   */
  ahead: number;
  /** Papers per prepared batch (one multi-row INSERT). */
  batch: number;
}

/** One file, read, parsed and prepared; or why it could not be. */
export type ReaderMessage =
  | { kind: 'file'; index: number; file: string; batches: BulkBatch[]; skipped: number }
  | { kind: 'failed'; index: number; file: string; reason: string }
  | { kind: 'done' };

export type ReadFile = Exclude<ReaderMessage, { kind: 'done' }>;

/**
 * Reads, parses and prepares `files` in order on a worker thread, yielding each as it is ready: the parse,
 * the validation and the text work (abbreviations, vocabulary) run on the second core while this thread
 * writes. At most `ahead` papers (and one file) wait untaken, so memory stays flat however many files there are.
 */
export async function* readPrepared(
  files: readonly string[],
  options: {
    format: FeedFormat | undefined;
    asOf: string | undefined;
    today: string;
    ahead: number;
    batch?: number;
  },
): AsyncGenerator<ReadFile> {
  const input: ReaderInput = {
    files,
    format: options.format,
    asOf: options.asOf,
    today: options.today,
    ahead: options.ahead,
    batch: options.batch ?? 1000,
  };
  const worker = startWorker(import.meta.url, 'bulk-read-worker', { workerData: input });
  const queue: ReaderMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: ReaderMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0 && !failure) failure = new Error(`the file reader stopped (exit code ${code})`);
    notify();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (m === undefined) {
        if (failure) throw failure;
        if (exited) throw new Error('the file reader stopped before the last file');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (m.kind === 'done') return;
      yield m;
      if (m.kind === 'file') worker.postMessage({ credit: m.batches.reduce((n, b) => n + b.count, 0) });
    }
  } finally {
    if (!exited) await worker.terminate();
  }
}
