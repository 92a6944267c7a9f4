import { performance } from 'node:perf_hooks';
import { StoreUnavailableError } from '../store/errors.ts';
import type { HeldJournal, WrittenEvent } from './held-journal.ts';

/**
 * Events a platform sends once and cannot be asked for again (Discord's gateway), kept and tried again
 * while the archive cannot be written: SQLite locked past its busy timeout by a bulk import or a
 * `paperboy reindex` (minutes at a million papers), or PostgreSQL restarting. Without this, a vote cast
 * then was logged and lost. Only StoreUnavailableError is waited out; any other failure will not mend by
 * waiting and is given up at once, as before.
 *
 * One message's events run one after another, in the order they came (a 👍 added then removed must not be
 * recorded removed then added), and only they wait behind a held one; other messages' go on.
 * With a journal (held-journal.ts), an event that waits, or queues behind one of its message's events, is
 * written down until it ends; one not ended when the process stops stays written down, and the next
 * process sharing the folder tries it again (`replay`). Without one, a restart loses what is held, and says
 * so.
 */

/** The timers the waits run on: the process's own (unref'd, so they never keep it alive), or a test's. */
export interface RetryTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const PROCESS_TIMERS: RetryTimers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface RetryPolicy {
  /** The wait before each try again; the last repeats. */
  delaysMs: readonly number[];
  /** An event still failing this long after its first failure is given up. */
  giveUpAfterMs: number;
  /** Events held at most (waiting or behind one): past that, one that fails is given up at once. */
  maxHeld: number;
}

/** Half an hour: a million-paper import holds the write lock for about three minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  delaysMs: [1_000, 2_000, 5_000, 10_000, 30_000, 60_000],
  giveUpAfterMs: 30 * 60_000,
  maxHeld: 10_000,
};

/**
 * How an event ended: recorded (maybe after waiting), given up (onLost was told why), or still waiting when
 * the process stopped and written down for the next (onKept was told).
 */
export type RetryOutcome = 'done' | 'lost' | 'kept';

export interface RetryLaterDeps {
  /** Told of each event given up (its key and what it was), with the last failure. */
  onLost: (key: string, what: string, error: unknown) => void;
  /** Told of each event still waiting when the process stops, written down for the next (journal). */
  onKept?: (key: string, what: string) => void;
  /** Told when an event starts waiting for the archive, for the log. */
  onHeld?: (key: string, what: string, error: unknown) => void;
  timers?: RetryTimers;
  now?: () => number;
  policy?: RetryPolicy;
  /** Where waiting events are written down so that a restart does not lose them. */
  journal?: HeldJournal | undefined;
}

/** An event as it can be written down and tried again by another process (see HeldJournal). */
export interface Replayable {
  type: string;
  data: unknown;
}

/** How a written-down event is tried again: its attempt rebuilt from its type and data, or null if unknown. */
export type Replay = (type: string, data: unknown) => (() => Promise<void>) | null;

/** One event's place in the journal (RetryLater.entry). */
interface JournalEntry {
  /** Writes it down, once, when it has a journal and can be written (a Replayable). */
  write(): void;
  /** It ended (recorded, or given up for good): cleared from the journal. */
  end(): void;
  readonly written: boolean;
}

class Closed extends Error {
  constructor() {
    super('the bot stopped before the archive could be written');
  }
}

export class RetryLater {
  /** Per key, the last event's run: the next one starts after it ends. */
  private readonly tails = new Map<string, Promise<RetryOutcome>>();
  /** Waits under way, to end them at close. */
  private readonly waits = new Set<{ handle: unknown; cancel: () => void }>();
  /** Events submitted behind a failing one, or waiting themselves. */
  private heldCount = 0;
  private closed = false;
  /** Events submitted and not ended, to write down at close. */
  private readonly live = new Set<JournalEntry>();
  /** Per key, events written down and not ended: the events queued behind them are written down too. */
  private readonly journaled = new Map<string, number>();
  private readonly timers: RetryTimers;
  private readonly now: () => number;
  private readonly policy: RetryPolicy;

  constructor(private readonly deps: RetryLaterDeps) {
    this.timers = deps.timers ?? PROCESS_TIMERS;
    this.now = deps.now ?? Date.now;
    this.policy = deps.policy ?? DEFAULT_RETRY_POLICY;
  }

  /** Events held now: waiting for the archive, or queued behind one that is. */
  get held(): number {
    return this.heldCount;
  }

  /**
   * Runs `attempt` once the events submitted before under `key` have ended, and again while it fails with
   * StoreUnavailableError, until it succeeds or the policy gives it up. Never rejects.
   */
  submit(
    key: string,
    what: string,
    attempt: () => Promise<void>,
    replayable?: Replayable,
    written?: { id: string; arrived: number },
  ): Promise<RetryOutcome> {
    const before = this.tails.get(key);
    if (before && this.heldCount >= this.policy.maxHeld) {
      // A flood on one message while the archive is down: bounded like the rest.
      this.deps.onLost(key, what, new Error(`${this.heldCount} events already wait for the archive`));
      if (written) this.deps.journal?.clear(written.id);
      return Promise.resolve('lost');
    }
    const entry = this.entry(key, what, replayable, written);
    this.live.add(entry);
    // Behind an event that is written down, written down at once: a kill must not keep only its elder.
    if (before && this.journaled.has(key)) entry.write();
    // Queued behind another of its message's events, it counts as held until its own turn comes.
    if (before) this.heldCount++;
    const run = (async (): Promise<RetryOutcome> => {
      if (before) {
        try {
          await before;
        } finally {
          this.heldCount--;
        }
      }
      return this.attempts(key, what, attempt, entry);
    })();
    this.tails.set(key, run);
    void run.then(() => {
      this.live.delete(entry);
      if (this.tails.get(key) === run) this.tails.delete(key);
    });
    return run;
  }

  /**
   * Ends every wait and takes no more. With a journal, every event not ended is written down first, those
   * still being tried included, so a process that exits now leaves them all to the next (one that ends
   * meanwhile clears itself). The events end: given up, each told to onLost, or written down, each told to
   * onKept. Resolves once every one has, or after `maxWaitMs` of tries still under way (a slow lookup).
   */
  async close(maxWaitMs = 5_000): Promise<void> {
    this.closed = true;
    for (const entry of this.live) entry.write();
    for (const wait of this.waits) {
      this.timers.clear(wait.handle);
      wait.cancel();
    }
    this.waits.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.tails.values()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxWaitMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Tries again events another process wrote down and left (HeldJournal.watch), in the order they came,
   * each behind the events of its message already here: `replay` rebuilds each attempt, or returns null
   * for an event it cannot read (given up, and cleared). Returns the runs, each with its event's key.
   */
  replay(events: readonly WrittenEvent[], replay: Replay): { key: string; run: Promise<RetryOutcome> }[] {
    const runs: { key: string; run: Promise<RetryOutcome> }[] = [];
    for (const e of events) {
      let attempt: (() => Promise<void>) | null;
      try {
        attempt = replay(e.type, e.data);
      } catch {
        attempt = null;
      }
      if (!attempt) {
        this.deps.onLost(e.key, e.what, new Error(`a written-down ${e.type} event that cannot be read`));
        this.deps.journal?.clear(e.id);
        continue;
      }
      runs.push({
        key: e.key,
        run: this.submit(e.key, e.what, attempt, e, { id: e.id, arrived: e.arrived }),
      });
    }
    return runs;
  }

  /** The journal's side of one event: written down when it must be, cleared when it ends for good. */
  private entry(
    key: string,
    what: string,
    replayable?: Replayable,
    written?: { id: string; arrived: number },
  ): JournalEntry {
    const journal = this.deps.journal;
    const arrived = written?.arrived ?? performance.timeOrigin + performance.now();
    let id = written?.id;
    if (id) this.journaled.set(key, (this.journaled.get(key) ?? 0) + 1);
    return {
      write: () => {
        if (id || !journal || !replayable) return;
        id = journal.keep({ type: replayable.type, key, what, data: replayable.data, arrived });
        this.journaled.set(key, (this.journaled.get(key) ?? 0) + 1);
      },
      /** Ended: recorded, or given up for a reason another process would not mend. */
      end: () => {
        if (!id) return;
        journal?.clear(id);
        id = undefined;
        const left = (this.journaled.get(key) ?? 1) - 1;
        if (left > 0) this.journaled.set(key, left);
        else this.journaled.delete(key);
      },
      get written() {
        return id !== undefined;
      },
    };
  }

  private async attempts(
    key: string,
    what: string,
    attempt: () => Promise<void>,
    entry: JournalEntry,
  ): Promise<RetryOutcome> {
    // From its first failure an event counts as held, until it ends either way.
    let since: number | null = null;
    let counted = false;
    try {
      for (let tries = 0; ; tries++) {
        try {
          if (this.closed) throw new Closed();
          await attempt();
          entry.end();
          return 'done';
        } catch (error) {
          const first = since === null;
          since ??= this.now();
          const giveUp =
            !(error instanceof StoreUnavailableError) ||
            this.closed ||
            (first && this.heldCount >= this.policy.maxHeld) ||
            this.now() - since >= this.policy.giveUpAfterMs;
          if (giveUp) {
            if (this.keptForNext(key, what, error, entry)) return 'kept';
            this.deps.onLost(key, what, error);
            entry.end();
            return 'lost';
          }
          if (first) {
            counted = true;
            this.heldCount++;
            entry.write();
            this.deps.onHeld?.(key, what, error);
          }
          const { delaysMs } = this.policy;
          try {
            await this.wait(delaysMs[Math.min(tries, delaysMs.length - 1)] ?? 1000);
          } catch (stopped) {
            if (this.keptForNext(key, what, stopped, entry)) return 'kept';
            this.deps.onLost(key, what, stopped);
            return 'lost';
          }
        }
      }
    } finally {
      if (counted) this.heldCount--;
    }
  }

  /**
   * Whether an event that ends because this process stops stays written down for the next one (then
   * onKept is told, not onLost). Its elder events of the same message are written down too by then.
   */
  private keptForNext(key: string, what: string, error: unknown, entry: JournalEntry): boolean {
    // Stopped while it waited, or failed once the process had begun to stop, however (the archive closed
    // under a try still running gives a driver error): the next process tries it, and gives it up then if
    // the failure was its own.
    const stopped = error instanceof Closed || this.closed;
    if (!stopped || !this.deps.journal) return false;
    entry.write();
    if (entry.written) this.deps.onKept?.(key, what);
    return entry.written;
  }

  /** Resolves after `ms`, or rejects with Closed when close() comes first. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wait = {
        handle: undefined as unknown,
        cancel: () => reject(new Closed()),
      };
      wait.handle = this.timers.set(() => {
        this.waits.delete(wait);
        resolve();
      }, ms);
      this.waits.add(wait);
    });
  }
}
