import type { ChatPlatform, PlatformName } from '../chat/platform.ts';
import type { Logger } from '../log.ts';
import type { PaperStore } from '../store/port.ts';
import { type CompiledWatch, compileWatch } from './compile.ts';
import { type DeliverOutcome, deliverTo } from './deliver.ts';
import type { DmRetryPolicy } from './dm-retry.ts';
import { matchNewPapers } from './match.ts';

/** New papers matched per store round trip. */
const BATCH = 500;

export interface WatcherDeps {
  store: PaperStore;
  /** Platforms by name: a person's DM goes out on the platform of their user ref. */
  platforms: ReadonlyMap<PlatformName, ChatPlatform>;
  logger: Logger;
  /** This process's name in the delivery ledger. */
  instanceId: string;
  now?: () => Date;
  /** How often to look for new papers and deliver; default 15 s (a paper is sent within about that). */
  intervalMs?: number;
  /** Delivery lease; a run that died is resumed about this long after. Default 30 s. */
  leaseMs?: number;
  /** How long after its time a missed daily digest is still sent. */
  catchUpMs: number;
  /** People delivered to side by side. Default 8. */
  concurrency?: number;
  /** How a DM whose sending failed is tried again; DEFAULT_DM_RETRY when absent. */
  retry?: DmRetryPolicy;
  /** A number in [0, 1) for the retry jitter; Math.random when absent. */
  random?: () => number;
}

export interface WatchTick {
  /** New papers matched against the watches in this tick. */
  papers: number;
  /** (person, paper) matches recorded by this tick. */
  matches: number;
  /** What became of each person's delivery this tick. */
  deliveries: Map<string, DeliverOutcome>;
}

/**
 * Notices papers new to the archive, whatever put them there (this process's ingestion, a CLI run beside
 * it, a share), by polling the store's insertion order past the watch cursor; matches them against every
 * active watch; and sends each person their matches. Several instances may run it: the cursor moves by
 * compare-and-set and each delivery is claimed in the ledger, so every match is sent once.
 */
export class Watcher {
  readonly #d: WatcherDeps;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<WatchTick> | null = null;
  #stopped = false;
  /** Compiled watches by id, reused while their query is unchanged. */
  #compiled = new Map<number, CompiledWatch | null>();

  constructor(deps: WatcherDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * Ticks every interval from now. The first tick waits one interval too: start-up (platforms connecting,
   * the feed's first ingestion) goes first, and nothing a watch sends is late by more than that.
   */
  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#d.intervalMs ?? 15_000);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
  }

  /** Matches new papers, then delivers. A tick already running is joined. Never rejects. */
  tick(): Promise<WatchTick> {
    if (this.#stopped) return Promise.resolve({ papers: 0, matches: 0, deliveries: new Map() });
    this.#ticking ??= this.#run()
      .catch((error: unknown) => {
        this.#d.logger.error({ err: error }, 'watch tick failed; retrying at the next one');
        return { papers: 0, matches: 0, deliveries: new Map<string, DeliverOutcome>() };
      })
      .finally(() => {
        this.#ticking = null;
      });
    return this.#ticking;
  }

  async #run(): Promise<WatchTick> {
    const { papers, matches } = await this.#matchNew();
    return { papers, matches, deliveries: await this.#deliver() };
  }

  async #matchNew(): Promise<{ papers: number; matches: number }> {
    const { store } = this.#d;
    let papers = 0;
    let matches = 0;
    for (;;) {
      const cursor = await store.watchCursor();
      const batch = await store.papersAfter(cursor, BATCH);
      const last = batch.at(-1);
      if (!last) break;
      const found = matchNewPapers(
        await this.#watches(),
        batch.map((n) => n.paper),
      );
      // Another instance that matched the same batch first leaves this one to read on from its cursor.
      if (await store.recordWatchMatches(cursor, last.seq, found)) {
        papers += batch.length;
        matches += found.length;
      }
      if (batch.length < BATCH) break;
    }
    if (papers > 0) this.#d.logger.info({ papers, matches }, 'new papers matched against watches');
    return { papers, matches };
  }

  async #watches(): Promise<CompiledWatch[]> {
    const active = await this.#d.store.activeWatches();
    const next = new Map<number, CompiledWatch | null>();
    for (const w of active) {
      const known = this.#compiled.get(w.id);
      next.set(w.id, known !== undefined && known?.watch.query === w.query ? known : compileWatch(w));
    }
    this.#compiled = next;
    return [...next.values()].filter((w): w is CompiledWatch => w !== null);
  }

  async #deliver(): Promise<Map<string, DeliverOutcome>> {
    const out = new Map<string, DeliverOutcome>();
    const queue = await this.#d.store.ownersToDeliver();
    const worker = async () => {
      for (let owner = queue.shift(); owner !== undefined; owner = queue.shift()) {
        if (this.#stopped) return;
        const platform = this.#d.platforms.get(owner.split(':')[0] as PlatformName);
        // Another instance holds this platform's connection (or it is not running here): left to it.
        if (!platform || platform.active === false) continue;
        try {
          out.set(
            owner,
            await deliverTo(
              {
                store: this.#d.store,
                platform,
                logger: this.#d.logger,
                now: this.#now,
                claimant: this.#d.instanceId,
                leaseMs: this.#d.leaseMs ?? 30_000,
                catchUpMs: this.#d.catchUpMs,
                ...(this.#d.retry ? { retry: this.#d.retry } : {}),
                ...(this.#d.random ? { random: this.#d.random } : {}),
              },
              owner,
            ),
          );
        } catch (error) {
          // A lost lease or the database: the claim stays and runs out; the next tick (here or elsewhere)
          // resumes it with the same key. A failed DM does not land here: deliverTo counts it and backs off.
          this.#d.logger.warn({ err: error, owner }, 'watch delivery failed; it will be resumed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#d.concurrency ?? 8, queue.length) }, worker));
    return out;
  }
}
