/**
 * The archive's database cannot be used just now: SQLite locked by another writer past its busy timeout,
 * or PostgreSQL unreachable, restarting, timing out or its connection dropped. Waiting and trying again may
 * help, so callers tell the person that rather than report a fault. The driver's error is `cause`.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(
    readonly backend: 'sqlite' | 'postgres',
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `The ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} archive cannot be used right now: ${reason}`,
      {
        cause,
      },
    );
  }
}

/**
 * Wraps a store so that every method call failing with a driver error that `isUnavailable` recognises
 * rejects (or throws) a {@link StoreUnavailableError} instead; any other error passes through unchanged.
 * One translation at the store's boundary, so no method needs its own try/catch and none can forget it.
 * The wrapper keeps the store's type and its non-method members (a raw handle for benchmarks).
 */
export function translateUnavailable<S extends object>(
  store: S,
  backend: StoreUnavailableError['backend'],
  isUnavailable: (error: unknown) => boolean,
  /** Told before every method call and of every failure, before it is translated (SQLite's LockWait). */
  calls?: { before(): void; failed(error: unknown): void },
): S {
  const translate = (error: unknown): never => {
    calls?.failed(error);
    throw !(error instanceof StoreUnavailableError) && isUnavailable(error)
      ? new StoreUnavailableError(backend, error)
      : error;
  };
  // One wrapper per method, made on first use: the hot search path must not allocate a closure per call.
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || key === 'constructor') return value;
      let wrapper = wrapped.get(key);
      if (!wrapper) {
        wrapper = (...args: unknown[]): unknown => {
          try {
            calls?.before();
            // Called on the store itself, so its methods calling each other stay unwrapped and fast.
            const result: unknown = value.apply(target, args);
            return result instanceof Promise ? result.catch(translate) : result;
          } catch (error) {
            // better-sqlite3 is synchronous: a method that is not async throws rather than rejects.
            return translate(error);
          }
        };
        wrapped.set(key, wrapper);
      }
      return wrapper;
    },
  });
}
