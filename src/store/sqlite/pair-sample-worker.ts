/**
 * A worker thread that finds the pairs a lists' build will list (frequent-pairs.ts) from its own read-only
 * connection, while the thread that started it merges the full-text index (pair-sample-thread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { archivePairs, type PairSampleInput } from './frequent-pairs.ts';
import { FtsTokenizer } from './fts-tokens.ts';

const input = workerData as { path: string; sample: PairSampleInput };
try {
  const db = new Database(input.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // One snapshot for the whole sample: the papers as committed when it began.
  db.exec('BEGIN');
  const { pairs, words } = archivePairs(db, new FtsTokenizer(db), input.sample);
  db.exec('COMMIT');
  db.close();
  parentPort?.postMessage({ pairs, words });
} catch (e) {
  parentPort?.postMessage({ error: (e as Error).message });
}
