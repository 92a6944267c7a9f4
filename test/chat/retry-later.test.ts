import { describe, expect, it } from 'vitest';
import { RetryLater, type RetryPolicy } from '../../src/chat/retry-later.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';

const locked = () => new StoreUnavailableError('sqlite', new Error('database is locked'));
const POLICY: RetryPolicy = { delaysMs: [1000, 5000], giveUpAfterMs: 60_000, maxHeld: 3 };

/** An archive that refuses writes while `down`, recording what it took in order. */
function archive() {
  const state = { down: true, taken: [] as string[] };
  const write = (what: string) => async () => {
    if (state.down) throw locked();
    state.taken.push(what);
  };
  return { state, write };
}

/** A RetryLater on manual timers and a clock the test moves, recording what it gave up and held. */
function retries() {
  const timers = new ManualTimers();
  const clock = { ms: 0 };
  const lost: { key: string; what: string; error: unknown }[] = [];
  const held: string[] = [];
  const later = new RetryLater({
    timers,
    now: () => clock.ms,
    policy: POLICY,
    onLost: (key, what, error) => lost.push({ key, what, error }),
    onHeld: (_key, what) => held.push(what),
  });
  return { later, lost, held, clock, timers };
}

describe('RetryLater: events the platform will not send again', () => {
  it('writes at once when the archive takes it, without waiting', async () => {
    const { later, timers } = retries();
    const { state, write } = archive();
    state.down = false;
    expect(await later.submit('m1', 'vote', write('vote'))).toBe('done');
    expect(state.taken).toEqual(['vote']);
    expect(timers.waiting).toBe(0);
  });

  it('holds a write the locked archive refused and records it once the archive takes writes again', async () => {
    const { later, held, lost, timers } = retries();
    const { state, write } = archive();
    const outcome = later.submit('m1', 'vote', write('vote'));
    await timers.waits.waitFor(() => true, 'the first wait');
    expect(held).toEqual(['vote']);
    expect(later.held).toBe(1);
    // Still locked at the first retry: it waits again, longer.
    timers.fire();
    await timers.waits.waitFor((ms) => ms === 5000, 'the second, longer wait');
    state.down = false;
    timers.fire();
    expect(await outcome).toBe('done');
    expect(state.taken).toEqual(['vote']);
    expect(lost).toEqual([]);
    expect(later.held).toBe(0);
  });

  it("keeps one message's events in order: a remove after a held add waits for it, even once the archive is back", async () => {
    const { later, timers } = retries();
    const { state, write } = archive();
    const add = later.submit('m1', 'add', write('add'));
    await timers.waits.waitFor(() => true, 'the add waiting');
    // The archive takes writes again before the add's retry: the remove must still come second.
    state.down = false;
    const remove = later.submit('m1', 'remove', write('remove'));
    // Another message's event does not wait behind them.
    expect(await later.submit('m2', 'elsewhere', write('elsewhere'))).toBe('done');
    expect(later.held).toBe(2);
    timers.fire();
    expect(await Promise.all([add, remove])).toEqual(['done', 'done']);
    expect(state.taken).toEqual(['elsewhere', 'add', 'remove']);
  });

  it('gives up at once on a failure that waiting will not mend', async () => {
    const { later, lost, timers } = retries();
    const broken = new Error('CHECK constraint failed');
    const outcome = await later.submit('m1', 'vote', async () => {
      throw broken;
    });
    expect(outcome).toBe('lost');
    expect(lost).toEqual([{ key: 'm1', what: 'vote', error: broken }]);
    expect(timers.waiting).toBe(0);
  });

  it('gives up an event still refused when its time is up, and the next of its message then runs', async () => {
    const { later, lost, clock, timers } = retries();
    const { state, write } = archive();
    const first = later.submit('m1', 'first', write('first'));
    const second = later.submit('m1', 'second', write('second'));
    await timers.waits.waitFor(() => true, 'the first wait');
    clock.ms = POLICY.giveUpAfterMs;
    timers.fire();
    expect(await first).toBe('lost');
    expect(lost.map((l) => l.what)).toEqual(['first']);
    // The second's own clock starts at its own first failure.
    await timers.waits.waitFor(() => timers.waits.items.length > 1, 'the second waiting');
    state.down = false;
    timers.fire();
    expect(await second).toBe('done');
    expect(state.taken).toEqual(['second']);
  });

  it('holds no more than its limit: a refused event past it is given up at once', async () => {
    const { later, lost, timers } = retries();
    const { write } = archive();
    const held = ['a', 'b', 'c'].map((m) => later.submit(m, m, write(m)));
    await timers.waits.waitFor(() => timers.waits.items.length === 3, 'three held');
    expect(await later.submit('d', 'd', write('d'))).toBe('lost');
    // Nor behind one of its own message's events.
    expect(await later.submit('a', 'a again', write('a again'))).toBe('lost');
    expect(lost.map((l) => l.what)).toEqual(['d', 'a again']);
    later.close();
    expect(await Promise.all(held)).toEqual(['lost', 'lost', 'lost']);
  });

  it('at close, gives up what waits, each told as lost, and takes no more', async () => {
    const { later, lost, timers } = retries();
    const { state, write } = archive();
    const waiting = later.submit('m1', 'vote', write('vote'));
    const behind = later.submit('m1', 'unvote', write('unvote'));
    await timers.waits.waitFor(() => true, 'the vote waiting');
    later.close();
    expect(await Promise.all([waiting, behind])).toEqual(['lost', 'lost']);
    expect(lost.map((l) => l.what)).toEqual(['vote', 'unvote']);
    expect(timers.waiting).toBe(0);
    state.down = false;
    expect(await later.submit('m2', 'late', write('late'))).toBe('lost');
    expect(state.taken).toEqual([]);
  });
});
