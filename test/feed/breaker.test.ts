import { describe, expect, it } from 'vitest';
import { UnreachableBreaker } from '../../src/feed/breaker.ts';
import { fetchText, HttpError } from '../../src/feed/http.ts';
import { closedPort } from '../fakes/closed-port.ts';

/** A real refused connection, as fetchText reports it. */
async function refused(): Promise<unknown> {
  const port = await closedPort();
  return fetchText(`http://127.0.0.1:${port}/api/query`, { service: 'arXiv', retries: 0 }).catch(
    (e: unknown) => e,
  );
}

describe('UnreachableBreaker', () => {
  it('opens on an unreachable failure, fails at once with its reason, and closes after the cooldown', async () => {
    let clock = 0;
    const breaker = new UnreachableBreaker('arXiv', 10_000, () => clock);
    breaker.check();
    breaker.record(await refused());
    clock = 2400;
    let thrown: unknown;
    try {
      breaker.check();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({
      message: 'arXiv was unreachable (ECONNREFUSED) 2 s ago; not trying again for 8 s',
      attempts: 0,
      failure: 'network',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/query$/),
    });
    clock = 10_000;
    expect(() => breaker.check()).not.toThrow();
  });

  it.each([
    ['an answer', undefined],
    ['a 500', new HttpError('arXiv answered 500', 500, 'u', 'status', 1, null)],
    ['a timeout', new HttpError('arXiv did not answer', null, 'u', 'timeout', 1, null)],
    ['an unreadable body', new Error('not Atom')],
  ])('GIVEN it is open WHEN %s comes THEN it closes: the host is there', async (_what, outcome) => {
    const breaker = new UnreachableBreaker('arXiv', 10_000, () => 0);
    breaker.record(await refused());
    expect(() => breaker.check()).toThrow(/unreachable/);
    breaker.record(outcome);
    expect(() => breaker.check()).not.toThrow();
  });

  it('never opens with a cooldown of 0', async () => {
    const breaker = new UnreachableBreaker('arXiv', 0, () => 0);
    breaker.record(await refused());
    expect(() => breaker.check()).not.toThrow();
  });
});
