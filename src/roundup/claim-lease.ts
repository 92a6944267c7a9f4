import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.ts';
import type { ChannelRef, PaperStore } from '../store/port.ts';

/** The run no longer holds its roundup: another run may have taken it over, so this one must not post. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export interface ClaimLeaseOptions {
  store: PaperStore;
  channel: ChannelRef;
  localDate: string;
  claimant: string;
  leaseMs: number;
  logger: Logger;
  /** When the claim was asked for, on the monotonic clock (`performance.now()`): the lease counts from it. */
  claimedAt: number;
}

/**
 * Keeps a claimed roundup's lease alive while its run is: renews it every third of the lease on a timer of
 * its own, so a run that waits (a 429's Retry-After, a slow platform) keeps it, and a run that dies stops
 * renewing and is taken over once the lease runs out. {@link assertHeld} before each post stops a run whose
 * renewals failed for a whole lease, since another run may be posting by then.
 */
export class ClaimLease {
  readonly #o: ClaimLeaseOptions;
  /** When the last renewal that succeeded was asked for (monotonic ms): the store stamped it no earlier. */
  #renewedAt: number;
  #lost = false;
  #timer: NodeJS.Timeout | null = null;
  #renewing: Promise<void> | null = null;
  readonly #abort = new AbortController();

  constructor(options: ClaimLeaseOptions) {
    this.#o = options;
    this.#renewedAt = options.claimedAt;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.#o.leaseMs / 3)));
    // A pending renewal must not keep a finished CLI run alive.
    this.#timer.unref();
  }

  /** Aborted once the lease is lost: posts still retrying inside a platform give up. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Whether the lease is certainly still this run's. */
  get held(): boolean {
    // The monotonic clock, since the wall clock can jump; counted from when the renewal was asked, so this
    // run never believes in its lease longer than the store does.
    return !this.#lost && performance.now() - this.#renewedAt < this.#o.leaseMs;
  }

  /** Throws {@link LeaseLostError} unless the lease is certainly still this run's. */
  assertHeld(): void {
    if (!this.held) {
      this.#abort.abort();
      throw new LeaseLostError(
        `The lease on the roundup of ${this.#o.channel} for ${this.#o.localDate} ran out before this run could renew it`,
      );
    }
  }

  /** Stops renewing (the claim is then finished, failed, or left to run out). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#renewing;
  }

  #renew(): Promise<void> {
    // One renewal at a time: a slow database must not pile them up.
    this.#renewing ??= this.#renewOnce().finally(() => {
      this.#renewing = null;
    });
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    const { store, channel, localDate, claimant, leaseMs, logger } = this.#o;
    const askedAt = performance.now();
    try {
      if (await store.renewRoundup(channel, localDate, claimant, leaseMs)) this.#renewedAt = askedAt;
      else this.#lost = true;
    } catch (error) {
      // The database may be back before the lease runs out.
      logger.warn({ err: error, channel, localDate }, 'could not renew the roundup lease; will retry');
    }
    if (!this.held) this.#abort.abort();
  }
}
