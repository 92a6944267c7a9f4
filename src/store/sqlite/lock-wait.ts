import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { isSqliteUnavailable } from './unavailable.ts';

/** What a connection waits for another writer's lock once a long holder is known: long enough for a commit. */
export const SHORT_LOCK_WAIT_MS = 100;
/** How long after the last write that timed out waiting the short wait holds. */
export const LOCK_COOL_OFF_MS = 30_000;

/**
 * How long this connection's writes wait for another writer's lock (SQLite's busy timeout). better-sqlite3
 * waits on the process's only thread, so while another process holds the lock for minutes (a bulk import's
 * finish, `paperboy reindex`) every write blocked the bot for the full timeout (5 s) before failing: the
 * Discord gateway's lease renewals, delivery claims, each vote and each try again of a held one, one after
 * another, left the bot unable to answer a command for most of that time. So once a write has waited the
 * full timeout and failed, writes wait only SHORT_LOCK_WAIT_MS until LOCK_COOL_OFF_MS pass without another
 * such failure: a write still takes a free lock at once, and a failed one is held or sent again as before
 * (StoreUnavailableError). The full timeout still covers short holders (another instance's write).
 */
export class LockWait {
  private contendedUntil = Number.NEGATIVE_INFINITY;
  private current: number;

  constructor(
    private readonly db: Database.Database,
    private readonly fullMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.current = fullMs;
    db.pragma(`busy_timeout = ${fullMs}`);
  }

  /** The wait the next write gets. */
  get waitMs(): number {
    return this.now() < this.contendedUntil ? Math.min(SHORT_LOCK_WAIT_MS, this.fullMs) : this.fullMs;
  }

  /** Before a call into the store: the busy timeout it should wait. */
  before(): void {
    const want = this.waitMs;
    if (want === this.current) return;
    this.db.pragma(`busy_timeout = ${want}`);
    this.current = want;
  }

  /** After a call into the store failed: a lock held past the wait starts (or extends) the short waits. */
  failed(error: unknown): void {
    if (isSqliteUnavailable(error)) this.contendedUntil = this.now() + LOCK_COOL_OFF_MS;
  }
}
