import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.ts';
import { StoreUnavailableError } from './errors.ts';
import type { PaperStore } from './port.ts';

export interface LeasedOptions {
  store: PaperStore;
  /** The lease's name, e.g. `discord-gateway`. */
  name: string;
  /** This instance's name. */
  holder: string;
  /** How long a taken lease lasts without renewal; another instance takes over within about this long. */
  ttlMs: number;
  logger: Logger;
  /** Runs when the lease is won: connect. */
  onAcquired: () => Promise<void>;
  /** Runs when the lease is lost or on stop: disconnect. */
  onLost: () => Promise<void>;
}

/**
 * Runs something on exactly one instance at a time: tries the lease every third of its TTL, starts the work
 * when won, renews it while running, and stops the work if a renewal fails (the database says another
 * instance holds it, or PostgreSQL cannot be reached long enough for the lease to expire; a SQLite archive
 * locked by another writer stops no one, see round()). When the holder dies, its lease expires and another
 * instance takes over within `ttlMs` plus one check interval.
 */
export class Leased {
  private readonly o: LeasedOptions;
  private timer: NodeJS.Timeout | null = null;
  private holding = false;
  private busy: Promise<void> = Promise.resolve();
  /** The work being started (onAcquired), while renewals go on beside it. */
  private starting: Promise<void> | null = null;
  private stopped = false;
  /** When the last successful renewal was asked for, on this process's monotonic clock (ms). */
  private renewedAt = 0;

  constructor(options: LeasedOptions) {
    this.o = options;
  }

  /** Whether this instance currently holds the lease and runs the work. */
  get active(): boolean {
    return this.holding;
  }

  /**
   * Makes the first attempt now (resolving after it, and after the work it started, connected or not),
   * then keeps checking in the background.
   */
  async start(): Promise<void> {
    await this.check();
    // Renewals begin before the first start finishes, so a slow connection keeps its lease.
    this.timer = setInterval(() => void this.check(), Math.max(200, Math.floor(this.o.ttlMs / 3)));
    this.timer.unref();
    await this.starting;
  }

  /** Stops checking, stops the work if running, and releases the lease for a quick takeover. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    await this.starting;
    if (this.holding) {
      this.holding = false;
      await this.o.onLost();
      await this.o.store.releaseLease(this.o.name, this.o.holder);
    }
  }

  /** One round: checks run one after another, never overlapping. */
  private check(): Promise<void> {
    // A failed round (a platform that would not stop) is logged; the chain must go on renewing.
    this.busy = this.busy
      .then(() => this.round())
      .catch((error: unknown) =>
        this.o.logger.error({ err: error, lease: this.o.name }, 'lease round failed'),
      );
    return this.busy;
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    let held: boolean;
    // The store stamps the expiry when the request reaches it, never before it was sent: counting from
    // here means this instance never believes in its lease longer than the store does. The monotonic
    // clock, because the wall clock can jump (NTP) and the store's clock is not this host's anyway.
    const askedAt = performance.now();
    try {
      held = await this.o.store.acquireLease(this.o.name, this.o.holder, this.o.ttlMs);
    } catch (error) {
      this.o.logger.warn({ err: error, lease: this.o.name }, 'could not renew the lease; will retry');
      // A SQLite archive is one file on this host: while another writer holds its lock past the busy
      // timeout (a bulk import or `paperboy reindex`, minutes at a million papers), no instance can take the
      // lease either, so the work goes on and the first renewal after the lock decides. Letting go instead
      // disconnected Discord for the length of every import, and its events then were never received.
      if (error instanceof StoreUnavailableError && error.backend === 'sqlite') return;
      // PostgreSQL may be out of reach of this instance alone while another reaches it: keep running until
      // the lease would have expired, then let go, since another instance may have taken it by then.
      if (this.holding && performance.now() - this.renewedAt > this.o.ttlMs) {
        this.holding = false;
        await this.o.onLost();
      }
      return;
    }
    if (held) this.renewedAt = askedAt;
    if (held && !this.holding && !this.starting) {
      this.o.logger.info({ lease: this.o.name, holder: this.o.holder }, 'lease acquired; starting');
      // Started beside the renewal rounds, not inside one: connecting can take longer than the lease
      // (loading a client library, a slow login), and an unrenewed lease would let a second instance in.
      this.starting = this.o
        .onAcquired()
        .then(
          () => {
            this.holding = true;
          },
          async (error: unknown) => {
            this.o.logger.error(
              { err: error, lease: this.o.name },
              'starting under the lease failed; releasing it',
            );
            // Undo a half-started connection before the next attempt builds a new one.
            await this.o.onLost().catch(() => undefined);
            await this.o.store.releaseLease(this.o.name, this.o.holder).catch(() => undefined);
          },
        )
        .finally(() => {
          this.starting = null;
        });
      return;
    }
    if (!held && this.starting) {
      // Lost while still connecting: let the start finish, then undo it.
      await this.starting;
    }
    if (!held && this.holding) {
      this.o.logger.warn({ lease: this.o.name }, 'lease lost to another instance; stopping');
      this.holding = false;
      await this.o.onLost();
    }
  }
}
