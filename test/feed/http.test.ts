import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchText, HttpError, redactUrl, serverWaitMs, unreachableCode } from '../../src/feed/http.ts';
import { closedPort, countConnectAttempts } from '../fakes/closed-port.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';

/** A clock that only moves when the code under test sleeps, so nothing really waits. */
function fakeTime(start = Date.parse('2024-10-25T12:00:00Z')) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

let fake: FakeHf;
let time: ReturnType<typeof fakeTime>;
const DAILY = '/api/daily_papers';
const url = () => `${fake.url}${DAILY}?date=2024-10-25`;
const opts = () => ({ service: 'Hugging Face', sleep: time.sleep, now: time.now, random: () => 0.5 });

beforeEach(async () => {
  time = fakeTime();
  fake = await startFakeHf();
});
afterEach(() => fake.close());

describe('fetchText', () => {
  it('returns the body of a 2xx answer', async () => {
    const res = await fetchText(url(), opts());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toHaveLength(29);
    expect(time.sleeps).toEqual([]);
  });

  it('waits the seconds a 429 Retry-After asks, then succeeds', async () => {
    fake.script(DAILY, [{ status: 429, headers: { 'retry-after': '7' } }]);
    const res = await fetchText(url(), opts());
    expect(res.status).toBe(200);
    expect(time.sleeps).toEqual([7000]);
    expect(fake.requests).toHaveLength(2);
  });

  it('waits until a Retry-After HTTP date', async () => {
    const at = new Date(time.now() + 30_000).toUTCString();
    fake.script(DAILY, [{ status: 503, headers: { 'retry-after': at } }]);
    await fetchText(url(), opts());
    expect(time.sleeps).toEqual([30_000]);
  });

  it("waits for the reset of Hugging Face's RateLimit header", async () => {
    fake.script(DAILY, [{ status: 429, headers: { ratelimit: '"api";r=0;t=55' } }]);
    await fetchText(url(), opts());
    expect(time.sleeps).toEqual([55_000]);
  });

  it('gives up at once when the server asks for a longer wait than allowed', async () => {
    fake.script(DAILY, [{ status: 429, headers: { 'retry-after': '3600' } }]);
    const error = await fetchText(url(), { ...opts(), maxWaitMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).failure).toBe('rate-limited');
    expect((error as HttpError).message).toMatch(/asked us to wait 3600 s .*longer than the 60 s allowed/);
    expect(fake.requests).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it('retries 5xx with growing backoff, then gives up with one clear sentence', async () => {
    fake.script(DAILY, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const error = await fetchText(url(), { ...opts(), retries: 2, baseDelayMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(
      'Hugging Face answered 500 three times for /api/daily_papers?date=2024-10-25; giving up',
    );
    expect((error as HttpError).status).toBe(500);
    expect((error as HttpError).attempts).toBe(3);
    expect(fake.requests).toHaveLength(3);
    // random() = 0.5 puts the jitter factor at 0.75 of 1 s, then of 2 s.
    expect(time.sleeps).toEqual([750, 1500]);
  });

  it('does not retry a 4xx other than 429', async () => {
    fake.script(DAILY, [{ status: 404 }]);
    const error = await fetchText(url(), opts()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(
      'Hugging Face answered 404 for /api/daily_papers?date=2024-10-25',
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('times out an attempt on a server that never answers, and retries it', async () => {
    fake.script(DAILY, [{ hang: true }, { hang: true }]);
    const error = await fetchText(url(), { ...opts(), timeoutMs: 200, retries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).failure).toBe('timeout');
    expect((error as HttpError).status).toBeNull();
    expect((error as HttpError).message).toBe(
      'Hugging Face did not answer within 200 ms twice for /api/daily_papers?date=2024-10-25; giving up',
    );
    expect(fake.requests).toHaveLength(2);
  });

  it('recovers when a retry after a timeout succeeds', async () => {
    fake.script(DAILY, [{ hang: true }]);
    const res = await fetchText(url(), { ...opts(), timeoutMs: 200, retries: 1 });
    expect(res.status).toBe(200);
  });

  it('reports a refused connection as unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await fetchText(`http://127.0.0.1:${port}/x`, { ...opts(), retries: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).failure).toBe('network');
    expect((error as HttpError).message).toMatch(
      /could not be reached \(ECONNREFUSED\) twice for \/x; giving up/,
    );
  });

  it('with retryUnreachable false, tries a refused connection once, whatever the retries', async () => {
    const port = await closedPort();
    const attempts = countConnectAttempts();
    try {
      const error = await fetchText(`http://127.0.0.1:${port}/x`, {
        ...opts(),
        retries: 2,
        retryUnreachable: false,
      }).catch((e: unknown) => e);
      expect((error as HttpError).message).toMatch(
        /could not be reached \(ECONNREFUSED\) for \/x; giving up/,
      );
      expect(unreachableCode(error)).toBe('ECONNREFUSED');
      expect(attempts.count(port)).toBe(1);
      expect(time.sleeps).toEqual([]);
    } finally {
      attempts.stop();
    }
  });

  it('with retryUnreachable false, still retries a 500: the service is there', async () => {
    fake.script(DAILY, [{ status: 500 }]);
    const res = await fetchText(url(), { ...opts(), retries: 1, retryUnreachable: false });
    expect(res.status).toBe(200);
    expect(unreachableCode(new HttpError('x', 500, 'u', 'status', 1, null))).toBeNull();
  });

  it('with a deadline, makes no retry whose backoff would end past it', async () => {
    fake.script(DAILY, [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
    // Backoffs at random 0.5: 750 ms, then 1500 ms, then 3000 ms, which would pass the deadline.
    const error = await fetchText(url(), { ...opts(), retries: 5, deadline: time.now() + 2500 }).catch(
      (e: unknown) => e,
    );
    expect((error as HttpError).message).toMatch(/answered 500 three times/);
    expect(time.sleeps).toEqual([750, 1500]);
    expect(fake.requests).toHaveLength(3);
  });

  it('with a deadline, cuts the attempt to the time left', async () => {
    fake.script(DAILY, [{ hang: true }]);
    const error = await fetchText(url(), {
      service: 'Hugging Face',
      timeoutMs: 60_000,
      retries: 2,
      deadline: Date.now() + 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).failure).toBe('timeout');
    expect((error as HttpError).message).toMatch(/^Hugging Face did not answer within [1-3]?\d{1,2} ms for /);
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps tokens out of errors', async () => {
    fake.script(DAILY, [{ status: 500 }]);
    const secretUrl = `${url().replace('http://', 'http://user:pw@')}&token=hf_secret`;
    const error = await fetchText(secretUrl, {
      ...opts(),
      retries: 0,
      headers: { authorization: 'Bearer hf_secret' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const shown = `${(error as HttpError).message} ${(error as HttpError).url}`;
    expect(shown).not.toMatch(/hf_secret|pw/);
    expect(shown).toContain('token=redacted');
  });
});

describe('serverWaitMs', () => {
  const now = Date.parse('2024-10-25T12:00:00Z');
  const cases: [Record<string, string>, number | null][] = [
    [{}, null],
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after': 'Fri, 25 Oct 2024 12:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Fri, 25 Oct 2024 11:00:00 GMT' }, 0],
    [{ ratelimit: '"api";r=0;t=55' }, 55_000],
    [{ ratelimit: '"api";r=489;t=189' }, 189_000],
    [{ ratelimit: '"api";r=3;t=200, "resolvers";r=0;t=20' }, 20_000],
    [{ ratelimit: 'limit=100, remaining=0, reset=42' }, 42_000],
    [{ ratelimit: 'nonsense' }, null],
    [{ 'retry-after': '5', ratelimit: '"api";r=0;t=55' }, 5000],
  ];
  it.each(cases)('GIVEN %j THEN %s ms', (headers, expected) => {
    expect(serverWaitMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('redactUrl', () => {
  it('drops user info and blanks secret-looking parameters', () => {
    expect(redactUrl('https://u:p@huggingface.co/api?date=2024-10-25&api_key=k&access_token=t')).toBe(
      'https://huggingface.co/api?date=2024-10-25&api_key=redacted&access_token=redacted',
    );
  });
});
