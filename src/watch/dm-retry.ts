/** How a watch DM whose sending failed (a 5xx, a timeout, a rate limit that outlasted the retries) is tried again. */
export interface DmRetryPolicy {
  /** Tries in all: after this many failures the delivery is given up as undeliverable. */
  maxTries: number;
  /** The wait after the first failed try; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest wait between two tries. */
  maxDelayMs: number;
  /** A delivery planned this long ago is given up at its next failure, whatever its tries. */
  giveUpAfterMs: number;
  /** Each wait is shortened by up to this share at random, so people failed at once are not retried at once. */
  jitter: number;
}

/**
 * Eight tries over about two hours (waits of about 1, 2, 4, 8, 16, 32 and 60 minutes): a platform outage
 * of that length is ridden out; a DM failing longer is given up rather than tried forever.
 */
export const DEFAULT_DM_RETRY: DmRetryPolicy = {
  maxTries: 8,
  firstDelayMs: 60_000,
  maxDelayMs: 3_600_000,
  giveUpAfterMs: 24 * 3_600_000,
  jitter: 0.2,
};

/**
 * The wait before the next try after `failures` failed ones of a delivery planned `ageMs` ago, or null when
 * it is given up. `random` is in [0, 1).
 */
export function nextDmRetryDelay(
  policy: DmRetryPolicy,
  failures: number,
  ageMs: number,
  random: number,
): number | null {
  if (failures >= policy.maxTries || ageMs >= policy.giveUpAfterMs) return null;
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(delay * (1 - policy.jitter * random));
}
