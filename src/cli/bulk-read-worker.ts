/**
 * The worker thread of a bulk import (see bulk-reader.ts): reads, parses and prepares the files in order, a
 * few ahead of the thread that writes them, and posts each file's batches or why it failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { captureDateOf } from '../feed/capture-date.ts';
import { parseFeed } from '../feed/detect.ts';
import { batchBuffers, prepareBulkBatch } from '../store/bulk-batch.ts';
import type { ReaderInput, ReaderMessage } from './bulk-reader.ts';
import { readInput } from './read-input.ts';

const input = workerData as ReaderInput;
const port = parentPort;
if (!port) throw new Error('bulk-read-worker.ts runs as a worker thread only');

let credit = input.ahead;
let wake: (() => void) | null = null;
port.on('message', (m: { credit: number }) => {
  credit += m.credit;
  wake?.();
  wake = null;
});

const post = (m: ReaderMessage) => port.postMessage(m, m.kind === 'file' ? batchBuffers(m.batches) : []);
for (const [index, file] of input.files.entries()) {
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
  try {
    const text = await readInput(file);
    const asOf = input.asOf ?? captureDateOf(text) ?? input.today;
    const parsed = parseFeed(text, input.format, { asOf });
    const batches = [];
    for (let i = 0; i < parsed.papers.length; i += input.batch) {
      // Papers parseFeed returns passed paperSchema already.
      batches.push(prepareBulkBatch(parsed.papers.slice(i, i + input.batch), undefined, { validated: true }));
    }
    credit -= parsed.papers.length;
    post({ kind: 'file', index, file, batches, skipped: parsed.skipped.length });
  } catch (e) {
    post({ kind: 'failed', index, file, reason: (e as Error).message });
  }
}
post({ kind: 'done' });
port.close();
