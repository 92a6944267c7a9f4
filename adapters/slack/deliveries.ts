/**
 * The Slack deliveries this process has handled recently, by id, so that each is handled once.
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
 * This log lives in one process: it is empty after a restart and not shared between instances. A replay
 * within five minutes of a restart, or one sent to another instance behind a load balancer, is not caught.
 */
export class DeliveryLog {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Handled ids with the time each may be forgotten, oldest first (a constant TTL keeps that order). */
  readonly #done = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.#maxEntries = options.maxEntries ?? 20_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Runs `work` for a delivery not handled before and remembers `id` once it succeeds. Answers
   * `duplicate` without running it for an id already handled, or, after waiting, for one that was being
   * handled. Rejects when `work` (or the run it waited for) rejects; the id is then not remembered.
   */
  async once(id: string, work: () => Promise<void>): Promise<'handled' | 'duplicate'> {
    const running = this.#inFlight.get(id);
    if (running) {
      await running;
      return 'duplicate';
    }
    if (this.#seen(id)) return 'duplicate';
    const run = work().then(() => this.#remember(id));
    this.#inFlight.set(id, run);
    try {
      await run;
      return 'handled';
    } finally {
      this.#inFlight.delete(id);
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
