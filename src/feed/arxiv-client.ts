import { type Logger, silentLogger } from '../log.ts';
import {
  FeedFormatError,
  normalizeArxivId,
  type Paper,
  type ParseResult,
  type SkippedItem,
} from '../papers/paper.ts';
import { parseArxivAtom } from './arxiv-atom.ts';
import { fetchText, HttpError, USER_AGENT } from './http.ts';

export interface ArxivClientOptions {
  /** The query endpoint. Default `https://export.arxiv.org/api/query`. */
  baseUrl?: string;
  logger?: Logger;
  /** Per-attempt timeout in milliseconds. Default 30 s: arXiv can be slow. */
  timeoutMs?: number;
  /** Retries after a failed attempt (network, timeout, 5xx, 429). Default 2. */
  retries?: number;
  /** Least time between the starts of two requests, in milliseconds. arXiv's terms ask for 3 s. */
  minIntervalMs?: number;
  /** The current time in epoch milliseconds. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Ids per request; keeps the URL short and the answer well under arXiv's result cap. */
const BATCH = 50;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads paper metadata from the arXiv API. All requests of one client, from any number of concurrent
 * callers, go out one at a time and at least `minIntervalMs` apart, as arXiv's terms of use ask.
 */
export class ArxivClient {
  readonly #baseUrl: string;
  readonly #opts: ArxivClientOptions;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #logger: Logger;
  /** Settles when the last queued request has finished; each new request chains onto it. */
  #tail: Promise<void> = Promise.resolve();
  #lastStart: number | null = null;

  constructor(options: ArxivClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? 'https://export.arxiv.org/api/query';
    this.#opts = options;
    this.#minIntervalMs = options.minIntervalMs ?? 3000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * The papers with these arXiv ids (any form {@link normalizeArxivId} accepts), in arXiv's order.
   * Strings that hold no arXiv id are reported in `skipped` without a request; duplicates are asked once.
   * Throws {@link FeedFormatError} when arXiv answers with an error entry (e.g. a malformed id).
   */
  async papers(ids: string[]): Promise<ParseResult> {
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
      const result = await this.#query(batch);
      papers.push(...result.papers);
      skipped.push(...result.skipped);
    }
    return { papers, skipped };
  }

  /** One paper by arXiv id, or null when arXiv has no such paper. */
  async paper(id: string): Promise<Paper | null> {
    const normalized = normalizeArxivId(id);
    if (!normalized) throw new RangeError(`"${id}" is not an arXiv id`);
    const { papers } = await this.papers([normalized]);
    return papers.find((p) => p.arxivId === normalized) ?? papers[0] ?? null;
  }

  async #query(ids: string[]): Promise<ParseResult> {
    // Ids are [A-Za-z0-9./-] after normalisation; commas stay literal as arXiv's examples write them.
    const url = `${this.#baseUrl}?id_list=${ids.join(',')}&max_results=${ids.length}`;
    const where = `${new URL(url).pathname}?id_list=${ids.join(',')}`;
    let text: string;
    try {
      ({ text } = await this.#spaced(() =>
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
        }),
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

  /** Runs `task` after every earlier one has finished and `minIntervalMs` after the last one started. */
  #spaced<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(async () => {
      if (this.#lastStart !== null) {
        const wait = this.#lastStart + this.#minIntervalMs - this.#now();
        if (wait > 0) await this.#sleep(wait);
      }
      this.#lastStart = this.#now();
      return task();
    });
    // The chain only orders requests; each caller still receives its own failure through `run`.
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
