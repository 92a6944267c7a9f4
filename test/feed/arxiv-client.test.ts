import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArxivBusyError, ArxivClient, type ArxivClientOptions } from '../../src/feed/arxiv-client.ts';
import { HttpError } from '../../src/feed/http.ts';
import { FeedFormatError } from '../../src/papers/paper.ts';
import { closedPort, countConnectAttempts } from '../fakes/closed-port.ts';
import { arxivErrorFeed, type FakeHf, startFakeHf } from '../fakes/hf-server.ts';

/** A clock that only moves when the code under test sleeps; the fake server stamps requests with it. */
let clock: number;
let sleeps: number[];
let fake: FakeHf;
const QUERY = '/api/query';
const ATOM = { 'content-type': 'application/atom+xml' };

const client = (options: ArxivClientOptions = {}) =>
  new ArxivClient({
    baseUrl: fake.arxivUrl,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...options,
  });

beforeEach(async () => {
  clock = 1_000_000;
  sleeps = [];
  fake = await startFakeHf({ now: () => clock });
});
afterEach(() => fake.close());

describe('ArxivClient.paper', () => {
  it('reads one paper by id', async () => {
    const paper = await client().paper('hep-ex/0307015v1');
    expect(paper?.arxivId).toBe('hep-ex/0307015');
    expect(paper?.title).toBe(
      'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA',
    );
    expect(fake.requests[0]?.query).toEqual({ id_list: 'hep-ex/0307015', max_results: '1' });
    expect(fake.requests[0]?.headers['user-agent']).toMatch(/^paperboy\//);
  });

  it('answers null when arXiv has no such paper', async () => {
    expect(await client().paper('2410.99999')).toBeNull();
  });
});

describe('ArxivClient.papers', () => {
  it('asks once for each distinct id and reports strings that are not ids', async () => {
    const result = await client().papers([
      'hep-ex/0307015',
      'arXiv:hep-ex/0307015v1',
      'not an id',
      '2410.17243',
    ]);
    expect(result.papers.map((p) => p.arxivId)).toEqual(['hep-ex/0307015']);
    expect(result.skipped).toEqual([{ where: 'not an id', reason: 'not an arXiv id' }]);
    expect(fake.requests.map((r) => r.query)).toEqual([
      { id_list: 'hep-ex/0307015,2410.17243', max_results: '2' },
    ]);
  });

  it('sends no request when no string holds an id', async () => {
    const result = await client().papers(['nothing']);
    expect(result.papers).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('ArxivClient spacing', () => {
  it('spaces two concurrent requests by minIntervalMs on the injected clock', async () => {
    const arxiv = client({ minIntervalMs: 3000 });
    const [a, b] = await Promise.all([arxiv.paper('hep-ex/0307015'), arxiv.paper('2410.17243')]);
    expect(a?.arxivId).toBe('hep-ex/0307015');
    expect(b).toBeNull();
    const [first, second] = fake.requests;
    expect(first?.query.id_list).toBe('hep-ex/0307015');
    expect(second?.query.id_list).toBe('2410.17243');
    expect(second!.at).toBeGreaterThanOrEqual(first!.at + 3000);
    expect(sleeps).toEqual([3000]);
  });

  it('does not wait when the interval has already passed', async () => {
    const arxiv = client({ minIntervalMs: 3000 });
    await arxiv.paper('hep-ex/0307015');
    clock += 10_000;
    await arxiv.paper('hep-ex/0307015');
    expect(sleeps).toEqual([]);
  });

  it('keeps spacing after a failed request', async () => {
    fake.script(QUERY, [{ status: 404 }]);
    const arxiv = client({ minIntervalMs: 3000 });
    const [a, b] = await Promise.allSettled([arxiv.paper('hep-ex/0307015'), arxiv.paper('hep-ex/0307015')]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('fulfilled');
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(3000);
  });

  it('backs off at least minIntervalMs before retrying a 503', async () => {
    fake.script(QUERY, [{ status: 503 }]);
    await client({ minIntervalMs: 3000 }).paper('hep-ex/0307015');
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(3000);
  });
});

describe('ArxivClient errors', () => {
  it("surfaces arXiv's error entry with its message and the request", async () => {
    fake.script(QUERY, [{ body: arxivErrorFeed('incorrect id format for 1234.5678'), headers: ATOM }]);
    const error = await client()
      .paper('1234.5678')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFormatError);
    expect((error as Error).message).toMatch(
      /^Unusable answer from arXiv for \/api\/query\?id_list=1234\.5678: /,
    );
    expect((error as Error).message).toMatch(/incorrect id format for 1234\.5678/);
  });

  it('reads the error entry of a 400 answer too', async () => {
    fake.script(QUERY, [
      { status: 400, body: arxivErrorFeed('incorrect id format for 1234.5678'), headers: ATOM },
    ]);
    const error = await client()
      .paper('1234.5678')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFormatError);
    expect((error as Error).message).toMatch(/incorrect id format for 1234\.5678/);
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps a 400 without an error feed as an HttpError', async () => {
    fake.script(QUERY, [{ status: 400, body: 'Bad Request', headers: { 'content-type': 'text/plain' } }]);
    const error = await client()
      .paper('1234.5678')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe(
      'arXiv answered 400 for /api/query?id_list=1234.5678&max_results=1',
    );
  });
});

describe('ArxivClient lookups with a time limit', () => {
  it('takes the turns that fit in the limit, one every minIntervalMs, and refuses the rest at once', async () => {
    const arxiv = client({ minIntervalMs: 3000 });
    const ids = ['hep-ex/0307015', '2410.00001', '2410.00002', '2410.00003'];
    const outcomes = await Promise.allSettled(ids.map((id) => arxiv.paper(id, { withinMs: 8000 })));
    // Turns at 0, 3 and 6 s; a fourth at 9 s would leave no time before the limit at 8 s.
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const refused = (outcomes[3] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(ArxivBusyError);
    expect(refused.message).toBe('arXiv is busy: 2 requests are ahead, at one request every 3 s');
    expect(fake.requests.map((r) => r.query.id_list)).toEqual(ids.slice(0, 3));
    expect(sleeps).toEqual([3000, 3000]);
  });

  it('refuses at once when even the next free turn comes after the limit', async () => {
    const arxiv = client({ minIntervalMs: 3000 });
    await arxiv.paper('hep-ex/0307015');
    clock += 500;
    await expect(arxiv.paper('2410.17243', { withinMs: 3000 })).rejects.toThrow(
      'arXiv is busy: at one request every 3 s, the next free turn comes too late',
    );
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('lets callers without a limit wait their turn as before', async () => {
    const arxiv = client({ minIntervalMs: 3000 });
    const ids = ['2410.00001', '2410.00002', '2410.00003', '2410.00004'];
    await Promise.all(ids.map((id) => arxiv.paper(id)));
    expect(fake.requests).toHaveLength(4);
    expect(sleeps).toEqual([3000, 3000, 3000]);
  });

  it('gives up when its limit comes while a slow request ahead is still out, sending nothing', async () => {
    // The real clock: the give-up timer is a real timer.
    const arxiv = new ArxivClient({
      baseUrl: fake.arxivUrl,
      retries: 0,
      timeoutMs: 2000,
      minIntervalMs: 3000,
    });
    fake.script(QUERY, [{ hang: true }]);
    const background = arxiv.papers(['hep-ex/0307015']).catch((e: unknown) => e);
    await expect(arxiv.paper('2410.17243', { withinMs: 1500 })).rejects.toThrow(
      'arXiv is busy: 1 request is ahead, at one request every 3 s',
    );
    expect(await background).toBeInstanceOf(HttpError);
    expect(fake.requests.map((r) => r.query.id_list)).toEqual(['hep-ex/0307015']);
  });

  it('after a refused connection fails everyone waiting, and later lookups, without trying again', async () => {
    const port = await closedPort();
    const arxiv = client({ baseUrl: `http://127.0.0.1:${port}/api/query`, minIntervalMs: 3000 });
    const attempts = countConnectAttempts();
    try {
      const outcomes = await Promise.allSettled(
        ['2410.00001', '2410.00002', '2410.00003'].map((id) => arxiv.paper(id, { withinMs: 8000 })),
      );
      const messages = outcomes.map((o) => (o as PromiseRejectedResult).reason.message);
      expect(messages).toEqual([
        'arXiv could not be reached (ECONNREFUSED) for /api/query?id_list=2410.00001&max_results=1; giving up',
        'arXiv was unreachable (ECONNREFUSED) 0 s ago; not trying again for 10 s',
        'arXiv was unreachable (ECONNREFUSED) 0 s ago; not trying again for 10 s',
      ]);
      clock += 4000;
      await expect(arxiv.paper('2410.00004', { withinMs: 8000 })).rejects.toThrow(
        /4 s ago; not trying again for 6 s/,
      );
      expect(attempts.count(port)).toBe(1);
      expect(sleeps).toEqual([]);
    } finally {
      attempts.stop();
    }
  });
});
