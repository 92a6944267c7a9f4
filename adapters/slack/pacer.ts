/**
 * Spaces out work per key: a task for a key starts no sooner than `intervalMs` after the previous task for
 * the same key finished (so a post that waited out a 429 counts from when it landed), and tasks for one key
 * run one at a time, in call order. Slack allows about one
 * message a second per channel; pacing a burst (a roundup of ten papers) avoids the 429s in the first place.
 */
export class KeyedPacer {
  readonly #intervalMs: number;
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #lastEnd = new Map<string, number>();

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Runs `task` when `key`'s turn comes; resolves or rejects with its result. A failure does not block the key. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(async () => {
      const wait = (this.#lastEnd.get(key) ?? 0) + this.#intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await task();
      } finally {
        this.#lastEnd.set(key, Date.now());
      }
    });
    // The chain continues whatever this task's outcome; the caller sees the outcome through `result`.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
