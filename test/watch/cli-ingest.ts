import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSearchQuery } from '../../src/papers/search-query.ts';
import type { PaperStore } from '../../src/store/port.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DAILY = new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url);

/**
 * The recorded 2024-10-25 Daily Papers feed cut in two files: `first` (its first ten papers, the archive
 * before the watches) and `all` (all 29: 19 of them new).
 */
export function feedFiles(dir: string): { first: string; all: string } {
  const items = JSON.parse(readFileSync(DAILY, 'utf8')) as unknown[];
  const first = join(dir, 'first.json');
  const all = join(dir, 'all.json');
  writeFileSync(first, JSON.stringify(items.slice(0, 10)));
  writeFileSync(all, JSON.stringify(items));
  return { first, all };
}

/**
 * `paperboy ingest <file>` as its own process on the archive at `dbPath`, beside the running bot, as an
 * operator would run it; resolves with its output once it exits 0.
 */
export function ingestInChild(dbPath: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/cli/cli-child.ts', 'ingest', file, '--feed-date', '2024-10-25'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `sqlite:${dbPath}`, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`ingest exited ${code}: ${out}`)),
    );
  });
}

/**
 * The ids of papers the archive's own full-text search finds for `query` that are not in `before`: what a
 * watch set before those papers arrived should deliver (an oracle independent of the watch matcher).
 */
export async function searchFinds(
  store: PaperStore,
  query: string,
  before: ReadonlySet<string>,
): Promise<string[]> {
  const parsed = parseSearchQuery(query);
  if (!parsed.ok) throw new Error(parsed.error);
  const hits = await store.search(parsed.query, 1000);
  return hits
    .map((h) => h.paper.id)
    .filter((id) => !before.has(id))
    .sort();
}
