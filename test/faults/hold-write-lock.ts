import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Another connection to the archive at `path` (in a worker thread: better-sqlite3 waits synchronously, so the holder must not
 * share the bot's thread) takes the write lock with BEGIN IMMEDIATE and keeps it until `holdMs` pass or
 * it is told to let go. `released` is when it committed, on the same clock as the fakes.
 */
export function holdWriteLock(path: string, holdMs: number) {
  const shared = new SharedArrayBuffer(16);
  const flag = new Int32Array(shared, 0, 1);
  const releasedAt = new Float64Array(shared, 8, 1);
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const Database = require(workerData.module);
     const db = new Database(workerData.path);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("INSERT INTO leases (name, holder, expires_at) VALUES ('lock-test', 'other', '2100-01-01')").run();
     parentPort.postMessage('locked');
     const flag = new Int32Array(workerData.shared, 0, 1);
     Atomics.wait(flag, 0, 0, workerData.holdMs);
     db.exec('ROLLBACK');
     new Float64Array(workerData.shared, 8, 1)[0] = Date.now();
     db.close();`,
    {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, holdMs, shared },
    },
  );
  const locked = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    locked,
    /** Lets go now (if still held) and resolves with the commit time once the worker is gone. */
    async release(): Promise<number> {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await exited;
      return releasedAt[0] as number;
    },
  };
}
