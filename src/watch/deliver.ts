import { performance } from 'node:perf_hooks';
import { type ChatPlatform, newPostKey, type PostOptions } from '../chat/platform.ts';
import type { Logger } from '../log.ts';
import { dueLocalDate, localParts, zonedInstant } from '../roundup/schedule.ts';
import type { PaperStore, UserRef } from '../store/port.ts';
import type { WatchDelivery, WatchDeliveryPlan, WatcherSettings } from '../store/watch-port.ts';
import { DeliveryLease, DeliveryLeaseLost } from './delivery-lease.ts';
import { DEFAULT_DM_RETRY, type DmRetryPolicy, nextDmRetryDelay } from './dm-retry.ts';
import { type MatchedPaper, watchMessage } from './message.ts';
import { defaultWatcher } from './settings.ts';

/** Every day of the week: a daily digest runs on each (an empty day sends nothing). */
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

export interface DeliverDeps {
  store: PaperStore;
  platform: ChatPlatform;
  logger: Logger;
  now: () => Date;
  /** This process's name in the ledger. */
  claimant: string;
  leaseMs: number;
  /** How long after its time a missed daily digest is still sent (the roundups' catch-up window). */
  catchUpMs: number;
  /** How a DM whose sending failed is tried again; DEFAULT_DM_RETRY when absent. */
  retry?: DmRetryPolicy;
  /** A number in [0, 1) for the retry jitter; Math.random when absent. */
  random?: () => number;
}

/** `will-retry`: sending failed and the delivery waits for its next try (DmRetryPolicy). */
export type DeliverOutcome = 'sent' | 'resumed' | 'nothing' | 'undeliverable' | 'will-retry';

/**
 * Sends one person the matches waiting for them, in one direct message, exactly once. The delivery is
 * claimed and planned in the ledger (its matches and an idempotency key) before anything is sent; a run
 * that dies after sending but before recording is resumed by the next claim, which sends with the same key
 * and the plan's time, so the platform returns the message it already made instead of a second one. A
 * person who cannot be sent a DM is skipped for good: the delivery is marked undeliverable and their
 * watches paused, with one log line. A DM that fails otherwise (the platform's error, a timeout) is tried
 * again with backoff, by whichever run claims it once its wait is over, with the same key; after the
 * policy's last try it is given up as undeliverable, with one warning, and the person's watches go on.
 */
export async function deliverTo(deps: DeliverDeps, owner: UserRef): Promise<DeliverOutcome> {
  const { store, logger } = deps;
  const settings = (await store.getWatcher(owner)) ?? defaultWatcher(owner, deps.now());
  const askedAt = performance.now();
  const delivery = await store.claimWatchDelivery(owner, deps.claimant, deps.leaseMs, plan(deps, settings));
  if (!delivery) return 'nothing';
  const lease = new DeliveryLease({
    store,
    id: delivery.id,
    claimant: deps.claimant,
    leaseMs: deps.leaseMs,
    logger,
    claimedAt: askedAt,
  });
  lease.start();
  try {
    return await send(deps, settings, delivery, lease);
  } finally {
    await lease.stop();
  }
}

/** A new delivery when one is due: always for instant watches; once a local day, at its time, for daily. */
function plan(deps: DeliverDeps, s: WatcherSettings): WatchDeliveryPlan | null {
  if (s.paused) return null;
  if (s.mode === 'instant') return { key: newPostKey(), localDate: null, upTo: null };
  const localDate = dueLocalDate(
    { time: s.time, timezone: s.timezone, days: EVERY_DAY },
    deps.now(),
    deps.catchUpMs,
  );
  if (!localDate) return null;
  // The digest holds what had matched by its time. Without the bound, a day with nothing then sent the
  // first paper that matched later in the catch-up window at once, and the next a day later.
  const upTo = zonedInstant(localDate, s.time, s.timezone).toISOString();
  return { key: newPostKey(), localDate, upTo };
}

async function send(
  deps: DeliverDeps,
  settings: WatcherSettings,
  delivery: WatchDelivery,
  lease: DeliveryLease,
): Promise<DeliverOutcome> {
  const { store, platform, logger } = deps;
  const owner = delivery.owner;
  const matched: MatchedPaper[] = [];
  for (const item of delivery.items) {
    const paper = await store.getPaper(item.paperId);
    if (paper) matched.push({ paper, query: item.query });
  }
  if (!platform.postDirect || matched.length === 0) {
    // Nothing can be sent: a platform without DMs, or papers that left the archive since they matched.
    const note = platform.postDirect
      ? 'its papers are no longer in the archive'
      : `${platform.name} cannot send direct messages`;
    if (!platform.postDirect)
      logger.warn({ owner, platform: platform.name }, `${note}; watch delivery skipped`);
    await store.finishWatchDelivery(delivery.id, { state: 'undeliverable', note });
    return 'nothing';
  }
  const today = localParts(deps.now(), settings.timezone).date;
  const { reply, shown } = watchMessage(matched, today, delivery.localDate !== null);
  const options: PostOptions = { idempotencyKey: delivery.key, signal: lease.signal };
  // A resumed delivery may already be out: the platform looks for the key's message from the plan's time.
  if (delivery.resumed) options.since = delivery.plannedAt;
  await lease.confirm();
  let outcome: Awaited<ReturnType<NonNullable<ChatPlatform['postDirect']>>>;
  try {
    outcome = await platform.postDirect(owner, reply, options);
  } catch (error) {
    // A lost lease is no failed try: the run that took the delivery over carries on.
    if (error instanceof DeliveryLeaseLost || lease.signal.aborted) throw error;
    return failedTry(deps, delivery, matched.length, error);
  }
  if (!outcome.sent) {
    await store.finishWatchDelivery(delivery.id, { state: 'undeliverable', note: outcome.unreachable });
    // Only the pause: a mode or time the person set while the DM was being tried stays as they set it.
    await store.updateWatcher(
      owner,
      { paused: true, pausedReason: outcome.unreachable },
      deps.now().toISOString(),
    );
    logger.warn(
      { owner, reason: outcome.unreachable, papers: matched.length },
      'cannot send this person a direct message; their watches are paused until they run /papers watch resume',
    );
    return 'undeliverable';
  }
  // Votes: one paper is the message's own; several are places `<message>#<n>`, as in a digest roundup.
  const postedAt = deps.now().toISOString();
  const records =
    shown.length === 1
      ? [{ message: outcome.message, paperId: shown[0]!.id }]
      : shown.map((p, i) => ({ message: `${outcome.message}#${i + 1}`, paperId: p.id }));
  for (const r of records)
    await store.recordPost({ ...r, channel: outcome.channel, kind: 'watch', postedBy: null, postedAt });
  await store.finishWatchDelivery(delivery.id, { state: 'sent', message: outcome.message });
  if (settings.dmChannel !== outcome.channel)
    await store.updateWatcher(owner, { dmChannel: outcome.channel }, postedAt);
  logger.info(
    { owner, delivery: delivery.id, papers: matched.length, resumed: delivery.resumed },
    'watch matches sent',
  );
  return delivery.resumed ? 'resumed' : 'sent';
}

/**
 * Counts a DM that failed and lets the delivery wait for its next try, or gives it up after the policy's
 * last: then its papers are not sent (the next delivery carries only later matches) and the ledger keeps
 * them with the error as its note. Should the failure not be recordable (the database), the error goes up:
 * the claim runs out and the delivery is resumed, that try uncounted.
 */
async function failedTry(
  deps: DeliverDeps,
  delivery: WatchDelivery,
  papers: number,
  error: unknown,
): Promise<DeliverOutcome> {
  const { store, logger } = deps;
  const policy = deps.retry ?? DEFAULT_DM_RETRY;
  const failures = delivery.attempts + 1;
  const ageMs = deps.now().getTime() - Date.parse(delivery.plannedAt);
  const delay = nextDmRetryDelay(policy, failures, ageMs, (deps.random ?? Math.random)());
  const message = error instanceof Error ? error.message : String(error);
  if (!(await store.recordWatchDeliveryFailure(delivery.id, deps.claimant, message, delay)))
    throw new DeliveryLeaseLost(`Watch delivery ${delivery.id} was taken over while its DM failed`);
  const owner = delivery.owner;
  if (delay === null) {
    logger.warn(
      { err: error, owner, delivery: delivery.id, papers, failures },
      `a watch DM failed ${failures} times since ${delivery.plannedAt}; its papers will not be sent: ${message}`,
    );
    return 'undeliverable';
  }
  logger.info(
    { err: error, owner, delivery: delivery.id, failures, retryInMs: delay },
    `watch DM try ${failures} failed; trying again in ${Math.round(delay / 1000)} s`,
  );
  return 'will-retry';
}
