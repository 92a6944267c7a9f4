import type { Logger } from '../log.ts';
import type { ChannelRef, PaperStore } from '../store/port.ts';
import { RenewedClaim } from '../store/renewed-claim.ts';

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
 * A claimed roundup's lease (see {@link RenewedClaim}): renewed while its run is alive, and confirmed in the
 * ledger before each post, since another run may be posting once it ran out.
 */
export class ClaimLease extends RenewedClaim {
  constructor(o: ClaimLeaseOptions) {
    const { store, channel, localDate, claimant, leaseMs, logger } = o;
    super({
      renew: () => store.renewRoundup(channel, localDate, claimant, leaseMs),
      leaseMs,
      claimedAt: o.claimedAt,
      // The database may be back before the lease runs out.
      onRenewError: (err) =>
        logger.warn({ err, channel, localDate }, 'could not renew the roundup lease; will retry'),
      lost: () =>
        new LeaseLostError(
          `The lease on the roundup of ${channel} for ${localDate} ran out or was taken over by another run`,
        ),
    });
  }
}
