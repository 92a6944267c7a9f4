import { performance } from 'node:perf_hooks';

export interface RenewedClaimOptions {
  /** Renews the claim in the store: true while it is still this run's, false once another run has it. */
  renew: () => Promise<boolean>;
  /** How long the store keeps the claim without a renewal. */
  leaseMs: number;
  /** When the claim was asked for, on the monotonic clock (`performance.now()`): the lease counts from it. */
  claimedAt: number;
  /** A renewal the store could not answer (the database): logged, and tried again at the next. */
  onRenewError: (error: unknown) => void;
  /** The error a run that no longer holds its claim stops with. */
  lost: () => Error;
}

/**
 * A run's claim on a piece of work in the ledger (a roundup, a watch DM), kept alive while the run is:
 * renewed every third of the lease on a timer of its own, so a run that waits (a 429's Retry-After, a slow
 * platform) keeps it, and a run that dies stops renewing and is taken over once the lease runs out.
 *
 * Before each message goes out the run calls {@link confirm}, which asks the store. The run's own belief
 * ({@link held}) runs on the monotonic clock, the store's lease on the wall clock: a forward step of the
 * host's clock (an NTP correction, a resumed VM) ends the lease in the store while the run still believes
 * in it, and another run takes the work over. Without asking, both then posted the rest of the messages;
 * asking leaves only the one message in flight at the takeover, which the new run's idempotency key finds.
 */
export class RenewedClaim {
  readonly #o: RenewedClaimOptions;
  /** When the last renewal that succeeded was asked for (monotonic ms): the store stamped it no earlier. */
  #renewedAt: number;
  #lost = false;
  #timer: NodeJS.Timeout | null = null;
  #renewing: Promise<void> | null = null;
  readonly #abort = new AbortController();

  constructor(options: RenewedClaimOptions) {
    this.#o = options;
    this.#renewedAt = options.claimedAt;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.#o.leaseMs / 3)));
    // A pending renewal must not keep a finished CLI run alive.
    this.#timer.unref();
  }

  /** Aborted once the claim is lost: posts still retrying inside a platform give up. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Whether the claim is certainly still this run's, as far as this run alone can tell. */
  get held(): boolean {
    // Counted from when the renewal was asked, so this run never believes in its claim longer than the
    // store does on a steady clock.
    return !this.#lost && performance.now() - this.#renewedAt < this.#o.leaseMs;
  }

  /** Throws the `lost` error unless the claim is certainly still this run's. */
  assertHeld(): void {
    if (!this.held) {
      this.#abort.abort();
      throw this.#o.lost();
    }
  }

  /**
   * Renews the claim in the store, and throws the `lost` error if another run has it. A store that cannot
   * answer fails this with its error: what the run would post now could not be recorded either, so it
   * waits for its next try (the next run finds the ledger as this one left it).
   */
  async confirm(): Promise<void> {
    this.assertHeld();
    // A renewal already under way was asked before this moment: wait for it, then ask afresh.
    await this.#renewing;
    const askedAt = performance.now();
    let renewed: boolean;
    try {
      renewed = await this.#o.renew();
    } catch (error) {
      this.#o.onRenewError(error);
      throw error;
    }
    if (renewed) this.#renewedAt = askedAt;
    else this.#lost = true;
    this.assertHeld();
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
    const askedAt = performance.now();
    try {
      if (await this.#o.renew()) this.#renewedAt = askedAt;
      else this.#lost = true;
    } catch (error) {
      this.#o.onRenewError(error);
    }
    if (!this.held) this.#abort.abort();
  }
}
