import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { startWorker } from '../../worker-thread.ts';

/** What a counting thread is given (list-count-worker.ts). */
export interface CounterInput {
  /** The database file, opened read-only by the thread. */
  path: string;
  /** The listed terms; a term's id is its position + 1. */
  terms: readonly string[];
  /** This thread's number, and how many count: thread w counts pages w, w + workers, … */
  worker: number;
  workers: number;
  /** Page p is the rowids first + p·pageRows to first + (p + 1)·pageRows − 1. */
  first: number;
  pages: number;
  pageRows: number;
  /** Pages a thread may hold counted beyond what the writing thread has taken. */
  ahead: number;
  shared: SharedArrayBuffer;
  port: MessagePort;
}

/** Each thread's three counters in the shared array: pages posted, pages taken, failed (1). */
export function counterSlots(worker: number): { posted: number; taken: number; failed: number } {
  return { posted: 3 * worker, taken: 3 * worker + 1, failed: 3 * worker + 2 };
}

/** One counted paper: its rowid, D, and f of each listed term it holds (in the order it first holds them). */
export interface CountedPaper {
  rowid: number;
  d: number;
  held: readonly number[];
  /** f by term id, for the ids in `held` (other slots are stale). */
  f: Float64Array;
}

const PAGE_ROWS = 1000;
const AHEAD = 4;
/** A page is a second or so of work; a thread silent this long is not coming back. */
const STALLED_MS = 300_000;

/**
 * Counts the listed terms of every paper with rowid in [first, last] on `workers` threads, each reading
 * its own pages through its own read-only connection to `path`, and yields the papers page after page in
 * rowid order (ASCII papers of a page first, as countPapers yields them). Synchronous, so a build can
 * run in its write transaction: the threads post on their own ports and this thread waits on shared
 * counters (Atomics), never on its event loop. The threads read the committed papers; the caller holds
 * the write lock, so they are the papers its transaction sees. `idle`, called where this thread would
 * wait for a page, may do a short piece of other work (true) or have none left (false: it waits).
 */
export function* countedOnThreads(
  path: string,
  terms: readonly string[],
  range: { first: number; last: number },
  workers: number,
  idle?: () => boolean,
): Generator<CountedPaper> {
  const pages = Math.ceil((range.last - range.first + 1) / PAGE_ROWS);
  const shared = new SharedArrayBuffer(4 * 3 * workers);
  const state = new Int32Array(shared);
  const threads: { worker: Worker; port: MessagePort }[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      const input: CounterInput = {
        path,
        terms,
        worker: w,
        workers,
        first: range.first,
        pages,
        pageRows: PAGE_ROWS,
        ahead: AHEAD,
        shared,
        port: port2,
      };
      threads.push({ worker: start(input, port2), port: port1 });
    }
    const held: number[] = [];
    const paper: CountedPaper = { rowid: 0, d: 0, held, f: new Float64Array(terms.length + 1) };
    for (let p = 0; p < pages; p++) {
      const w = p % workers;
      const { port } = threads[w] as { port: MessagePort };
      const slot = counterSlots(w);
      let m: { message: { data?: Float64Array; error?: string } } | undefined;
      const since = Date.now();
      let busy = idle !== undefined;
      for (;;) {
        const posted = Atomics.load(state, slot.posted);
        m = receiveMessageOnPort(port);
        if (m) break;
        if (Atomics.load(state, slot.failed)) {
          m = receiveMessageOnPort(port);
          if (m) break;
          throw new Error('a counting thread failed');
        }
        // A thread that could not even start (its module failed to load) never posts: give up on it.
        if (Date.now() - since > STALLED_MS) throw new Error('a counting thread stopped answering');
        if (busy && (idle as () => boolean)()) continue;
        busy = false;
        Atomics.wait(state, slot.posted, posted, 1000);
      }
      if (m.message.error !== undefined) throw new Error(`a counting thread failed: ${m.message.error}`);
      const data = m.message.data as Float64Array;
      for (let i = 0; i < data.length; ) {
        paper.rowid = data[i++] as number;
        paper.d = data[i++] as number;
        const n = data[i++] as number;
        held.length = 0;
        for (let j = 0; j < n; j++) {
          const id = data[i++] as number;
          held.push(id);
          paper.f[id] = data[i++] as number;
        }
        yield paper;
      }
      Atomics.add(state, slot.taken, 1);
      Atomics.notify(state, slot.taken);
    }
  } finally {
    for (const t of threads) {
      t.port.close();
      void t.worker.terminate();
    }
  }
}

/**
 * A thread's young generation kept small: what it allocates (a page's text, its tokens) dies within the
 * page, and V8's default lets each thread hold tens of MB of it, at the import's peak of memory.
 */
const LIMITS = { maxYoungGenerationSizeMb: 8 };

function start(input: CounterInput, port: MessagePort): Worker {
  const worker = startWorker(import.meta.url, 'list-count-worker', {
    workerData: input,
    transferList: [port],
    resourceLimits: LIMITS,
  });
  // Its failures reach the build through the shared counters; an 'error' event has no one to tell.
  worker.on('error', () => {});
  worker.unref();
  return worker;
}
