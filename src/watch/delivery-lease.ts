import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.ts';
import type { PaperStore } from '../store/port.ts';

/** The run no longer holds its delivery: another run may have taken it over, so this one must not send. */
export class DeliveryLeaseLost extends Error {
  override readonly name = 'DeliveryLeaseLost';
}

/**
 * Keeps a claimed delivery's lease alive while its run is, as roundup claims do (ClaimLease): renewed every
 * third of the lease on a timer of its own, so a DM waiting out a 429 keeps it, and a run that dies stops
 * renewing and is resumed by another once the lease runs out.
 */
export class DeliveryLease {
  #renewedAt: number;
  #lost = false;
  #timer: NodeJS.Timeout | null = null;
  #renewing: Promise<void> | null = null;
  readonly #abort = new AbortController();

  constructor(
    private readonly o: {
      store: PaperStore;
      id: number;
      claimant: string;
      leaseMs: number;
      logger: Logger;
      /** When the claim was asked for (performance.now()): the lease counts from then. */
      claimedAt: number;
    },
  ) {
    this.#renewedAt = o.claimedAt;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.o.leaseMs / 3)));
    this.#timer.unref();
  }

  /** Aborted once the lease is lost: a DM still retrying inside a platform gives up. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Throws {@link DeliveryLeaseLost} unless the lease is certainly still this run's. */
  assertHeld(): void {
    if (this.#lost || performance.now() - this.#renewedAt >= this.o.leaseMs) {
      this.#abort.abort();
      throw new DeliveryLeaseLost(
        `The lease on watch delivery ${this.o.id} ran out before it could be renewed`,
      );
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#renewing;
  }

  #renew(): Promise<void> {
    this.#renewing ??= this.#renewOnce().finally(() => {
      this.#renewing = null;
    });
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    const askedAt = performance.now();
    try {
      if (await this.o.store.renewWatchDelivery(this.o.id, this.o.claimant, this.o.leaseMs))
        this.#renewedAt = askedAt;
      else this.#lost = true;
    } catch (error) {
      this.o.logger.warn(
        { err: error, delivery: this.o.id },
        'could not renew a watch delivery lease; will retry',
      );
    }
    if (this.#lost || performance.now() - this.#renewedAt >= this.o.leaseMs) this.#abort.abort();
  }
}
