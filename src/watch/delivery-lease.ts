import type { Logger } from '../log.ts';
import type { PaperStore } from '../store/port.ts';
import { RenewedClaim } from '../store/renewed-claim.ts';

/** The run no longer holds its delivery: another run may have taken it over, so this one must not send. */
export class DeliveryLeaseLost extends Error {
  override readonly name = 'DeliveryLeaseLost';
}

/**
 * A claimed watch delivery's lease, as roundup claims have (see {@link RenewedClaim}): a DM waiting out a
 * 429 keeps it, a run that dies is resumed by another once it runs out, and it is confirmed in the ledger
 * just before the DM goes out.
 */
export class DeliveryLease extends RenewedClaim {
  constructor(o: {
    store: PaperStore;
    id: number;
    claimant: string;
    leaseMs: number;
    logger: Logger;
    /** When the claim was asked for (performance.now()): the lease counts from then. */
    claimedAt: number;
  }) {
    super({
      renew: () => o.store.renewWatchDelivery(o.id, o.claimant, o.leaseMs),
      leaseMs: o.leaseMs,
      claimedAt: o.claimedAt,
      onRenewError: (err) =>
        o.logger.warn({ err, delivery: o.id }, 'could not renew a watch delivery lease; will retry'),
      lost: () => new DeliveryLeaseLost(`The lease on watch delivery ${o.id} ran out or was taken over`),
    });
  }
}
