import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LATE_2024_DATE, late2024Response, MARCH_2025_DATE, march2025Response } from './hf-shapes.ts';

/**
 * A fake Hugging Face API and arXiv API on 127.0.0.1, serving the recorded fixtures over real HTTP.
 *
 * Routes (by path; query parameters as the real services take them):
 * - `GET /api/daily_papers?date=D&limit=L&p=N`: 2024-10-25 serves the 29-item fixture, sliced into pages of
 *   `limit` (all when absent); 2024-12-06 and 2025-03-12 the older shapes built in `hf-shapes.ts` (27 and
 *   23 items, none with `submittedOnDailyAt`); 2026-03-06 the one-item 2026 fixture; a date after `today`
 *   answers 400 as Hugging Face does; any other day `[]` (a weekend or holiday). No date serves the 2024
 *   fixture.
 * - `GET /api/papers/{id}`: the paper of that id from any fixture (the search one too), flat, or 404.
 * - `GET /api/papers/search?q=&limit=`: items of every fixture whose title or summary contains `q`
 *   (case-insensitive), at most `limit`: the daily captures' items and the real `q=kazakh` response's.
 * - `GET /api/query?id_list=a,b`: arXiv. The sample feed when `hep-ex/0307015` is asked for, else an
 *   Atom feed with no entries.
 *
 * `script(path, responses)` queues responses for the next requests to `path`, one each; after the queue
 * runs out the route's default answers again.
 */
export interface FakeHf {
  /** Base URL of the fake Hugging Face, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The fake arXiv query endpoint: `${url}/api/query`. */
  arxivUrl: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Queues `responses` for the next requests whose path is exactly `path` (e.g. `/api/daily_papers`). */
  script(path: string, responses: FakeResponse[]): void;
  /** Stops the server, dropping any connection left hanging. */
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  /** The path without the query, as sent (still percent-encoded). */
  path: string;
  /** Decoded query parameters; a repeated parameter keeps its last value. */
  query: Record<string, string>;
  /** The raw query string including `?`, or '' (to check encoding). */
  search: string;
  /** Header names are lowercase. */
  headers: IncomingHttpHeaders;
  /** Arrival time on the clock given to {@link startFakeHf}. */
  at: number;
}

/**
 * One scripted answer. With no `body` and a 2xx (or no) status, the route's default body is served with
 * these headers added, so `{}` means "answer normally". A non-2xx status with no body gets a JSON
 * `{"error": …}` body.
 */
export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer: the request stays open until the client gives up or the server closes. */
  hang?: boolean;
}

export interface FakeHfOptions {
  /** Stamps {@link RecordedRequest.at}; pass a test's fake clock. Defaults to `Date.now`. */
  now?: () => number;
  /** The fake's idea of today (`YYYY-MM-DD`); later dates answer 400. Defaults to today in UTC. */
  today?: string;
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** The raw 29-item Daily Papers response of 2024-10-25. */
export const DAILY_2024_10_25 = fixture('hf-daily-papers-2024-10-25.json');
/** One item in the 2026 shape, submitted to Daily Papers on 2026-03-06. */
export const DAILY_2026_03_06 = fixture('hf-daily-papers-2026-03-06.json');
/** A real `/api/papers/search?q=kazakh` response: 9 papers, none of them in a daily fixture. */
export const SEARCH_KAZAKH = fixture('hf-papers-search.json');
/** The arXiv API's example Atom response, one entry (`hep-ex/0307015`). */
export const ARXIV_SAMPLE = fixture('arxiv-api-sample.xml');

/** An arXiv API error response: a feed whose one entry is titled "Error", as arXiv sends for bad queries. */
export function arxivErrorFeed(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title>arXiv Query: error</title>
  <id>http://arxiv.org/api/error</id>
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format</id>
    <title>Error</title>
    <summary>${message}</summary>
    <link href="http://arxiv.org/api/errors#incorrect_id_format" rel="alternate" type="text/html"/>
  </entry>
</feed>
`;
}

const EMPTY_ATOM = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title>arXiv Query</title>
  <id>http://arxiv.org/api/empty</id>
  <opensearch:totalResults>0</opensearch:totalResults>
</feed>
`;

interface DailyItem {
  paper: { id: string; title?: string; summary?: string };
}

const ITEMS: DailyItem[] = [...JSON.parse(DAILY_2024_10_25), ...JSON.parse(DAILY_2026_03_06)];
/** What search and `/api/papers/{id}` know: the daily items, then the recorded search's hits. */
const KNOWN: DailyItem[] = [...ITEMS, ...JSON.parse(SEARCH_KAZAKH)];

/** The built older-shape days, by date. Search and `/api/papers/{id}` keep serving the recorded items only. */
const SHAPED_DAYS: Record<string, unknown[]> = {
  [LATE_2024_DATE]: JSON.parse(late2024Response()),
  [MARCH_2025_DATE]: JSON.parse(march2025Response()),
};

interface Answer {
  status: number;
  body: string;
  type: string;
}

const json = (status: number, value: unknown): Answer => ({
  status,
  body: JSON.stringify(value),
  type: 'application/json; charset=utf-8',
});

function defaultAnswer(path: string, query: URLSearchParams, today: string): Answer {
  if (path === '/api/daily_papers') {
    const date = query.get('date');
    if (date && date > today) return json(400, { error: 'Date cannot be in the future' });
    const all =
      date === '2026-03-06'
        ? JSON.parse(DAILY_2026_03_06)
        : !date || date === '2024-10-25'
          ? ITEMS.slice(0, 29)
          : (SHAPED_DAYS[date] ?? []);
    const limit = Number(query.get('limit') ?? all.length);
    const page = Number(query.get('p') ?? 0);
    return json(200, limit > 0 ? all.slice(page * limit, (page + 1) * limit) : all);
  }
  if (path === '/api/papers/search') {
    const q = (query.get('q') ?? '').toLowerCase();
    const limit = Number(query.get('limit') ?? KNOWN.length);
    const hits = KNOWN.filter((i) =>
      `${i.paper.title ?? ''} ${i.paper.summary ?? ''}`.toLowerCase().includes(q),
    );
    return json(200, hits.slice(0, limit > 0 ? limit : hits.length));
  }
  if (path.startsWith('/api/papers/')) {
    const id = decodeURIComponent(path.slice('/api/papers/'.length));
    const item = KNOWN.find((i) => i.paper.id === id);
    return item ? json(200, item.paper) : json(404, { error: 'Paper not found' });
  }
  if (path === '/api/query') {
    const ids = (query.get('id_list') ?? '').split(',');
    const body = ids.includes('hep-ex/0307015') ? ARXIV_SAMPLE : EMPTY_ATOM;
    return { status: 200, body, type: 'application/atom+xml; charset=utf-8' };
  }
  return json(404, { error: 'Not found' });
}

function send(res: ServerResponse, answer: Answer, extra: Record<string, string> = {}): void {
  res.writeHead(answer.status, { 'content-type': answer.type, ...extra });
  res.end(answer.body);
}

/** Starts the fake on 127.0.0.1 and an ephemeral port. Close it in `afterEach`/`afterAll`. */
export async function startFakeHf(options: FakeHfOptions = {}): Promise<FakeHf> {
  const now = options.now ?? Date.now;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, FakeResponse[]>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      search: url.search,
      headers: req.headers,
      at: now(),
    });
    const scripted = scripts.get(url.pathname)?.shift();
    if (scripted?.hang) return;
    const fallback = defaultAnswer(url.pathname, url.searchParams, today);
    if (!scripted) return send(res, fallback);
    const status = scripted.status ?? 200;
    if (scripted.body !== undefined) {
      return send(
        res,
        { status, body: scripted.body, type: 'application/json; charset=utf-8' },
        scripted.headers,
      );
    }
    if (status >= 200 && status < 300) return send(res, { ...fallback, status }, scripted.headers);
    send(res, json(status, { error: `scripted ${status}` }), scripted.headers);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    arxivUrl: `${url}/api/query`,
    requests,
    script(path, responses) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...responses]);
    },
    close() {
      // Hanging requests would otherwise keep close() waiting forever.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
