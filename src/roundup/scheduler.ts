import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { ChatPlatform, PlatformName } from '../chat/platform.ts';
import type { HfClient } from '../feed/hf-client.ts';
import type { Logger } from '../log.ts';
import { ingestPapers } from '../papers/ingest.ts';
import type { ChannelSettings, PaperStore, RoundupSummary } from '../store/port.ts';
import { postRoundup, type RoundupOutcome } from './post-roundup.ts';
import type { RetryPolicy } from './retry-policy.ts';
import type { RoundupDefaults } from './roundup.ts';
import { defaultSettings } from './roundup.ts';
import { addDays, dueLocalDate, localParts } from './schedule.ts';

/** The lease that makes one instance at a time ingest the feed. */
const INGEST_LEASE = 'feed-ingest';

export interface SchedulerDeps {
  store: PaperStore;
  hf: HfClient;
  /** Platforms by name; a channel whose platform is absent is skipped (logged once per tick). */
  platforms: ReadonlyMap<PlatformName, ChatPlatform>;
  defaults: RoundupDefaults;
  logger: Logger;
  now?: () => Date;
  /** This process's name in the ledger. Default: a random id. */
  instanceId?: string;
  /**
   * How long a roundup's claim lasts unless its run renews it (every third of this while alive): another
   * instance, or this one after a restart, resumes a run that died about this long after. Default 30 s.
   */
  leaseMs?: number;
  /** How failed roundup tries are retried and when one is given up; default DEFAULT_RETRY. */
  retry?: RetryPolicy;
  /** Emoji the bot seeds on roundup papers; null for none. Default `+1`. */
  seedEmoji?: string | null;
  /** Roundups posted side by side in one tick. Default 32. */
  concurrency?: number;
}

export interface TickResult {
  channel: string;
  localDate: string;
  outcome: RoundupOutcome;
}

/** Roundup checks run this often: with 30 s leases, a run that died is resumed within about 45 s. */
const ROUNDUP_CHECKS = '*/15 * * * * *';

/**
 * Runs the roundups and feed ingestion on node-cron. One task evaluates every channel every 15 seconds in
 * its own time zone (not one task per channel), so thousands of channels and settings changed at run time
 * both work; the ledger claim makes each roundup exactly-once across restarts and instances, and a claim
 * whose run died is resumed soon after its lease runs out.
 */
export class Scheduler {
  private readonly deps: SchedulerDeps;
  private readonly now: () => Date;
  private readonly instanceId: string;
  private tasks: ScheduledTask[] = [];
  private ticking: Promise<TickResult[]> | null = null;
  private stopped = false;
  private ingesting: Promise<void> | null = null;
  /** The last ingestion's result, for the empty-day message and health checks. */
  lastIngestion: { at: Date; ok: boolean; error: string | null } | null = null;

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
    this.instanceId = deps.instanceId ?? `paperboy-${randomUUID()}`;
  }

  /**
   * Starts the cron tasks, then ingests once and ticks once right away, in the background: start-up never
   * waits on Hugging Face, and a roundup that came due while the bot was down goes out without waiting for
   * the next check.
   */
  start(): void {
    this.tasks.push(
      cron.schedule(ROUNDUP_CHECKS, () => void this.tick(), { name: 'roundups', noOverlap: true }),
      cron.schedule('*/30 * * * *', () => void this.ingest(), {
        name: 'ingest',
        noOverlap: true,
        timezone: 'UTC',
      }),
    );
    void this.ingest().then(() => this.tick());
  }

  /** The upvote emoji seeded on roundup papers (and named in the header). */
  private get seed(): string | null {
    return this.deps.seedEmoji === undefined ? '+1' : this.deps.seedEmoji;
  }

  /** Stops the cron tasks and waits for a running tick; an ingestion in flight is left to fail quietly. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
    await this.ticking;
    // Hand ingestion over at once: a restarted instance has a new id and would otherwise wait for it.
    await this.deps.store.releaseLease(INGEST_LEASE, this.instanceId).catch(() => undefined);
  }

  /** Every channel with a roundup: saved settings, plus configured channels that have none saved. */
  async channels(): Promise<ChannelSettings[]> {
    const saved = await this.deps.store.listChannelSettings();
    const known = new Set(saved.map((s) => s.channel));
    const configured = this.deps.defaults.channels
      .filter((c) => !known.has(c))
      .map((c) => defaultSettings(c, this.deps.defaults));
    return [...saved, ...configured];
  }

  /**
   * Posts every roundup due now. Safe to call concurrently and from several processes: a tick already
   * running in this process is joined, and the ledger decides between processes.
   */
  async tick(): Promise<TickResult[]> {
    if (this.stopped) return [];
    if (this.ticking) return this.ticking;
    this.ticking = this.runTick()
      .catch((error: unknown) => {
        // The store could not be read (locked, or the connection dropped): the next check tries again.
        this.deps.logger.error({ err: error }, 'roundup tick failed; retrying at the next check');
        return [];
      })
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async runTick(): Promise<TickResult[]> {
    const now = this.now();
    const due: { settings: ChannelSettings; localDate: string; platform: ChatPlatform }[] = [];
    const channels = await this.channels();
    // A roundup both due by its schedule and unfinished in the ledger is run once.
    const seen = new Set<string>();
    const push = (settings: ChannelSettings, localDate: string, record: RoundupSummary | null) => {
      const key = `${settings.channel} ${localDate}`;
      if (seen.has(key)) return;
      seen.add(key);
      const platform = this.deps.platforms.get(settings.channel.split(':')[0] as PlatformName);
      if (!platform) {
        this.deps.logger.warn(
          { channel: settings.channel },
          'roundup due for a platform that is not running',
        );
        return;
      }
      // Another instance holds this platform's connection and posts its roundups.
      if (platform.active === false) return;
      // A failed try waits for its retry time (the store checks it too, on its own clock).
      const retryLater = record?.state === 'waiting' && Date.parse(record.retryAt ?? '') > now.getTime();
      if (!record || record.state === 'claimed' || (record.state === 'waiting' && !retryLater))
        due.push({ settings, localDate, platform });
    };
    for (const settings of channels) {
      if (!settings.enabled) continue;
      const localDate = dueLocalDate(settings, now, this.deps.defaults.catchUpMs);
      if (!localDate) continue;
      push(settings, localDate, await this.deps.store.getRoundup(settings.channel, localDate));
    }
    // A roundup already started (a failed try waiting for its retry, or a run that died) is finished
    // whatever the schedule says now: its catch-up window may have closed since (a retry due a minute after
    // a late first try), or an admin changed its days or time meanwhile. Half a roundup, never reported as
    // failed, was what people saw. Only a channel whose roundup was turned off, or a roundup of a local
    // date more than two days old, is left as it is.
    const enabled = new Map(channels.filter((c) => c.enabled).map((c) => [c.channel, c]));
    const since = addDays(now.toISOString().slice(0, 10), -2);
    for (const record of await this.deps.store.unfinishedRoundups({ sinceLocalDate: since, limit: 1000 })) {
      const settings = enabled.get(record.channel);
      if (settings) push(settings, record.localDate, record);
    }
    // Channels run side by side: each one's posts are paced by its platform (about one a second per
    // channel on Slack), so a thousand channels due at 09:00 must not wait for each other in turn.
    const results: TickResult[] = [];
    const queue = [...due];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift())
        results.push(await this.runOne(job.settings, job.localDate, job.platform));
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 32, queue.length) }, worker));
    return results;
  }

  private async runOne(
    settings: ChannelSettings,
    localDate: string,
    platform: ChatPlatform,
  ): Promise<TickResult> {
    try {
      const { outcome } = await postRoundup(
        {
          store: this.deps.store,
          platform,
          logger: this.deps.logger,
          seedEmoji: this.seed,
          now: this.now,
          leaseMs: this.deps.leaseMs ?? 30_000,
          feedUnreachable: () => this.lastIngestion?.ok === false,
          ...(this.deps.retry ? { retry: this.deps.retry } : {}),
        },
        settings,
        localDate,
        this.instanceId,
      );
      return { channel: settings.channel, localDate, outcome };
    } catch (error) {
      // The ledger could not be read or claimed (the database is away): a later tick tries again.
      this.deps.logger.error(
        { err: error, channel: settings.channel, localDate },
        'roundup could not start; will try again',
      );
      return { channel: settings.channel, localDate, outcome: 'will-retry' };
    }
  }

  /**
   * Refreshes the last three days' Hugging Face lists (UTC days) so late additions and upvotes settle, also
   * at weekends (Friday's list keeps filling after Friday). One instance ingests at a time. A failure is
   * logged with its reason and retried at the next run; roundups use what the archive has meanwhile.
   */
  ingest(): Promise<void> {
    this.ingesting ??= this.runIngest().finally(() => {
      this.ingesting = null;
    });
    return this.ingesting;
  }

  private async runIngest(): Promise<void> {
    if (this.stopped) return;
    // The lease outlives the 30-minute interval, so its holder keeps it until it stops or dies.
    const leased = await this.deps.store
      .acquireLease(INGEST_LEASE, this.instanceId, 35 * 60_000)
      .catch((error: unknown) => {
        this.deps.logger.warn({ err: error }, 'could not take the ingestion lease; skipping this run');
        return false;
      });
    if (!leased) {
      this.deps.logger.debug('another instance ingests the feed');
      return;
    }
    const today = localParts(this.now(), 'UTC').date;
    const days = [-2, -1, 0].map((n) => addDays(today, n));
    try {
      for (const day of days) {
        const feed = await this.deps.hf.dailyPapers(day);
        const r = await ingestPapers(this.deps.store, feed.papers, feed.skipped, {
          listedOn: feed.date,
        });
        this.deps.logger.info({ day, ...r, skipped: r.skipped.length, empty: feed.empty }, 'feed ingested');
      }
      this.lastIngestion = { at: this.now(), ok: true, error: null };
    } catch (error) {
      if (this.stopped) return;
      const message = error instanceof Error ? error.message : String(error);
      // Said once per outage, as a sentence a person can act on; the runs that fail after it stay quiet.
      if (this.lastIngestion?.ok === false) {
        this.deps.logger.debug({ err: error }, 'feed ingestion still failing');
      } else {
        this.deps.logger.warn(
          { err: error },
          `The Hugging Face feed could not be reached (${message.replace(/\.$/, '')}); paperboy retries every 30 minutes. To load papers now, run: npx paperboy ingest <saved feed file>`,
        );
      }
      this.lastIngestion = { at: this.now(), ok: false, error: message };
    }
  }
}
