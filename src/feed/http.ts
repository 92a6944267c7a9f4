import pkg from '../../package.json' with { type: 'json' };
import { type Logger, silentLogger } from '../log.ts';

/** Sent on every request so the feeds' operators can tell who is calling (arXiv's terms ask for it). */
export const USER_AGENT = `paperboy/${pkg.version}`;

/** Options for {@link fetchText}. Every field has a default; times are milliseconds. */
export interface FetchTextOptions {
  /** The service's name as a person knows it, used in error messages ("Hugging Face", "arXiv"). */
  service?: string;
  /** Request headers. They are sent as given and never logged or put in errors (they may hold a token). */
  headers?: Record<string, string>;
  /** Limit on one attempt, from sending the request to reading the last byte of the body. Default 15 s. */
  timeoutMs?: number;
  /** How many times to try again after the first attempt fails in a retryable way. Default 2. */
  retries?: number;
  /** The first backoff; it doubles with every retry, with jitter. Default 1 s. */
  baseDelayMs?: number;
  /** The longest backoff we choose ourselves. Default 30 s. */
  maxDelayMs?: number;
  /**
   * The longest wait a server may ask for (Retry-After, RateLimit). When it asks for more, we give up at
   * once rather than retry early into another refusal. Default 120 s.
   */
  maxWaitMs?: number;
  /** Waits `ms` milliseconds; injected so tests need not really wait. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; injected so tests are deterministic. */
  random?: () => number;
  /** The current time in epoch milliseconds, for Retry-After given as an HTTP date and for `deadline`. */
  now?: () => number;
  logger?: Logger;
  /**
   * When set (epoch milliseconds on `now`), the call settles by then: each attempt's timeout is cut to the
   * time left, and a retry whose backoff would end past it is not made. For callers a person is waiting on.
   */
  deadline?: number;
  /**
   * Whether to retry when the service could not be reached at all (connection refused, DNS failure, no
   * route: see {@link unreachableCode}). Default true, for background work where a service may be
   * restarting; interactive callers pass false, as a second try seconds later rarely finds it back.
   */
  retryUnreachable?: boolean;
}

/** Options of a lookup a person is waiting on (`HfClient.paper`, `ArxivClient.paper`). */
export interface LookupOptions {
  /**
   * Settle within this many milliseconds, with the answer or the reason it failed. A service that cannot be
   * reached is not retried, and no retry or turn is taken that could not end within the limit.
   */
  withinMs?: number;
}

/** A successful (2xx) response, body read in full. */
export interface TextResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** How the last attempt of a failed request went wrong. */
export type HttpFailure = 'status' | 'timeout' | 'network' | 'rate-limited';

/**
 * A request that failed for good: a non-retryable status, or retries used up, or a server asking us to
 * wait longer than allowed. The message is one sentence for a person; it never holds a token.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    message: string,
    /** The last status received, or null when no response arrived (timeout, network error). */
    readonly status: number | null,
    /** The URL without credentials or secret-looking query parameters. */
    readonly url: string,
    readonly failure: HttpFailure,
    /** How many requests were sent. */
    readonly attempts: number,
    /** The start of the last response's body (up to 2000 characters), for callers that read error bodies. */
    readonly body: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SECRET_PARAM = /token|key|secret|password|auth|sig/i;

/** The URL with user info removed and secret-looking query values blanked, safe for logs and errors. */
export function redactUrl(url: string | URL): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) u.searchParams.set(name, 'redacted');
  }
  return u.toString();
}

/** Path and query of a redacted URL, decoded: what error messages show, as the service names the host. */
function shortUrl(url: string): string {
  const u = new URL(url);
  return decodeForDisplay(u.pathname) + decodeForDisplay(u.search.replace(/\+/g, ' '));
}

function decodeForDisplay(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (error) {
    // A malformed escape only makes the message less pretty; show the raw form.
    if (error instanceof URIError) return s;
    throw error;
  }
}

/**
 * How long the server asks us to wait, in milliseconds, or null when it says nothing usable.
 * `Retry-After` is delta-seconds or an HTTP date. `RateLimit` is the IETF draft form Hugging Face sends,
 * `"api";r=0;t=55` (r: requests remaining, t: seconds until the window resets); an exhausted policy
 * (r=0) wins, otherwise the latest reset. Retry-After takes precedence as the more specific instruction.
 */
export function serverWaitMs(headers: Headers, now: number): number | null {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const rateLimit = headers.get('ratelimit');
  if (rateLimit) {
    const policies = rateLimit.split(',').map((item) => {
      const params = new Map<string, string>();
      for (const part of item.split(';').slice(1)) {
        const [k, v] = part.split('=').map((s) => s.trim());
        if (k && v !== undefined) params.set(k.toLowerCase(), v);
      }
      // Older drafts: `limit=100, remaining=0, reset=55` as separate members.
      const t = params.get('t') ?? /reset\s*=\s*(\d+)/i.exec(item)?.[1];
      const r = params.get('r') ?? /remaining\s*=\s*(\d+)/i.exec(item)?.[1];
      return {
        t: t !== undefined && /^\d+$/.test(t) ? Number(t) : null,
        r: r !== undefined ? Number(r) : null,
      };
    });
    const withReset = policies.filter((p): p is { t: number; r: number | null } => p.t !== null);
    const exhausted = withReset.filter((p) => p.r === 0);
    const chosen = exhausted.length > 0 ? exhausted : withReset;
    if (chosen.length > 0) return Math.max(...chosen.map((p) => p.t)) * 1000;
  }
  return null;
}

const WORDS = ['zero', 'once', 'twice', 'three times', 'four times', 'five times', 'six times'];
const times = (n: number): string => WORDS[n] ?? `${n} times`;

/**
 * System error codes that mean the service could not be reached at all: nothing listens, the name does not
 * resolve, or there is no route. A timeout or a reset connection is not among them: those servers exist.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * The system error code (`ECONNREFUSED`, `ENOTFOUND`, …) when `error`, or an error in its `cause` chain,
 * says the service could not be reached at all; otherwise null.
 */
export function unreachableCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = 'code' in e ? String(e.code) : null;
    if (code && UNREACHABLE.has(code)) return code;
    // Connecting to a name with several addresses fails with one error per address.
    if (e instanceof AggregateError) {
      const inner = e.errors.map(unreachableCode).find((c) => c !== null);
      if (inner) return inner;
    }
  }
  return null;
}

interface Attempt {
  failure: Exclude<HttpFailure, 'rate-limited'>;
  status: number | null;
  /** What happened, as a phrase: "answered 500", "did not answer within 200 ms". */
  what: string;
  cause?: unknown;
  headers?: Headers;
  body: string | null;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * GETs `url` and returns the body of a 2xx response as text.
 *
 * Retries (up to `retries` times) on network errors, timeouts, 5xx and 429, waiting what the server asks
 * (Retry-After or RateLimit) or else an exponential backoff with jitter; other statuses (404, 400, …)
 * throw an {@link HttpError} at once. Safe to call again: it only ever sends GETs.
 */
export async function fetchText(url: string, opts: FetchTextOptions = {}): Promise<TextResponse> {
  const service = opts.service ?? new URL(url).host;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const retries = opts.retries ?? 2;
  const baseDelayMs = opts.baseDelayMs ?? 1000;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const maxWaitMs = opts.maxWaitMs ?? 120_000;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? silentLogger;
  const deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
  const safeUrl = redactUrl(url);
  const where = shortUrl(safeUrl);
  const history: Attempt[] = [];

  for (let attempt = 1; ; attempt++) {
    // Whole milliseconds (AbortSignal.timeout refuses fractions), at least 1: a deadline already passed
    // still gets an answer, a timeout, rather than a hang.
    const attemptMs = Math.max(1, Math.floor(Math.min(timeoutMs, deadline - now())));
    const outcome = await attemptOnce(url, opts.headers, attemptMs);
    if ('text' in outcome) return outcome;
    const { status } = outcome;
    if (outcome.failure === 'status' && status !== null && status !== 429 && status < 500) {
      throw new HttpError(
        `${service} answered ${status} for ${where}`,
        status,
        safeUrl,
        'status',
        attempt,
        outcome.body,
      );
    }
    history.push(outcome);

    const waitAsked = outcome.headers ? serverWaitMs(outcome.headers, now()) : null;
    if (waitAsked !== null && waitAsked > maxWaitMs) {
      throw new HttpError(
        `${service} answered ${status} and asked us to wait ${Math.ceil(waitAsked / 1000)} s for ${where}, ` +
          `longer than the ${Math.round(maxWaitMs / 1000)} s allowed; giving up`,
        status,
        safeUrl,
        'rate-limited',
        attempt,
        outcome.body,
      );
    }
    if (attempt > retries) throw givenUp(service, where, safeUrl, history);
    if (opts.retryUnreachable === false && unreachableCode(outcome.cause) !== null) {
      throw givenUp(service, where, safeUrl, history);
    }

    // The server's wait is a floor: retrying earlier would only earn another refusal.
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() * 0.5);
    const delayMs = Math.round(Math.max(waitAsked ?? 0, backoff));
    // A retry that could only start at the deadline would have no time to answer.
    if (now() + delayMs >= deadline) throw givenUp(service, where, safeUrl, history);
    logger.info({ url: safeUrl, attempt, status, failure: outcome.failure, delayMs }, 'retrying');
    await sleep(delayMs);
  }
}

/** One request: the response when it is 2xx, otherwise what went wrong. */
async function attemptOnce(
  url: string,
  headers: Record<string, string> | undefined,
  timeoutMs: number,
): Promise<TextResponse | Attempt> {
  try {
    // The signal covers reading the body too, so a server that stalls mid-body also times out.
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.ok) return { status: res.status, headers: res.headers, text };
    return {
      failure: 'status',
      status: res.status,
      what: `answered ${res.status}`,
      headers: res.headers,
      body: text.slice(0, 2000),
    };
  } catch (error) {
    return describeFetchError(error, timeoutMs);
  }
}

function describeFetchError(error: unknown, timeoutMs: number): Attempt {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return {
      failure: 'timeout',
      status: null,
      what: `did not answer within ${timeoutMs} ms`,
      cause: error,
      body: null,
    };
  }
  if (error instanceof TypeError) {
    // undici reports every transport failure as TypeError('fetch failed') with the reason in `cause`.
    const cause: unknown = error.cause;
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : null;
    const what = code ? `could not be reached (${code})` : 'could not be reached';
    return { failure: 'network', status: null, what, cause: error, body: null };
  }
  throw error;
}

function givenUp(service: string, where: string, safeUrl: string, history: Attempt[]): HttpError {
  const last = history[history.length - 1]!;
  const same = history.every((a) => a.what === last.what);
  const how =
    history.length === 1
      ? last.what
      : same
        ? `${last.what} ${times(history.length)}`
        : `failed ${times(history.length)} (last: ${last.what})`;
  return new HttpError(
    `${service} ${how} for ${where}; giving up`,
    last.status,
    safeUrl,
    last.failure,
    history.length,
    last.body,
    { cause: last.cause },
  );
}
