import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../../commands/types.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { parseFeed } from '../../src/feed/detect.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { silentLogger } from '../../src/log.ts';
import { ingestPapers } from '../../src/papers/ingest.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';

/**
 * The day the daily fixture lists its papers for. It is a no-date `GET /api/daily_papers` capture made on
 * that day, so it is given as the feed day, as `fetch --date` would give it.
 */
export const DAILY_FEED_DATE = '2024-10-25';

/** The recorded feeds a test archive can hold. */
export const FEEDS = {
  /** 29 papers on the 2024-10-25 Daily Papers feed, with HF upvotes. */
  daily: 'hf-daily-papers-2024-10-25.json',
  /** 91 papers from an HF papers page (no feed dates), 14 of them about unlearning. */
  page: 'hf-papers-page.txt',
} as const;

/** The test clock: a Wednesday, well after every fixture. */
export const NOW = new Date('2025-11-12T09:00:00Z');

/** A port nothing listens on: a client aimed here fails fast if a test reaches it by mistake. */
export const NOWHERE = 'http://127.0.0.1:9';

export interface Archive {
  store: SqliteStore;
  path: string;
  close(): Promise<void>;
}

/** A fresh SQLite archive in a temp folder, filled with the given fixtures through the real parsers. */
export async function openArchive(feeds: (keyof typeof FEEDS)[] = ['daily', 'page']): Promise<Archive> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-archive-'));
  const path = join(dir, 'archive.db');
  const store = SqliteStore.open(path);
  for (const feed of feeds) {
    const text = readFileSync(new URL(`../fixtures/${FEEDS[feed]}`, import.meta.url), 'utf8');
    const feedDate = feed === 'daily' ? DAILY_FEED_DATE : undefined;
    const parsed = parseFeed(text, undefined, { asOf: '2025-11-12', feedDate });
    await ingestPapers(store, parsed.papers, parsed.skipped);
  }
  return {
    store,
    path,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Feed clients with no retries and no waiting, aimed at `url` (the fake HF server, or nowhere). */
export function clients(url = NOWHERE, arxivUrl = `${url}/api/query`) {
  const sleep = async () => {};
  return {
    hf: new HfClient({ baseUrl: url, retries: 0, sleep, timeoutMs: 5000 }),
    arxiv: new ArxivClient({ baseUrl: arxivUrl, retries: 0, sleep, minIntervalMs: 0, timeoutMs: 5000 }),
  };
}

/** A command context for `store`, as a Slack user in a Slack channel would get it. */
export function context(store: SqliteStore, over: Partial<CommandContext> = {}): CommandContext {
  return {
    store,
    ...clients(),
    logger: silentLogger,
    now: () => NOW,
    platform: 'slack',
    channel: 'slack:C1',
    user: 'slack:U1',
    userName: 'Ada',
    roundupDefaults: { time: '09:00', timezone: 'UTC', channels: [] },
    ...over,
  } as CommandContext;
}
