import { StoreUnavailableError } from '../store/errors.ts';

/**
 * Events a platform sends once and cannot be asked for again (Discord's gateway), kept and tried again
 * while the archive cannot be written: SQLite locked past its busy timeout by a bulk import or a
 * `paperboy reindex` (minutes at a million papers), or PostgreSQL restarting. Without this, a vote cast
 * then was logged and lost. Only StoreUnavailableError is waited out; any other failure will not mend by
 * waiting and is given up at once, as before.
 *
 * One message's events run one after another, in the order they came (a 👍 added then removed must not be
 * recorded removed then added), and only they wait behind a held one; other messages' go on.
 * What is held lives in this process: a restart loses it, and says how many (close).
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

/** How an event ended: recorded (maybe after waiting), or given up (onLost was told why). */
export type RetryOutcome = 'done' | 'lost';

export interface RetryLaterDeps {
  /** Told of each event given up (its key and what it was), with the last failure. */
  onLost: (key: string, what: string, error: unknown) => void;
  /** Told when an event starts waiting for the archive, for the log. */
  onHeld?: (key: string, what: string, error: unknown) => void;
  timers?: RetryTimers;
  now?: () => number;
  policy?: RetryPolicy;
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
  submit(key: string, what: string, attempt: () => Promise<void>): Promise<RetryOutcome> {
    const before = this.tails.get(key);
    if (before && this.heldCount >= this.policy.maxHeld) {
      // A flood on one message while the archive is down: bounded like the rest.
      this.deps.onLost(key, what, new Error(`${this.heldCount} events already wait for the archive`));
      return Promise.resolve('lost');
    }
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
      return this.attempts(key, what, attempt);
    })();
    this.tails.set(key, run);
    void run.then(() => {
      if (this.tails.get(key) === run) this.tails.delete(key);
    });
    return run;
  }

  /** Ends every wait (their events are given up, each told to onLost) and takes no more. */
  close(): void {
    this.closed = true;
    for (const wait of this.waits) {
      this.timers.clear(wait.handle);
      wait.cancel();
    }
    this.waits.clear();
  }

  private async attempts(key: string, what: string, attempt: () => Promise<void>): Promise<RetryOutcome> {
    // From its first failure an event counts as held, until it ends either way.
    let since: number | null = null;
    let counted = false;
    try {
      for (let tries = 0; ; tries++) {
        try {
          if (this.closed) throw new Closed();
          await attempt();
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
            this.deps.onLost(key, what, error);
            return 'lost';
          }
          if (first) {
            counted = true;
            this.heldCount++;
            this.deps.onHeld?.(key, what, error);
          }
          const { delaysMs } = this.policy;
          try {
            await this.wait(delaysMs[Math.min(tries, delaysMs.length - 1)] ?? 1000);
          } catch (stopped) {
            this.deps.onLost(key, what, stopped);
            return 'lost';
          }
        }
      }
    } finally {
      if (counted) this.heldCount--;
    }
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
