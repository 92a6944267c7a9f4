import { beforeEach, describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../../adapters/slack/deliveries.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';

/** A promise with its settle functions, to hold work in flight for as long as a test needs. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve = () => {};
  let reject: (e: Error) => void = () => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('DeliveryLog', () => {
  const clock = () => {
    const c = { now: 1_000_000, read: () => c.now };
    return c;
  };

  it('GIVEN a delivery handled THEN the same id again is a duplicate and its work does not run', async () => {
    const log = new DeliveryLog();
    let runs = 0;
    const work = async () => {
      runs += 1;
    };
    expect(await log.once('event:Ev1', work)).toBe('handled');
    expect(await log.once('event:Ev1', work)).toBe('duplicate');
    expect(await log.once('event:Ev2', work)).toBe('handled');
    expect(runs).toBe(2);
  });

  it('GIVEN the work failing THEN the id is not remembered, and the retry runs it', async () => {
    const log = new DeliveryLog();
    await expect(
      log.once('event:Ev1', async () => Promise.reject(new Error('archive busy'))),
    ).rejects.toThrow('archive busy');
    let runs = 0;
    expect(
      await log.once('event:Ev1', async () => {
        runs += 1;
      }),
    ).toBe('handled');
    expect(runs).toBe(1);
  });

  it('GIVEN a retry while the first delivery is in flight THEN it waits and is a duplicate; the work runs once', async () => {
    const log = new DeliveryLog();
    const first = deferred();
    let runs = 0;
    const original = log.once('event:Ev1', () => {
      runs += 1;
      return first.promise;
    });
    const retry = log.once('event:Ev1', async () => {
      runs += 1;
    });
    first.resolve();
    expect(await original).toBe('handled');
    expect(await retry).toBe('duplicate');
    expect(runs).toBe(1);
  });

  it('GIVEN a retry while the first delivery is in flight and the first fails THEN the retry fails too', async () => {
    const log = new DeliveryLog();
    const first = deferred();
    const original = log.once('event:Ev1', () => first.promise);
    const retry = log.once('event:Ev1', async () => undefined);
    first.reject(new Error('archive busy'));
    await expect(original).rejects.toThrow('archive busy');
    await expect(retry).rejects.toThrow('archive busy');
    expect(log.size).toBe(0);
  });

  it('GIVEN an hour passed THEN the id is forgotten', async () => {
    const c = clock();
    const log = new DeliveryLog({ ttlMs: 3_600_000, now: c.read });
    await log.once('event:Ev1', async () => undefined);
    c.now += 3_599_999;
    expect(await log.once('event:Ev1', async () => undefined)).toBe('duplicate');
    c.now += 1;
    expect(log.size).toBe(0);
    expect(await log.once('event:Ev1', async () => undefined)).toBe('handled');
  });

  it('GIVEN more ids than the bound THEN the oldest are forgotten first', async () => {
    const log = new DeliveryLog({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) await log.once(id, async () => undefined);
    expect(log.size).toBe(3);
    expect(await log.once('b', async () => undefined)).toBe('duplicate');
    expect(await log.once('a', async () => undefined)).toBe('handled');
  });

  describe('with a ledger shared by two instances', () => {
    let runs = 0;
    const count = async () => {
      runs += 1;
    };
    beforeEach(() => {
      runs = 0;
    });
    it('GIVEN the same id at both THEN the work runs once; the other is told it is handled or in hand', async () => {
      const store = SqliteStore.open(':memory:');
      const [a, b] = [new DeliveryLog({ ledger: store }), new DeliveryLog({ ledger: store })];
      const first = deferred();
      const original = a.once('event:Ev1', () => {
        runs += 1;
        return first.promise;
      });
      expect(await b.once('event:Ev1', count)).toBe('elsewhere');
      first.resolve();
      expect(await original).toBe('handled');
      expect(await b.once('event:Ev1', count)).toBe('duplicate');
      expect(runs).toBe(1);
      await store.close();
    });

    it('GIVEN the work failing at one THEN the retry at the other runs it', async () => {
      const store = SqliteStore.open(':memory:');
      const [a, b] = [new DeliveryLog({ ledger: store }), new DeliveryLog({ ledger: store })];
      await expect(
        a.once('event:Ev1', async () => Promise.reject(new Error('archive busy'))),
      ).rejects.toThrow();
      expect(await b.once('event:Ev1', count)).toBe('handled');
      expect(runs).toBe(1);
      expect(await a.once('event:Ev1', count)).toBe('duplicate');
      expect(runs).toBe(1);
      await store.close();
    });

    it('GIVEN the ledger unusable THEN it handles the delivery on its own memory and says so', async () => {
      const store = SqliteStore.open(':memory:');
      await store.close();
      const problems: unknown[] = [];
      const log = new DeliveryLog({ ledger: store, onLedgerError: (e) => problems.push(e) });
      expect(await log.once('event:Ev1', count)).toBe('handled');
      expect(await log.once('event:Ev1', count)).toBe('duplicate');
      expect(runs).toBe(1);
      expect(problems.length).toBeGreaterThan(0);
    });
  });
});
