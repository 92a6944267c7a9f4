import { HttpError, unreachableCode } from './http.ts';

/**
 * Remembers that a service could not be reached at all (connection refused, unknown host: see
 * {@link unreachableCode}), and for `cooldownMs` after that fails every call at once with that reason
 * instead of letting each try to connect. A service that refused a connection a moment ago refuses the next
 * one too; a person waiting on a lookup should hear so at once, and the service is spared the retries.
 * Any other outcome, even an error status or a timeout, closes it: the host is there.
 */
export class UnreachableBreaker {
  #openUntil = Number.NEGATIVE_INFINITY;
  #since = 0;
  #code = '';
  #url = '';

  constructor(
    private readonly service: string,
    /** How long after an unreachable failure calls fail without trying; 0 turns the breaker off. */
    private readonly cooldownMs: number,
    private readonly now: () => number,
  ) {}

  /** Throws an {@link HttpError} (no request sent, `attempts` 0) while the breaker is open. */
  check(): void {
    const t = this.now();
    if (t >= this.#openUntil) return;
    const ago = Math.max(0, Math.round((t - this.#since) / 1000));
    const left = Math.max(1, Math.ceil((this.#openUntil - t) / 1000));
    throw new HttpError(
      `${this.service} was unreachable (${this.#code}) ${ago} s ago; not trying again for ${left} s`,
      null,
      this.#url,
      'network',
      0,
      null,
    );
  }

  /** Notes how a call ended: `error` undefined for an answer, else the failure it threw. */
  record(error?: unknown): void {
    const code = error === undefined ? null : unreachableCode(error);
    if (code === null) {
      // An answer, or another failure (a timeout, a 500, a bad body): the host is there.
      this.#openUntil = Number.NEGATIVE_INFINITY;
      return;
    }
    this.#since = this.now();
    this.#openUntil = this.#since + this.cooldownMs;
    this.#code = code;
    this.#url = error instanceof HttpError ? error.url : '';
  }
}
