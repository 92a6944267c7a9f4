import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DateNotAvailableError, HfClient, type HfClientOptions } from '../../src/feed/hf-client.ts';
import { HttpError } from '../../src/feed/http.ts';
import { FeedFormatError } from '../../src/papers/paper.ts';
import { closedPort, countConnectAttempts } from '../fakes/closed-port.ts';
import { DAILY_2024_10_25, type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { LATE_2024_DATE, MARCH_2025_DATE } from '../fakes/hf-shapes.ts';

let fake: FakeHf;
let sleeps: number[];
const DAILY = '/api/daily_papers';
const client = (options: HfClientOptions = {}) =>
  new HfClient({
    baseUrl: fake.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
const items: unknown[] = JSON.parse(DAILY_2024_10_25);

beforeEach(async () => {
  sleeps = [];
  fake = await startFakeHf({ today: '2026-03-10' });
});
afterEach(() => fake.close());

describe('HfClient.dailyPapers', () => {
  it("reads a day's 29 papers in one short page and stops", async () => {
    const feed = await client().dailyPapers('2024-10-25');
    expect(feed.empty).toBe(false);
    expect(feed.papers).toHaveLength(29);
    expect(feed.papers[0]?.arxivId).toBe('2410.17243');
    expect(feed.skipped).toEqual([]);
    expect(fake.requests.map((r) => r.query)).toEqual([{ date: '2024-10-25', limit: '100', p: '0' }]);
  });

  it('follows pages until a short one', async () => {
    const feed = await client({ pageSize: 10 }).dailyPapers('2024-10-25');
    expect(feed.papers).toHaveLength(29);
    expect(new Set(feed.papers.map((p) => p.id)).size).toBe(29);
    expect(fake.requests.map((r) => r.query.p)).toEqual(['0', '1', '2']);
  });

  it('stops at an empty page when the last full page ends the day', async () => {
    const feed = await client({ pageSize: 29 }).dailyPapers('2024-10-25');
    expect(feed.papers).toHaveLength(29);
    expect(fake.requests.map((r) => r.query.p)).toEqual(['0', '1']);
  });

  it('stops when a server ignores `p` and repeats the first page', async () => {
    const firstTen = JSON.stringify(items.slice(0, 10));
    fake.script(DAILY, [{ body: firstTen }, { body: firstTen }, { body: firstTen }]);
    const feed = await client({ pageSize: 10 }).dailyPapers('2024-10-25');
    expect(feed.papers).toHaveLength(10);
    expect(fake.requests).toHaveLength(2);
  });

  it('stops at the page cap and says so', async () => {
    const feed = await client({ pageSize: 10, maxPages: 2 }).dailyPapers('2024-10-25');
    expect(feed.papers).toHaveLength(20);
    expect(feed.skipped).toEqual([
      { where: 'page 2', reason: 'stopped after 2 pages; later pages not read' },
    ]);
    expect(fake.requests).toHaveLength(2);
  });

  it('reads the 2026 shape with its feed date', async () => {
    const feed = await client().dailyPapers('2026-03-06');
    expect(feed.papers.map((p) => [p.arxivId, p.feedDate])).toEqual([['2602.23229', '2026-03-06']]);
  });

  it('reports a weekend with nothing listed as empty, not as an error', async () => {
    const feed = await client().dailyPapers('2024-10-26');
    expect(feed).toEqual({ date: '2024-10-26', papers: [], skipped: [], empty: true });
  });

  it('says a future date is not available yet', async () => {
    const error = await client()
      .dailyPapers('2099-01-01')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DateNotAvailableError);
    expect((error as Error).message).toMatch(/no Daily Papers for 2099-01-01 yet: the date is in the future/);
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a malformed date without a request', async () => {
    await expect(client().dailyPapers('25/10/2024')).rejects.toThrow(RangeError);
    expect(fake.requests).toHaveLength(0);
  });

  it('waits out a 429 Retry-After, then delivers the day', async () => {
    fake.script(DAILY, [{ status: 429, headers: { 'retry-after': '7' } }]);
    const feed = await client().dailyPapers('2024-10-25');
    expect(feed.papers).toHaveLength(29);
    expect(sleeps).toEqual([7000]);
  });

  it("waits out a 429 carrying Hugging Face's RateLimit header", async () => {
    fake.script(DAILY, [{ status: 429, headers: { ratelimit: '"api";r=0;t=55' } }]);
    const feed = await client().dailyPapers('2024-10-25');
    expect(feed.papers).toHaveLength(29);
    expect(sleeps).toEqual([55_000]);
  });

  it('gives up after repeated 500s with a clear sentence', async () => {
    fake.script(DAILY, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const error = await client({ retries: 2 })
      .dailyPapers('2024-10-25')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe(
      'Hugging Face answered 500 three times for /api/daily_papers?date=2024-10-25&limit=100&p=0; giving up',
    );
    expect(fake.requests).toHaveLength(3);
  });

  it('times out on a server that never answers', async () => {
    fake.script(DAILY, [{ hang: true }]);
    const error = await client({ timeoutMs: 200, retries: 0 })
      .dailyPapers('2024-10-25')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).failure).toBe('timeout');
    expect((error as Error).message).toMatch(/did not answer within 200 ms/);
  });

  it('surfaces an HTML page as a FeedFormatError naming the URL', async () => {
    fake.script(DAILY, [
      {
        body: '<!DOCTYPE html><html><body>Maintenance</body></html>',
        headers: { 'content-type': 'text/html' },
      },
    ]);
    const error = await client()
      .dailyPapers('2024-10-25')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFormatError);
    expect((error as Error).message).toMatch(
      /^Unusable answer from Hugging Face for \/api\/daily_papers\?date=2024-10-25/,
    );
    expect((error as Error).message).toMatch(/HTML/);
  });

  it('surfaces truncated JSON as a FeedFormatError naming the URL', async () => {
    fake.script(DAILY, [{ body: DAILY_2024_10_25.slice(0, 5000) }]);
    const error = await client()
      .dailyPapers('2024-10-25')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFormatError);
    expect((error as Error).message).toMatch(/daily_papers\?date=2024-10-25.*truncated/);
  });
});

describe('HfClient requests', () => {
  it('sends the token as a Bearer token when set, and a User-Agent', async () => {
    await client({ token: 'hf_secret' }).paper('2410.17243');
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer hf_secret');
    expect(fake.requests[0]?.headers['user-agent']).toMatch(/^paperboy\/\d+\.\d+\.\d+/);
  });

  it('sends no Authorization header without a token', async () => {
    await client().paper('2410.17243');
    expect(fake.requests[0]?.headers).not.toHaveProperty('authorization');
    expect(fake.requests[0]?.headers['user-agent']).toMatch(/^paperboy\//);
  });

  it('never puts the token in an error', async () => {
    fake.script(DAILY, [{ status: 500 }]);
    const error = await client({ token: 'hf_secret', retries: 0 })
      .dailyPapers('2024-10-25')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(JSON.stringify({ ...(error as HttpError), message: (error as Error).message })).not.toContain(
      'hf_secret',
    );
  });
});

describe('HfClient.paper', () => {
  it('reads one paper, from any form of its id', async () => {
    const paper = await client().paper('https://arxiv.org/abs/2410.17243v2');
    expect(paper?.arxivId).toBe('2410.17243');
    expect(paper?.title).toMatch(/Breaking the Memory Barrier/);
    expect(fake.requests[0]?.path).toBe('/api/papers/2410.17243');
  });

  it('answers null for a paper Hugging Face does not know (404)', async () => {
    expect(await client().paper('2410.99999')).toBeNull();
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a string with no arXiv id without a request', async () => {
    await expect(client().paper('../../admin')).rejects.toThrow(RangeError);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('HfClient.dailyPapers puts every paper on the day asked for, in every shape', () => {
  // None of the older shapes says which day listed a paper; the fake serves each shape on its day.
  it.each([
    ['2024-10-25', 'the October 2024 capture', 29],
    [LATE_2024_DATE, 'the late-2024 shape with evening submissions', 27],
    [MARCH_2025_DATE, 'the March 2025 transitional shape', 23],
    ['2026-03-06', 'the 2026 shape', 1],
  ])('GIVEN %s (%s) THEN all %i papers have it as feedDate, across pages', async (date, _shape, count) => {
    const feed = await client({ pageSize: 10 }).dailyPapers(date);
    expect(feed.skipped).toEqual([]);
    expect(feed.papers).toHaveLength(count);
    expect(feed.papers.filter((p) => p.feedDate !== date)).toEqual([]);
  });
});

describe('HfClient.search', () => {
  it('gives hits their submittedOnDailyAt day, or null when they carry none', async () => {
    // "in-context" matches the 2026 item (submittedOnDailyAt 2026-03-06) and 2024 items (no such field).
    const result = await client().search('in-context');
    const days = new Map(result.papers.map((p) => [p.arxivId, p.feedDate]));
    expect(days.get('2602.23229')).toBe('2026-03-06');
    const old = result.papers.filter((p) => p.arxivId?.startsWith('2410.'));
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((p) => p.feedDate === null)).toBe(true);
  });

  it('finds papers by title', async () => {
    const result = await client().search('memory barrier');
    expect(result.papers.map((p) => p.arxivId)).toEqual(['2410.17243']);
  });

  it('URL-encodes a hostile query so it arrives as one parameter', async () => {
    const q = 'a&p=1#frag /../?q=x%20+"\'<b>ü';
    await client().search(q);
    const [req] = fake.requests;
    expect(req?.path).toBe('/api/papers/search');
    expect(req?.query).toEqual({ q });
  });

  it('answers a blank query with nothing and sends no request', async () => {
    expect(await client().search('   ')).toEqual({ papers: [], skipped: [] });
    expect(fake.requests).toHaveLength(0);
  });

  it('asks for at most `limit` hits and keeps no more, from the recorded search response', async () => {
    const result = await client().search('kazakh', { limit: 2 });
    expect(fake.requests[0]?.query).toEqual({ q: 'kazakh', limit: '2' });
    expect(result.papers.map((p) => p.arxivId)).toEqual(['2404.04487', '2403.19399']);
  });

  it('gives up within `withinMs` on a search that never answers', async () => {
    fake.script('/api/papers/search', [{ hang: true }]);
    const error = await client({ retries: 2 })
      .search('kazakh', { withinMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(fake.requests).toHaveLength(1);
  });

  it('surfaces an error object as a FeedFormatError naming the URL', async () => {
    fake.script('/api/papers/search', [{ body: '{"error":"Invalid query"}' }]);
    await expect(client().search('kazakh')).rejects.toThrow(
      /Unusable answer from Hugging Face for \/api\/papers\/search\?q=kazakh: .*Invalid query/,
    );
  });
});

describe('HfClient when Hugging Face cannot be reached', () => {
  it('tries a lookup with a time limit once, then fails every call at once for the cooldown', async () => {
    const port = await closedPort();
    let clock = 1_000_000;
    const down = client({
      baseUrl: `http://127.0.0.1:${port}`,
      now: () => clock,
      unreachableCooldownMs: 10_000,
    });
    const attempts = countConnectAttempts();
    try {
      await expect(down.paper('2410.17243', { withinMs: 4000 })).rejects.toThrow(
        /^Hugging Face could not be reached \(ECONNREFUSED\) for \/api\/papers\/2410\.17243; giving up$/,
      );
      expect(attempts.count(port)).toBe(1);
      expect(sleeps).toEqual([]);

      clock += 3000;
      const fast = await down.dailyPapers('2024-10-25').catch((e: unknown) => e);
      expect(fast).toBeInstanceOf(HttpError);
      expect((fast as HttpError).attempts).toBe(0);
      expect((fast as HttpError).message).toBe(
        'Hugging Face was unreachable (ECONNREFUSED) 3 s ago; not trying again for 7 s',
      );
      expect(attempts.count(port)).toBe(1);

      clock += 7000;
      await expect(down.paper('2410.17243', { withinMs: 4000 })).rejects.toThrow(/ECONNREFUSED\) for/);
      expect(attempts.count(port)).toBe(2);
    } finally {
      attempts.stop();
    }
  });

  it('retries a refused connection without a time limit, as background fetches do', async () => {
    const port = await closedPort();
    const attempts = countConnectAttempts();
    try {
      const down = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 2 });
      await expect(down.dailyPapers('2024-10-25')).rejects.toThrow(/ECONNREFUSED\) three times/);
      expect(attempts.count(port)).toBe(3);
    } finally {
      attempts.stop();
    }
  });
});
