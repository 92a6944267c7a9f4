/**
 * A worker thread of an impact lists' build (list-count-threads.ts): counts the listed terms of its share
 * of the papers, read from its own read-only connection, and posts each page's counts, a few pages ahead
 * of the thread that writes them.
 */
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { FtsTokenizer, TEXT_COLUMNS_SQL, type TextRow } from './fts-tokens.ts';
import { type CounterInput, counterSlots } from './list-count-threads.ts';
import { countPapers, ListedCounts } from './listed-counts.ts';

const input = workerData as CounterInput;
const state = new Int32Array(input.shared);
const slot = counterSlots(input.worker);
try {
  const db = new Database(input.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const counts = new ListedCounts(new Map(input.terms.map((t, i) => [t, i + 1])), input.terms.length);
  const tokenizer = new FtsTokenizer(db);
  const page = db.prepare(
    `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid BETWEEN ? AND ? ORDER BY rowid`,
  );
  // One snapshot for every page: the papers the writing thread's transaction sees (it holds the write lock).
  db.exec('BEGIN');
  let out = new Float64Array(input.pageRows * 64);
  for (let p = input.worker, posted = 0; p < input.pages; p += input.workers, posted++) {
    while (posted - Atomics.load(state, slot.taken) >= input.ahead)
      Atomics.wait(state, slot.taken, Atomics.load(state, slot.taken), 1000);
    const from = input.first + p * input.pageRows;
    const rows = page.all(from, from + input.pageRows - 1) as TextRow[];
    let n = 0;
    for (const [rowid, d] of countPapers(rows, counts, tokenizer)) {
      if (out.length < n + 3 + 2 * counts.held.length) {
        const wider = new Float64Array(Math.max(out.length * 2, n + 3 + 2 * counts.held.length));
        wider.set(out.subarray(0, n));
        out = wider;
      }
      out[n++] = rowid;
      out[n++] = d;
      out[n++] = counts.held.length;
      for (const id of counts.held) {
        out[n++] = id;
        out[n++] = counts.of(id);
      }
    }
    const data = out.slice(0, n);
    input.port.postMessage({ data }, [data.buffer]);
    Atomics.add(state, slot.posted, 1);
    Atomics.notify(state, slot.posted);
  }
  db.exec('COMMIT');
  db.close();
} catch (e) {
  input.port.postMessage({ error: (e as Error).message });
  Atomics.store(state, slot.failed, 1);
  Atomics.notify(state, slot.posted);
} finally {
  input.port.close();
}
