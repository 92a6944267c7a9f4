import { type Logger, silentLogger } from '../log.ts';
import {
  FeedFormatError,
  isoDate,
  normalizeArxivId,
  type Paper,
  type ParseResult,
  type SkippedItem,
} from '../papers/paper.ts';
import { UnreachableBreaker } from './breaker.ts';
import { parseHfJson } from './hf-json.ts';
import { parseHfSearch } from './hf-search.ts';
import { fetchText, HttpError, type LookupOptions, USER_AGENT } from './http.ts';

/** One day of the Hugging Face Daily Papers feed. */
export interface DailyFeed {
  /** The day asked for, `YYYY-MM-DD`. */
  date: string;
  /** Papers in feed order, each id once, each with `feedDate` = `date`: the feed they were listed in. */
  papers: Paper[];
  /** Items that could not be read, and a note when paging stopped at the page cap. */
  skipped: SkippedItem[];
  /** True when Hugging Face listed nothing for the day (weekends, holidays, or too early in the day). */
  empty: boolean;
}

export interface HfClientOptions {
  /** Default `https://huggingface.co`; tests point it at a local fake. */
  baseUrl?: string;
  /** An HF access token, sent as a Bearer token when set; it raises the rate limit. Never logged. */
  token?: string | undefined;
  logger?: Logger;
  /** Per-attempt timeout in milliseconds. Default 15 s. */
  timeoutMs?: number;
  /** Retries after a failed attempt (network, timeout, 5xx, 429). Default 2. */
  retries?: number;
  /** The longest server-requested wait (ms) we accept before giving up. Default 120 s. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Items asked for per Daily Papers page (`limit`). Default 100, the most Hugging Face serves. */
  pageSize?: number;
  /** Most Daily Papers pages read for one day; a day has never come near this. Default 10. */
  maxPages?: number;
  /**
   * After Hugging Face could not be reached at all (connection refused, unknown host), calls fail at once
   * for this many milliseconds rather than each trying again. Default 10 s; 0 turns it off.
   */
  unreachableCooldownMs?: number;
  /** The current time in epoch milliseconds. */
  now?: () => number;
}

/** Hugging Face answered that a day's Daily Papers do not exist yet (HTTP 400 for a future date). */
export class DateNotAvailableError extends Error {
  override name = 'DateNotAvailableError';
  constructor(
    readonly date: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Hugging Face has no Daily Papers for ${date} yet: the date is in the future or not available yet`,
      options,
    );
  }
}

/**
 * Reads the Hugging Face papers API. Every method is a read and may be repeated; failures surface as
 * {@link HttpError} (after retries), {@link FeedFormatError} (an unreadable body, message naming the URL),
 * or {@link DateNotAvailableError}.
 */
export class HfClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;
  readonly #opts: HfClientOptions;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #breaker: UnreachableBreaker;

  constructor(options: HfClientOptions = {}) {
    this.#baseUrl = (options.baseUrl ?? 'https://huggingface.co').replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#opts = options;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#breaker = new UnreachableBreaker(
      'Hugging Face',
      options.unreachableCooldownMs ?? 10_000,
      this.#now,
    );
  }

  /**
   * All of one day's Daily Papers, reading pages `p=0, 1, …` until a short or empty page. Stops early if a
   * page brings no new ids (a server ignoring `p`) or at `maxPages`, noting the latter in `skipped`.
   * A day with nothing listed gives `empty: true`, not an error. Throws {@link DateNotAvailableError}
   * when Hugging Face answers 400 (a future date), and RangeError when `date` is not `YYYY-MM-DD`.
   */
  async dailyPapers(date: string): Promise<DailyFeed> {
    if (!isoDate.safeParse(date).success) throw new RangeError(`"${date}" is not a date as YYYY-MM-DD`);
    const limit = this.#opts.pageSize ?? 100;
    const maxPages = this.#opts.maxPages ?? 10;
    const seen = new Set<string>();
    const papers: Paper[] = [];
    const skipped: SkippedItem[] = [];
    let items = 0;

    for (let page = 0; ; page++) {
      if (page === maxPages) {
        this.#logger.warn({ date, pages: maxPages }, 'daily papers page cap reached');
        skipped.push({
          where: `page ${page}`,
          reason: `stopped after ${maxPages} pages; later pages not read`,
        });
        break;
      }
      const path = `/api/daily_papers?date=${date}&limit=${limit}&p=${page}`;
      let result: ParseResult;
      try {
        result = await this.#getJson(path, {}, date);
      } catch (error) {
        if (error instanceof HttpError && error.status === 400)
          throw new DateNotAvailableError(date, { cause: error });
        throw error;
      }
      const count = result.papers.length + result.skipped.length;
      items += count;
      const fresh = result.papers.filter((p) => !seen.has(p.id));
      for (const p of fresh) seen.add(p.id);
      papers.push(...fresh);
      skipped.push(...result.skipped.map((s) => ({ ...s, where: `page ${page}, ${s.where}` })));
      // A page of only known ids means the server ignored `p` and would repeat itself forever.
      const repeated = page > 0 && result.papers.length > 0 && fresh.length === 0;
      if (repeated) this.#logger.warn({ date, page }, 'daily papers page repeated earlier ids; stopping');
      if (count < limit || repeated) break;
    }
    return { date, papers, skipped, empty: items === 0 };
  }

  /**
   * One paper by arXiv id (any form {@link normalizeArxivId} accepts), or null when Hugging Face does
   * not know it (404) or it was withdrawn. Throws RangeError for a string holding no arXiv id. With
   * `withinMs`, settles within that time (see {@link LookupOptions}).
   */
  async paper(arxivId: string, lookup: LookupOptions = {}): Promise<Paper | null> {
    const id = normalizeArxivId(arxivId);
    if (!id) throw new RangeError(`"${arxivId}" is not an arXiv id`);
    const path = `/api/papers/${id}`;
    let result: ParseResult;
    try {
      result = await this.#getJson(path, lookup);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return null;
      throw error;
    }
    const paper = result.papers[0];
    if (paper) return paper;
    // A withdrawn paper is one Hugging Face no longer offers: the same, to a reader, as an unknown one.
    const reason = result.skipped[0]?.reason ?? 'no paper in the response';
    if (reason === 'withdrawn') return null;
    throw new FeedFormatError(`Unusable answer from Hugging Face for ${path}: ${reason}`);
  }

  /**
   * Hugging Face's paper search for `q` (its semantic search, the one behind huggingface.co/papers), sent
   * URL-encoded as given, best first. `limit` caps the hits asked for and kept; `withinMs` bounds the call
   * as for a lookup (see {@link LookupOptions}). A blank query is answered with no results and no request.
   * A hit's feedDate is its `submittedOnDailyAt` day, or null: search also finds papers no daily feed
   * ever listed (see {@link parseHfSearch}).
   */
  async search(q: string, options: LookupOptions & { limit?: number } = {}): Promise<ParseResult> {
    if (q.trim() === '') return { papers: [], skipped: [] };
    const limit = options.limit === undefined ? '' : `&limit=${Math.max(1, Math.floor(options.limit))}`;
    return this.#getJson(
      `/api/papers/search?q=${encodeURIComponent(q)}${limit}`,
      options,
      undefined,
      (text) => parseHfSearch(text, options.limit),
    );
  }

  /**
   * GETs `path` and parses it (with `parse`, default {@link parseHfJson}). `feedDate` is the day a Daily
   * Papers request asked for, given to every paper; `lookup` bounds an interactive lookup in time.
   */
  async #getJson(
    path: string,
    lookup: LookupOptions = {},
    feedDate?: string,
    parse: (text: string) => ParseResult = (text) => parseHfJson(text, { feedDate }),
  ): Promise<ParseResult> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    this.#breaker.check();
    let text: string;
    try {
      ({ text } = await fetchText(this.#baseUrl + path, {
        service: 'Hugging Face',
        headers,
        timeoutMs: this.#opts.timeoutMs,
        retries: this.#opts.retries,
        maxWaitMs: this.#opts.maxWaitMs,
        sleep: this.#opts.sleep,
        random: this.#opts.random,
        now: this.#now,
        logger: this.#logger,
        ...(lookup.withinMs === undefined
          ? {}
          : { deadline: this.#now() + lookup.withinMs, retryUnreachable: false }),
      }));
    } catch (error) {
      this.#breaker.record(error);
      throw error;
    }
    this.#breaker.record();
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof FeedFormatError) {
        throw new FeedFormatError(`Unusable answer from Hugging Face for ${path}: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
