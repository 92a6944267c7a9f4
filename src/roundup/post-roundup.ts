import { performance } from 'node:perf_hooks';
import { newPostKey } from '../chat/platform.ts';
import {
  type ChannelSettings,
  type RoundupLayout,
  type RoundupRecord,
  StoreUnavailableError,
} from '../store/port.ts';
import { ClaimLease, LeaseLostError } from './claim-lease.ts';
import type { RoundupDeps } from './deps.ts';
import { HEADER, postPlanned } from './post-planned.ts';
import { DEFAULT_RETRY, nextRetryDelay } from './retry-policy.ts';
import { planRoundup, roundupCandidates } from './roundup.ts';

export type { RoundupDeps } from './deps.ts';

/**
 * What a call to {@link postRoundup} did. `posted`, `empty`: this run finished it. `already-done`: it was
 * finished before. `claimed-elsewhere`: another live run holds it (or took it over from this one).
 * `waiting`: a try failed earlier and the next is not due yet. `will-retry`: this run's try failed and a
 * later one will retry. `failed`: given up, by this run's failed try or before.
 */
export type RoundupOutcome =
  | 'posted'
  | 'empty'
  | 'already-done'
  | 'claimed-elsewhere'
  | 'waiting'
  | 'will-retry'
  | 'failed';

export interface RoundupResult {
  outcome: RoundupOutcome;
  /** The ledger entry as the run left it; null when the store could not be read. */
  record: RoundupRecord | null;
  /** This run's error, when its try failed. */
  error?: string;
  /** Messages this run posted: all of them, or what a resumed run found left to post. */
  posted?: number;
  /** Whether this run resumed a roundup another run had planned and left unfinished. */
  resumed?: boolean;
}

/**
 * Posts a channel's roundup for a local date exactly once. The run claims it in the ledger under a lease it
 * renews while alive, saves the plan (every message it will post, each with an idempotency key) before
 * posting any, then posts and records each in order. A run that died part-way is taken over once its lease
 * runs out: the new run follows the saved plan, and the one message that may have gone out unrecorded is
 * posted with its key and the plan's time, so the platform finds it rather than posting it again. A try
 * that fails is retried with backoff, and given up as `failed` after the policy's tries.
 */
export async function postRoundup(
  deps: RoundupDeps,
  settings: ChannelSettings,
  localDate: string,
  claimant: string,
  options: { retryNow?: boolean } = {},
): Promise<RoundupResult> {
  const { store } = deps;
  const channel = settings.channel;
  const askedAt = performance.now();
  if (!(await store.claimRoundup(channel, localDate, claimant, deps.leaseMs, options))) {
    const record = await store.getRoundup(channel, localDate);
    return { outcome: unclaimedOutcome(record), record };
  }
  const lease = new ClaimLease({ ...deps, channel, localDate, claimant, claimedAt: askedAt });
  lease.start();
  let result: Omit<RoundupResult, 'record'>;
  try {
    result = await runClaimed(deps, settings, localDate, claimant, lease);
  } catch (error) {
    await lease.stop();
    return settleFailure(deps, channel, localDate, claimant, error);
  }
  await lease.stop();
  return { ...result, record: await store.getRoundup(channel, localDate) };
}

function unclaimedOutcome(record: RoundupRecord | null): RoundupOutcome {
  switch (record?.state) {
    case 'posted':
    case 'empty':
      return 'already-done';
    case 'waiting':
      return 'waiting';
    case 'failed':
      return 'failed';
    default:
      return 'claimed-elsewhere';
  }
}

async function runClaimed(
  deps: RoundupDeps,
  settings: ChannelSettings,
  localDate: string,
  claimant: string,
  lease: ClaimLease,
): Promise<Omit<RoundupResult, 'record'>> {
  const { store, logger } = deps;
  const channel = settings.channel;
  let record = await store.getRoundup(channel, localDate);
  const resumed = record?.layout != null;
  if (!resumed) {
    const plan = await choosePlan(deps, settings, localDate, record);
    if (!(await store.saveRoundupPlan(channel, localDate, claimant, plan))) {
      throw new LeaseLostError(`Another run took over the roundup of ${channel} for ${localDate}`);
    }
    record = await store.getRoundup(channel, localDate);
  }
  if (!record?.layout || !record.plannedAt) throw new Error('The roundup plan could not be read back');
  const posted = await postPlanned(deps, record, lease, resumed);
  await store.finishRoundup(channel, localDate, record.layout === 'empty' ? 'empty' : 'posted');
  logger.info(
    { channel, localDate, layout: record.layout, posted, resumed, note: record.note },
    record.layout === 'empty' ? 'empty roundup' : 'roundup posted',
  );
  return { outcome: record.layout === 'empty' ? 'empty' : 'posted', posted, resumed };
}

/** Chooses the papers and lays out the messages, each post with a fresh idempotency key. */
async function choosePlan(
  deps: RoundupDeps,
  settings: ChannelSettings,
  localDate: string,
  record: RoundupRecord | null,
): Promise<{ layout: RoundupLayout; note: string | null; items: { paperId: string; key: string | null }[] }> {
  const { store } = deps;
  // Papers recorded before plans existed (an archive upgraded while a roundup was half posted) keep
  // their places; they are already in the channel's posts, so they are not picked again.
  const earlier = (record?.items ?? []).filter((i) => i.paperId !== HEADER).length;
  const plan = planRoundup({
    settings: { ...settings, size: Math.max(0, settings.size - earlier) },
    localDate,
    candidates: await roundupCandidates(store, localDate),
    alreadyShown: await store.papersPostedIn(settings.channel),
    feedUnreachable: deps.feedUnreachable(),
  });
  const header = { paperId: HEADER, key: newPostKey() };
  if (plan.kind === 'empty') return { layout: 'empty', note: plan.reason, items: [header] };
  if (settings.mode === 'digest') {
    // The digest's places live in its one message: they need no keys of their own.
    const places = plan.ranked.slice(0, 10).map((r) => ({ paperId: r.paper.id, key: null }));
    return { layout: 'digest', note: null, items: [header, ...places] };
  }
  const papers = plan.ranked.map((r) => ({ paperId: r.paper.id, key: newPostKey() }));
  return { layout: 'messages', note: null, items: [header, ...papers] };
}

/**
 * Ends a try that threw. A lost lease is no failure (another run carries on), nor is a database that cannot
 * be used just now (the claim runs out and the next run resumes). Anything else counts as a failed try:
 * the roundup waits for its next one, or is given up, said once in the log, after the policy's last.
 */
async function settleFailure(
  deps: RoundupDeps,
  channel: string,
  localDate: string,
  claimant: string,
  error: unknown,
): Promise<RoundupResult> {
  const { store, logger } = deps;
  const message = error instanceof Error ? error.message : String(error);
  const reread = () => store.getRoundup(channel, localDate).catch(() => null);
  if (error instanceof LeaseLostError) {
    logger.warn({ channel, localDate }, `${message}; this run stops and leaves it to the run that took it`);
    return { outcome: 'claimed-elsewhere', record: await reread() };
  }
  if (error instanceof StoreUnavailableError) {
    logger.warn({ err: error, channel, localDate }, 'roundup interrupted by the database; it will resume');
    return { outcome: 'will-retry', record: await reread(), error: message };
  }
  const policy = deps.retry ?? DEFAULT_RETRY;
  try {
    const failures = ((await store.getRoundup(channel, localDate))?.failures ?? 0) + 1;
    const delay = nextRetryDelay(policy, failures);
    await store.recordRoundupFailure(channel, localDate, claimant, message, delay);
    if (delay === null) {
      logger.error(
        { err: error, channel, localDate, failures },
        `The roundup of ${channel} for ${localDate} failed ${failures} times and will not be tried again: ${message}. Is the bot still in the channel, and the channel not archived? Once fixed, run: npx paperboy roundup --channel ${channel} --date ${localDate} --retry`,
      );
    } else {
      logger.warn(
        { err: error, channel, localDate, failures, retryInMs: delay },
        `roundup try ${failures} of ${policy.maxTries} failed; trying again in ${Math.round(delay / 1000)} s`,
      );
    }
    return { outcome: delay === null ? 'failed' : 'will-retry', record: await reread(), error: message };
  } catch (recording) {
    // The failure could not be recorded: the claim stays, runs out, and the next run tries again.
    logger.error({ err: recording, channel, localDate, cause: message }, 'roundup failed; will resume');
    return { outcome: 'will-retry', record: await reread(), error: message };
  }
}
