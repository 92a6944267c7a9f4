import { randomUUID } from 'node:crypto';
import type { DeliveryLedger } from '../../src/store/port.ts';

/** What became of a delivery: handled now, a duplicate of one handled, or being handled elsewhere. */
export type DeliveryOutcome = 'handled' | 'duplicate' | 'elsewhere';

/** How long another instance's claim on a delivery holds before it counts as dead (a crash mid-handling). */
const CLAIM_HOLD_MS = 30_000;

/**
 * The Slack deliveries handled recently, by id, so that each is handled once.
 *
 * Slack sends an event again when its first delivery was not acked in 3 s or was answered with an error
 * (three retries: at once, after a minute, after five; each with `x-slack-retry-num` and the same
 * `event_id`). And anyone who captured a signed request can replay it byte for byte: the signature check
 * (http-route.ts) refuses a timestamp more than five minutes from now, so a replay is possible only within
 * five minutes of the original. Without this log, "add 👍, remove 👍, replayed add" brings a removed vote
 * back, and a replayed `/papers share` posts twice.
 *
 * So a delivery id is remembered for an hour (well beyond both windows), only once its work succeeded:
 * an event answered with a 500 must be handled when Slack retries it. A delivery arriving while the same
 * id is still being handled waits for that outcome instead of running twice. Memory is bounded: beyond
 * `maxEntries` ids the oldest are forgotten first (the default is far above what a team sends in five
 * minutes).
 *
 * With a shared `ledger` (the store: every instance behind a load balancer uses the same database) a
 * delivery is also claimed there before its work runs, recorded there once it succeeded, and released when
 * it failed, so that a retry or replay reaching another instance, or this one after a restart, is caught
 * too. A delivery claimed by another instance and still in its hands is `elsewhere`: for an event the
 * caller asks Slack to send it again later, when its outcome is known. When the ledger cannot be reached
 * (the database is down) the delivery is handled on this log alone, as without a ledger: the work itself
 * will then mostly fail and be retried.
 *
 * The log in memory stays in front of the ledger as the fast path: a retry that reaches the instance that
 * handled the first delivery costs no database round trip, and one arriving while the first is in flight
 * here waits for it.
 */
export class DeliveryLog {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Handled ids with the time each may be forgotten, oldest first (a constant TTL keeps that order). */
  readonly #done = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<DeliveryOutcome>>();
  readonly #ledger: DeliveryLedger | undefined;
  readonly #platform: string;
  /** This process, as the holder of its claims in the ledger. */
  readonly #holder = randomUUID();
  readonly #onLedgerError: (error: unknown) => void;

  constructor(
    options: {
      ttlMs?: number;
      maxEntries?: number;
      now?: () => number;
      /** Deliveries shared with the other instances; absent: this process alone. */
      ledger?: DeliveryLedger;
      /** The platform the ids belong to, in the ledger. Default `slack`. */
      platform?: string;
      /** Told when the ledger could not be used (the delivery was then handled on this log alone). */
      onLedgerError?: (error: unknown) => void;
    } = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.#maxEntries = options.maxEntries ?? 20_000;
    this.#now = options.now ?? Date.now;
    this.#ledger = options.ledger;
    this.#platform = options.platform ?? 'slack';
    this.#onLedgerError = options.onLedgerError ?? (() => undefined);
  }

  /**
   * Runs `work` for a delivery not handled before and remembers `id` once it succeeds. Answers
   * `duplicate` without running it for an id already handled (here or, with a ledger, anywhere), or, after
   * waiting, for one that was being handled here; `elsewhere` for one another instance holds in the
   * ledger. Rejects when `work` (or the run it waited for) rejects; the id is then not remembered.
   */
  async once(id: string, work: () => Promise<void>): Promise<DeliveryOutcome> {
    const running = this.#inFlight.get(id);
    if (running) {
      const outcome = await running;
      return outcome === 'handled' ? 'duplicate' : outcome;
    }
    if (this.#seen(id)) return 'duplicate';
    const run = this.#claimAndRun(id, work);
    this.#inFlight.set(id, run);
    try {
      return await run;
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #claimAndRun(id: string, work: () => Promise<void>): Promise<DeliveryOutcome> {
    const claim = await this.#claim(id);
    if (claim === 'handled') {
      this.#remember(id);
      return 'duplicate';
    }
    if (claim === 'handling') return 'elsewhere';
    try {
      await work();
    } catch (error) {
      if (claim === 'claimed')
        await this.#report(() => this.#ledger?.releaseDelivery(this.#platform, id, this.#holder));
      throw error;
    }
    this.#remember(id);
    if (claim === 'claimed') {
      await this.#report(() => this.#ledger?.finishDelivery(this.#platform, id, this.#holder, this.#ttlMs));
    }
    return 'handled';
  }

  /** The ledger's answer, or `unshared` without a ledger or when it cannot be used just now. */
  async #claim(id: string): Promise<'claimed' | 'handling' | 'handled' | 'unshared'> {
    if (!this.#ledger) return 'unshared';
    try {
      return await this.#ledger.claimDelivery(this.#platform, id, this.#holder, CLAIM_HOLD_MS);
    } catch (error) {
      this.#onLedgerError(error);
      return 'unshared';
    }
  }

  async #report(write: () => Promise<void> | undefined): Promise<void> {
    try {
      await write();
    } catch (error) {
      // A claim not finished runs out after its hold; one not released makes the next retry wait that long.
      this.#onLedgerError(error);
    }
  }

  /** How many handled ids are remembered now. */
  get size(): number {
    this.#forget(this.#now());
    return this.#done.size;
  }

  #seen(id: string): boolean {
    const until = this.#done.get(id);
    return until !== undefined && until > this.#now();
  }

  #remember(id: string): void {
    const now = this.#now();
    this.#done.delete(id);
    this.#done.set(id, now + this.#ttlMs);
    this.#forget(now);
  }

  /** Drops expired ids and, past the bound, the oldest, from the front of the insertion order. */
  #forget(now: number): void {
    for (const [id, until] of this.#done) {
      if (until > now && this.#done.size <= this.#maxEntries) break;
      this.#done.delete(id);
    }
  }
}
