import { startWorker } from '../../worker-thread.ts';
import type { PairSampleInput } from './frequent-pairs.ts';

/**
 * The pairs a lists' build will list, found on a thread of their own while this thread does other work.
 * A bulk load's finish merges the full-text index in one SQLite writer, a core's work for about 10 s at a
 * million papers, with the other core idle; the pairs' sample (about 5 s there, reading 100,000 papers)
 * runs beside it, from the archive as committed before the merge: the same papers and words, since the
 * merge changes how the index is stored, not what it holds.
 */
export class PairSampleThread {
  private readonly result: Promise<string[] | null>;
  private readonly stop: () => Promise<number>;

  constructor(path: string, sample: PairSampleInput) {
    const worker = startWorker(import.meta.url, 'pair-sample-worker', { workerData: { path, sample } });
    this.stop = () => worker.terminate();
    this.result = new Promise((resolve) => {
      // Whatever goes wrong on the thread, the build finds the pairs itself (null): nothing is lost.
      worker.once('message', (m: { pairs?: string[]; error?: string }) => resolve(m.pairs ?? null));
      worker.once('error', () => resolve(null));
      worker.once('exit', () => resolve(null));
    });
  }

  /** The pairs, or null when the thread could not find them. Ends the thread. */
  async pairs(): Promise<string[] | null> {
    try {
      return await this.result;
    } finally {
      await this.stop();
    }
  }

  /** Ends the thread, its answer unread (the work it was to run beside failed). */
  async cancel(): Promise<void> {
    await this.stop();
  }
}
