import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { paperSchema } from '../../src/papers/paper.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { startFakeHf } from '../fakes/hf-server.ts';
import { LATE_2024_DATE, MARCH_2025_DATE } from '../fakes/hf-shapes.ts';
import { runCli } from './run-cli.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const SEED = fixture('hf-papers-page.txt');
const DAILY = fixture('hf-daily-papers-2024-10-25.json');

const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
let env: Record<string, string>;
beforeEach(() => {
  env = { DATABASE_URL: `sqlite:${join(dir, `archive-${n++}.db`)}`, LOG_LEVEL: 'silent' };
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('paperboy parse', () => {
  it('prints the 91 papers of the seed page as valid JSON papers, storing nothing', async () => {
    const r = await runCli(['parse', SEED, '--as-of', '2025-11-12'], env);
    expect(r.code).toBe(0);
    const papers = JSON.parse(r.stdout) as unknown[];
    expect(papers).toHaveLength(91);
    for (const p of papers) paperSchema.parse(p);
    expect(papers[0]).toMatchObject({
      title: expect.stringMatching(/^NitroFusion/),
      authorCount: 4,
      publishedAt: '2024-12-02',
    });
    const count = await runCli(['search', 'diffusion'], env);
    expect(count.stdout).toBe('No papers match.\n');
  });

  it('detects the format: the JSON fixture parses completely', async () => {
    const r = await runCli(['parse', DAILY], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(29);
  });

  it('--feed-date puts every paper of a saved daily response on that day; without it none gets a day', async () => {
    const dated = await runCli(['parse', DAILY, '--feed-date', '2024-10-25'], env);
    expect(dated.code).toBe(0);
    const papers = JSON.parse(dated.stdout) as { feedDate: string | null }[];
    expect(papers).toHaveLength(29);
    expect(papers.every((p) => p.feedDate === '2024-10-25')).toBe(true);
    // The capture has no submittedOnDailyAt, and its outer publishedAt is not a listing day.
    const undated = JSON.parse((await runCli(['parse', DAILY], env)).stdout) as { feedDate: string | null }[];
    expect(undated.every((p) => p.feedDate === null)).toBe(true);
  });

  it.each([
    [['parse'], /Usage: paperboy parse/],
    [['parse', DAILY, '--feed-date', '2024-02-30'], /--feed-date must be a date/],
    [['parse', SEED, '--feed-date', '2024-10-25'], /--feed-date applies to Hugging Face JSON.*hf-text/],
    [['parse', SEED, '--format', 'hf-text', '--feed-date', '2024-10-25'], /--feed-date applies to/],
    [['parse', SEED, '--format', 'rss'], /--format must be one of/],
    [['parse', SEED, '--as-of', '2025-13-45'], /--as-of must be a date/],
    [['parse', join(dir, 'missing.json')], /no such file/],
    [['parse', SEED, '--bogus'], /bogus/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('GIVEN %j THEN exit 2 and one clear sentence', async (argv, message) => {
    const r = await runCli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('paperboy ingest and search', () => {
  it('ingests the page and the JSON, then finds unlearning papers first', async () => {
    const a = await runCli(['ingest', SEED, '--as-of', '2025-11-12'], env);
    expect(a).toMatchObject({ code: 0 });
    expect(a.stdout).toMatch(/91 new, 0 updated, 0 unchanged, 0 skipped/);
    const b = await runCli(['ingest', DAILY], env);
    expect(b.stdout).toMatch(/29 new/);
    const again = await runCli(['ingest', DAILY], env);
    expect(again.stdout).toMatch(/0 new, 0 updated, 29 unchanged/);

    const r = await runCli(['search', 'unlearning', '--json', '--limit', '10'], env);
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.stdout) as { title: string; score: number }[];
    expect(hits).toHaveLength(10);
    for (const h of hits) expect(h.title).toMatch(/unlearn/i);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);

    const text = await runCli(['search', 'tulu'], env);
    expect(text.stdout).toMatch(/^1\. TÜLU 3: Pushing Frontiers/);
  });

  it('search --explain names the abbreviation expanded and the field each word was found in', async () => {
    await runCli(['ingest', SEED, '--as-of', '2025-11-12'], env);
    await runCli(['ingest', DAILY], env);
    const r = await runCli(['search', 'RL', '--explain', '--limit', '20'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^expanded: rl → "reinforcement learning"\n/);
    // A paper that never writes "RL" is found through its long form, and the explanation says so.
    expect(r.stdout).toMatch(/text=[\d.]+ \("rl" [^;]*as "reinforcement learning" in (title|abstract)/);
    const json = await runCli(['search', 'RL', '--explain', '--json'], env);
    expect(json.stderr).toContain('expanded: rl → "reinforcement learning"');
    expect(JSON.parse(json.stdout).length).toBeGreaterThan(0);
  });

  it('answers hostile queries with results or a clear message, never a crash', async () => {
    await runCli(['ingest', SEED, '--as-of', '2025-11-12'], env);
    for (const q of [
      'NEAR(unlearning',
      '"',
      '*',
      'unlearning -',
      `${'x'.repeat(10_000)}`,
      '<!channel>',
      'a OR b AND c',
    ]) {
      const r = await runCli(['search', q], env);
      expect([0, 2]).toContain(r.code);
      if (r.code === 2) expect(r.stderr).toMatch(/word|search/i);
    }
    const onlyExcluded = await runCli(['search', '-survey'], env);
    expect(onlyExcluded).toMatchObject({ code: 2 });
    expect(onlyExcluded.stderr).toMatch(/at least one word/);
  });

  it.each([
    ['truncated JSON', () => readFileSync(DAILY, 'utf8').slice(0, 5000)],
    ['an HTML page', () => '<!DOCTYPE html><html><body>Rate limited</body></html>'],
    ['an empty file', () => ''],
    ['a binary file', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))],
  ])('GIVEN %s THEN exit 1 with one sentence, and the archive is untouched', async (name, content) => {
    await runCli(['ingest', DAILY], env);
    const bad = file(`bad-${name.replace(/\W/g, '')}`, content());
    const r = await runCli(['ingest', bad], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^paperboy ingest failed: .+/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const after = await runCli(['search', 'contrastive', '--json'], env);
    expect(JSON.parse(after.stdout).length).toBeGreaterThan(0);
  });

  it('GIVEN a 50 MB file THEN ingests it without crashing', async () => {
    const daily = readFileSync(DAILY, 'utf8');
    const copies = Math.ceil((50 * 1024 * 1024) / daily.length);
    const big = `[${Array.from({ length: copies }, () => daily.slice(1, -1)).join(',')}]`;
    expect(big.length).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    const r = await runCli(['ingest', file('big.json', big)], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/29 new/);
    // Parsing 50 MB takes seconds alone and much longer on a loaded machine: the bound is for a hang.
  }, 120_000);
});

describe('paperboy fetch', () => {
  it('pulls a day from the Hugging Face API, reports an empty weekend, and names a day not yet available', async () => {
    const hf = await startFakeHf({ today: '2024-10-28' });
    try {
      const hfEnv = { ...env, HF_API_URL: hf.url };
      const day = await runCli(['fetch', '--date', '2024-10-25'], hfEnv);
      expect(day).toMatchObject({ code: 0 });
      expect(day.stdout).toMatch(/2024-10-25: 29 papers: 29 new/);
      const range = await runCli(['fetch', '--since', '2024-10-25'], hfEnv, '2024-10-27T10:00:00Z');
      expect(range.stdout).toMatch(/2\/3 2024-10-26: no papers listed/);
      expect(range.stdout).toMatch(/total: 0 new, 0 updated, 29 unchanged, 0 skipped, 0 days failed/);
      const future = await runCli(['fetch', '--date', '2024-10-29'], hfEnv, '2024-10-29T10:00:00Z');
      expect(future.code).toBe(1);
      expect(future.stdout).toMatch(/2024-10-29: failed: .*not available yet/);
      const papers = await runCli(['search', 'contrastive', '--json'], hfEnv);
      expect(JSON.parse(papers.stdout)[0]).toMatchObject({
        feedDate: '2024-10-25',
        upvotes: expect.any(Number),
      });
    } finally {
      await hf.close();
    }
  });
});

describe('the feed day of stored papers', () => {
  const onDay = async (date: string) => {
    const store = SqliteStore.open(env.DATABASE_URL!.slice('sqlite:'.length));
    try {
      return (await store.papersOnFeedDate(date)).length;
    } finally {
      await store.close();
    }
  };

  it.each([
    [LATE_2024_DATE, 27],
    [MARCH_2025_DATE, 23],
    ['2024-10-25', 29],
  ])('fetch --date %s stores all %i papers of the response on that day', async (date, count) => {
    // The fake serves each older shape on its day: none of them carries submittedOnDailyAt.
    const hf = await startFakeHf({ today: '2026-03-10' });
    try {
      const r = await runCli(['fetch', '--date', date], { ...env, HF_API_URL: hf.url });
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toContain(`${date}: ${count} papers: ${count} new`);
      expect(await onDay(date)).toBe(count);
    } finally {
      await hf.close();
    }
  });

  it('fetch --date puts papers stored earlier on other days on the day whose feed listed them', async () => {
    // As an archive filled before the feed day was taken from the request holds them: each paper on the
    // UTC day of the outer publishedAt, 16 of the 27 on the 5th.
    const hf = await startFakeHf({ today: '2026-03-10' });
    try {
      const body = await (await fetch(`${hf.url}/api/daily_papers?date=${LATE_2024_DATE}`)).text();
      const papers = parseHfJson(body).papers;
      const stamps = (JSON.parse(body) as { publishedAt: string }[]).map((i) => i.publishedAt.slice(0, 10));
      const store = SqliteStore.open(env.DATABASE_URL!.slice('sqlite:'.length));
      await store.upsertPapers(papers.map((p, i) => ({ ...p, feedDate: stamps[i] ?? null })));
      await store.close();
      expect(await onDay('2024-12-05')).toBe(16);
      const r = await runCli(['fetch', '--date', LATE_2024_DATE], { ...env, HF_API_URL: hf.url });
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toContain(`${LATE_2024_DATE}: 27 papers: 0 new, 16 updated, 11 unchanged`);
      expect(await onDay(LATE_2024_DATE)).toBe(27);
      expect(await onDay('2024-12-05')).toBe(0);
    } finally {
      await hf.close();
    }
  });

  it('ingest --feed-date stores a saved daily response on that day', async () => {
    expect((await runCli(['ingest', DAILY, '--feed-date', '2024-10-25'], env)).code).toBe(0);
    expect(await onDay('2024-10-25')).toBe(29);
  });
});

describe('the installed bin', () => {
  it('runs `paperboy parse` as a real process', async () => {
    const bin = new URL('../../bin/paperboy.js', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)('node', [bin, 'parse', DAILY], {
      env: { ...process.env, ...env },
    });
    expect(JSON.parse(stdout)).toHaveLength(29);
  });
});
