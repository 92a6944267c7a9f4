import { type Logger, silentLogger } from '../log.ts';
import {
  FeedFormatError,
  normalizeArxivId,
  type Paper,
  type ParseResult,
  type SkippedItem,
} from '../papers/paper.ts';
import { parseArxivAtom } from './arxiv-atom.ts';
import { UnreachableBreaker } from './breaker.ts';
import { fetchText, HttpError, type LookupOptions, USER_AGENT } from './http.ts';

export interface ArxivClientOptions {
  /** The query endpoint. Default `https://export.arxiv.org/api/query`. */
  baseUrl?: string;
  logger?: Logger;
  /** Per-attempt timeout in milliseconds. Default 30 s: arXiv can be slow. */
  timeoutMs?: number;
  /** Retries after a failed attempt (network, timeout, 5xx, 429). Default 2. */
  retries?: number;
  /**
   * Least time from the end of one request to the start of the next, in milliseconds. arXiv's terms ask
   * for 3 s between requests; counting from the end keeps that gap at arXiv however long an answer takes.
   */
  minIntervalMs?: number;
  /**
   * After arXiv could not be reached at all (connection refused, unknown host), calls fail at once for
   * this many milliseconds rather than each taking a turn to try again. Default 10 s; 0 turns it off.
   */
  unreachableCooldownMs?: number;
  /** The current time in epoch milliseconds. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Ids per request; keeps the URL short and the answer well under arXiv's result cap. */
const BATCH = 50;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A turn that would start with less time than this before its deadline is not taken: the answer could not arrive. */
const MIN_ATTEMPT_MS = 1000;

/**
 * arXiv may be up, but a lookup's turn would come too late: earlier requests wait for theirs, one every
 * `minIntervalMs`, and the lookup's time limit ends first. The message is one sentence for a person.
 */
export class ArxivBusyError extends Error {
  override name = 'ArxivBusyError';
}

/** One caller waiting for its request to go out. */
interface Turn {
  /** Sends the request and settles the caller's promise with its outcome; never rejects. */
  run(): Promise<void>;
  /** Settles the caller's promise with `error`, sending nothing. */
  fail(error: Error): void;
  /** Epoch milliseconds by which the caller needs its answer; +Infinity without a limit. */
  deadline: number;
  /** True once started or given up: a turn settles once. */
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Reads paper metadata from the arXiv API. All requests of one client, from any number of concurrent
 * callers, go out one at a time and at least `minIntervalMs` apart, as arXiv's terms of use ask. A caller
 * with a time limit (`withinMs`) does not queue past it: it is refused with an {@link ArxivBusyError} at
 * once when the turns ahead cannot all be taken in time, or when its limit comes while it still waits.
 */
export class ArxivClient {
  readonly #baseUrl: string;
  readonly #opts: ArxivClientOptions;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #logger: Logger;
  readonly #breaker: UnreachableBreaker;
  /** Callers waiting for their turn, first come first served; settled ones are dropped as the queue moves. */
  readonly #queue: Turn[] = [];
  #pumping = false;
  /** Whether a request is out now. */
  #running = false;
  /** When the last request settled, on `now`; null before the first. */
  #lastEnd: number | null = null;

  constructor(options: ArxivClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? 'https://export.arxiv.org/api/query';
    this.#opts = options;
    this.#minIntervalMs = options.minIntervalMs ?? 3000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    this.#logger = options.logger ?? silentLogger;
    this.#breaker = new UnreachableBreaker('arXiv', options.unreachableCooldownMs ?? 10_000, this.#now);
  }

  /**
   * The papers with these arXiv ids (any form {@link normalizeArxivId} accepts), in arXiv's order.
   * Strings that hold no arXiv id are reported in `skipped` without a request; duplicates are asked once.
   * Throws {@link FeedFormatError} when arXiv answers with an error entry (e.g. a malformed id). With
   * `withinMs`, settles within that time (see {@link LookupOptions}), or throws {@link ArxivBusyError}.
   */
  async papers(ids: string[], lookup: LookupOptions = {}): Promise<ParseResult> {
    const deadline = lookup.withinMs === undefined ? Number.POSITIVE_INFINITY : this.#now() + lookup.withinMs;
    const wanted: string[] = [];
    const skipped: SkippedItem[] = [];
    for (const raw of ids) {
      const id = normalizeArxivId(raw);
      if (id === null) skipped.push({ where: raw, reason: 'not an arXiv id' });
      else if (!wanted.includes(id)) wanted.push(id);
    }
    const papers: Paper[] = [];
    for (let i = 0; i < wanted.length; i += BATCH) {
      const batch = wanted.slice(i, i + BATCH);
      const result = await this.#query(batch, deadline);
      papers.push(...result.papers);
      skipped.push(...result.skipped);
    }
    return { papers, skipped };
  }

  /** One paper by arXiv id, or null when arXiv has no such paper. `lookup` as for {@link papers}. */
  async paper(id: string, lookup: LookupOptions = {}): Promise<Paper | null> {
    const normalized = normalizeArxivId(id);
    if (!normalized) throw new RangeError(`"${id}" is not an arXiv id`);
    const { papers } = await this.papers([normalized], lookup);
    return papers.find((p) => p.arxivId === normalized) ?? papers[0] ?? null;
  }

  async #query(ids: string[], deadline: number): Promise<ParseResult> {
    // Ids are [A-Za-z0-9./-] after normalisation; commas stay literal as arXiv's examples write them.
    const url = `${this.#baseUrl}?id_list=${ids.join(',')}&max_results=${ids.length}`;
    const where = `${new URL(url).pathname}?id_list=${ids.join(',')}`;
    let text: string;
    try {
      ({ text } = await this.#spaced(
        () =>
          fetchText(url, {
            service: 'arXiv',
            headers: { accept: 'application/atom+xml', 'user-agent': USER_AGENT },
            timeoutMs: this.#opts.timeoutMs ?? 30_000,
            retries: this.#opts.retries,
            // Retries count against the same limit; with jitter the first backoff is 1x to 2x the interval.
            baseDelayMs: this.#minIntervalMs * 2,
            sleep: this.#sleep,
            random: this.#opts.random,
            now: this.#now,
            logger: this.#logger,
            ...(Number.isFinite(deadline) ? { deadline, retryUnreachable: false } : {}),
          }),
        deadline,
      ));
    } catch (error) {
      // arXiv may answer a bad query with 400 and its error feed (entry ids under `/api/errors`), whose
      // message says what was wrong: parsing it throws that message. Any other 400 stays an HttpError.
      if (error instanceof HttpError && error.status === 400 && error.body?.includes('/api/errors')) {
        this.#parse(error.body, where);
      }
      throw error;
    }
    return this.#parse(text, where);
  }

  /** Parses an Atom body, naming the request in the error when arXiv sent an error entry or no feed. */
  #parse(text: string, where: string): ParseResult {
    try {
      return parseArxivAtom(text);
    } catch (error) {
      if (error instanceof FeedFormatError) {
        throw new FeedFormatError(`Unusable answer from arXiv for ${where}: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Runs `task` after every earlier one has finished and `minIntervalMs` after the last one ended. A
   * caller with a `deadline` is refused at once when even the fastest possible queue would start it too
   * late, and gives up if its deadline comes while it still waits; either way no request is sent for it.
   * While the breaker is open, callers fail at once with its reason, queued ones included.
   */
  #spaced<T>(task: () => Promise<T>, deadline: number): Promise<T> {
    this.#breaker.check();
    // With a request out, its outcome decides: a refusal fails everyone waiting as unreachable, an answer
    // lets #prune refuse those whose turn would come too late. Otherwise the queue alone decides now.
    if (!this.#running) {
      const waiting = this.#ahead(this.#queue.length);
      if (this.#earliestStart(waiting) + MIN_ATTEMPT_MS > deadline) throw this.#busy(waiting);
    }
    return new Promise<T>((resolve, reject) => {
      const turn: Turn = {
        deadline,
        settled: false,
        run: async () => {
          try {
            const value = await task();
            this.#breaker.record();
            resolve(value);
          } catch (error) {
            this.#breaker.record(error);
            reject(error);
          }
        },
        fail: reject,
      };
      if (Number.isFinite(deadline)) {
        // A real timer, so a caller stuck behind a slow request still hears back in time.
        turn.timer = setTimeout(
          () => this.#giveUp(turn),
          Math.max(0, deadline - MIN_ATTEMPT_MS - this.#now()),
        );
        turn.timer.unref?.();
      }
      this.#queue.push(turn);
      void this.#pump();
    });
  }

  /** Takes the queued turns one by one, waiting out the interval before each request. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let turn = this.#head(); turn; turn = this.#head()) {
        if (this.#failIfBroken(turn)) continue;
        const wait = this.#lastEnd === null ? 0 : this.#lastEnd + this.#minIntervalMs - this.#now();
        if (wait > 0) {
          await this.#sleep(wait);
          // It may have given up, or the breaker opened, while it waited.
          if (turn.settled || this.#failIfBroken(turn)) continue;
        }
        if (this.#now() + MIN_ATTEMPT_MS > turn.deadline) {
          this.#settle(turn);
          turn.fail(this.#busy(0));
          continue;
        }
        this.#settle(turn);
        this.#running = true;
        try {
          await turn.run();
        } finally {
          this.#running = false;
          this.#lastEnd = this.#now();
        }
        this.#prune();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** The first unsettled turn, dropping settled ones from the front. */
  #head(): Turn | undefined {
    while (this.#queue[0]?.settled) this.#queue.shift();
    return this.#queue[0];
  }

  /** Marks `turn` settled and stops its timer; it leaves the queue when it reaches the front. */
  #settle(turn: Turn): void {
    turn.settled = true;
    if (turn.timer) clearTimeout(turn.timer);
  }

  /** Fails `turn` with the breaker's reason when the breaker is open; returns whether it did. */
  #failIfBroken(turn: Turn): boolean {
    try {
      this.#breaker.check();
      return false;
    } catch (error) {
      this.#settle(turn);
      turn.fail(error as Error);
      return true;
    }
  }

  /** The timer's end of a wait: the deadline came first. */
  #giveUp(turn: Turn): void {
    if (turn.settled) return;
    const ahead = this.#ahead(this.#queue.indexOf(turn)) + (this.#running ? 1 : 0);
    this.#settle(turn);
    turn.fail(this.#busy(ahead));
  }

  /**
   * After a request: fails every waiting turn at once if the breaker opened, else those whose turn, at one
   * every `minIntervalMs`, would start too late for their deadline.
   */
  #prune(): void {
    let waiting = 0;
    for (const turn of this.#queue) {
      if (turn.settled || this.#failIfBroken(turn)) continue;
      if (this.#earliestStart(waiting) + MIN_ATTEMPT_MS > turn.deadline) {
        this.#settle(turn);
        turn.fail(this.#busy(waiting));
      } else waiting++;
    }
  }

  /** Unsettled turns among the first `n` in the queue. */
  #ahead(n: number): number {
    let waiting = 0;
    for (let i = 0; i < n; i++) if (!this.#queue[i]?.settled) waiting++;
    return waiting;
  }

  /**
   * The soonest a turn behind `waiting` others could start, with no request out: a lower bound, as
   * answers take time too.
   */
  #earliestStart(waiting: number): number {
    const free = Math.max(this.#now(), (this.#lastEnd ?? Number.NEGATIVE_INFINITY) + this.#minIntervalMs);
    return free + waiting * this.#minIntervalMs;
  }

  #busy(ahead: number): ArxivBusyError {
    const pace = `one request every ${Math.round(this.#minIntervalMs / 1000)} s`;
    return new ArxivBusyError(
      ahead === 0
        ? `arXiv is busy: at ${pace}, the next free turn comes too late`
        : `arXiv is busy: ${ahead} ${ahead === 1 ? 'request is' : 'requests are'} ahead, at ${pace}`,
    );
  }
}
