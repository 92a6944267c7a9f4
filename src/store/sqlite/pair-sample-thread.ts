import { startWorker } from '../../worker-thread.ts';
import type { PairSampleInput, VocabularyWord } from './frequent-pairs.ts';

/**
 * How long `pairs()` waits for a thread still at work: the sample is about 5 s at a million papers and is
 * done by the time the merge beside it ends; a thread this late is stuck, and the build finds them itself.
 */
const WAIT_MS = 120_000;

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
  /**
   * The vocabulary the thread read (every word in more than `pairMinDf` papers, in term order), once its
   * pairs are in; with `version`, the writer's PRAGMA data_version when the thread started, a build whose
   * transaction sees the same version (no other connection has committed since) reads it from here.
   */
  words: VocabularyWord[] | null = null;

  constructor(
    path: string,
    sample: PairSampleInput,
    readonly version?: number,
  ) {
    const worker = startWorker(import.meta.url, 'pair-sample-worker', { workerData: { path, sample } });
    this.stop = () => worker.terminate();
    this.result = new Promise((resolve) => {
      // Whatever goes wrong on the thread, the build finds the pairs itself (null): nothing is lost.
      worker.once('message', (m: { pairs?: string[]; words?: VocabularyWord[]; error?: string }) => {
        this.words = m.words ?? null;
        resolve(m.pairs ?? null);
      });
      worker.once('error', () => resolve(null));
      worker.once('exit', () => resolve(null));
    });
  }

  /** The pairs, or null when the thread could not find them (in `waitMs`). Ends the thread. */
  async pairs(waitMs = WAIT_MS): Promise<string[] | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
    });
    try {
      return await Promise.race([this.result, late]);
    } finally {
      clearTimeout(timer);
      await this.stop();
    }
  }

  /** Ends the thread, its answer unread (the work it was to run beside failed). */
  async cancel(): Promise<void> {
    await this.stop();
  }
}
