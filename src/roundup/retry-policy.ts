/** How a roundup whose tries fail is retried, and when it is given up. */
export interface RetryPolicy {
  /** Tries in all: after this many failures the roundup is marked failed and not tried again. */
  maxTries: number;
  /** The wait after the first failed try; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest wait between two tries. */
  maxDelayMs: number;
}

/**
 * Five tries over about a quarter of an hour (waits of 1, 2, 4 and 8 minutes): long enough to ride out a
 * platform's brief outage, short enough that a channel the bot was removed from is reported the same morning.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxTries: 5, firstDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

/** The wait before the next try after `failures` failed ones, or null when that was the last try. */
export function nextRetryDelay(policy: RetryPolicy, failures: number): number | null {
  if (failures >= policy.maxTries) return null;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failures - 1));
}
