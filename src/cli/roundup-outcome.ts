import type { RoundupResult } from '../roundup/post-roundup.ts';
import { DEFAULT_RETRY } from '../roundup/retry-policy.ts';
import { type EmptyReason, emptyMessage } from '../roundup/roundup.ts';
import type { RoundupSummary } from '../store/port.ts';

/** A ledger time as people read it: `2024-10-25 09:00:12 UTC`. */
function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : 'an unknown time';
}

/** Who a claimant is: the CLI names itself `cli-<host>-<pid>`, the bot `<host>-<pid>-<random>`. */
export function describeClaimant(claimant: string): string {
  return claimant.startsWith('cli-')
    ? `a "paperboy roundup" run (${claimant})`
    : `the bot instance ${claimant}`;
}

/**
 * One sentence for a person about what `paperboy roundup` did for a channel's day, or why it did nothing:
 * who holds the roundup and since when, and what to do next.
 */
export function outcomeSentence(result: RoundupResult, channel: string, localDate: string): string {
  const rec: RoundupSummary | null = result.record;
  const retry = `npx paperboy roundup --channel ${channel} --date ${localDate} --retry`;
  switch (result.outcome) {
    case 'posted': {
      const n = result.posted ?? 0;
      return result.resumed
        ? `posted: resumed a run that had stopped part-way and posted the ${n} message${n === 1 ? '' : 's'} it had left, without repeating any.`
        : `posted ${n} message${n === 1 ? '' : 's'}${rec?.layout === 'digest' ? ' (one digest)' : ' (a header and one per paper)'}.`;
    }
    case 'empty':
      return `posted the empty-day line: "${emptyMessage((rec?.note ?? 'no-papers') as EmptyReason, localDate)}"`;
    case 'already-done':
      return `already ${rec?.state === 'empty' ? 'done (the empty-day line was posted)' : 'posted'} at ${when(rec?.finishedAt)} by ${describeClaimant(rec?.claimedBy ?? 'unknown')}. A roundup goes out once per channel and day, so nothing was posted.`;
    case 'claimed-elsewhere':
      return `${describeClaimant(rec?.claimedBy ?? 'unknown')} has been posting it since ${when(rec?.claimedAt)} and holds it until ${when(rec?.leaseUntil)} unless it renews its claim. Nothing to do: if that process has died, the running bot takes over soon after, or run this again then; either way it resumes without posting anything twice.`;
    case 'waiting':
      return `try ${rec?.failures ?? '?'} failed (${rec?.lastError ?? 'no reason recorded'}); the running bot tries again at ${when(rec?.retryAt)}. To try now instead, run: ${retry}`;
    case 'will-retry':
      if (rec?.state !== 'waiting') {
        return `failed: ${result.error}. Nothing is lost: once that is fixed, run this again (or let the running bot) and it resumes where it stopped.`;
      }
      return `failed: ${result.error}. That was try ${rec.failures} of ${DEFAULT_RETRY.maxTries}; the running bot tries again at ${when(rec.retryAt)}, or run: ${retry}`;
    case 'failed':
      return `given up after ${rec?.failures ?? '?'} failed tries, the last at ${when(rec?.finishedAt)}: ${rec?.lastError ?? result.error ?? 'no reason recorded'}. Check that the bot is still in the channel and the channel is not archived, then run: ${retry}`;
  }
}
