import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { asHfJson, syntheticChunks } from '../../bench/synthetic.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { runCli } from './run-cli.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'paperboy-bulk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
let work: string;
beforeEach(() => {
  work = join(root, `case-${n++}`);
  mkdirSync(work);
});
const envFor = (db: string) => ({ DATABASE_URL: `sqlite:${join(work, db)}`, LOG_LEVEL: 'silent' });

/** A directory of HF daily_papers files: the real fixtures and a few synthetic ones. */
function feedDir(synthetic = 4, perFile = 50): { dir: string; files: string[] } {
  const dir = join(work, 'feeds');
  mkdirSync(dir);
  const files = [join(dir, 'a-2024-10-25.json'), join(dir, 'b-2026-03-06.json')];
  copyFileSync(fixture('hf-daily-papers-2024-10-25.json'), files[0] as string);
  copyFileSync(fixture('hf-daily-papers-2026-03-06.json'), files[1] as string);
  let k = 0;
  for (const chunk of syntheticChunks(synthetic * perFile, perFile, 11)) {
    const file = join(dir, `c-${k++}.json`);
    writeFileSync(file, asHfJson(chunk));
    files.push(file);
  }
  return { dir, files };
}

/** Every paper of an archive as search and the feed see it, in a stable order. */
async function contents(db: string) {
  const store = SqliteStore.open(join(work, db));
  try {
    const rows = store.rawDatabase
      .prepare('SELECT id, title, abstract, authors, keywords, feed_date, upvotes FROM papers ORDER BY id')
      .all();
    const words = store.rawDatabase.prepare('SELECT word, papers FROM words ORDER BY word').all();
    const abbreviations = store.rawDatabase
      .prepare(
        'SELECT p.id, a.short, a.long_key FROM abbreviations a JOIN papers p ON p.rowid = a.paper_rowid ORDER BY 1, 2, 3',
      )
      .all();
    const found: Record<string, string[]> = {};
    for (const q of ['diffusion', 'machine unlearning', '"language models" -video', 'llm', 'MHUGLab']) {
      const r = await searchPapers(store, q, { limit: 10, today: '2026-03-10' });
      found[q] = r.ok ? r.results.map((x) => x.paper.id) : [];
    }
    return { rows, words, abbreviations, found };
  } finally {
    await store.close();
  }
}

describe('paperboy ingest <dir> (many files)', () => {
  it('builds the same archive as ingesting each file, and says how far it is on stderr', async () => {
    const { dir, files } = feedDir();
    for (const f of files) expect((await runCli(['ingest', f], envFor('one-by-one.db'))).code).toBe(0);
    const bulk = await runCli(['ingest', dir], envFor('bulk.db'));
    expect(bulk.code).toBe(0);
    expect(bulk.stdout).toMatch(
      /^6 of 6 files: \d+ new, 0 updated, \d+ unchanged, 0 skipped\ndatabase: \d+ MB\n$/,
    );
    // Not a terminal here: plain progress lines, the last one complete.
    expect(bulk.stderr).toMatch(/^ingest: 6\/6 files \(100%\)/m);
    const [a, b] = [await contents('one-by-one.db'), await contents('bulk.db')];
    expect(b).toEqual(a);
    expect(a.rows.length).toBeGreaterThan(200);
    expect(a.found.diffusion?.length).toBeGreaterThan(0);
  });

  it('accepts several files and directories at once', async () => {
    const { files } = feedDir(1);
    const r = await runCli(['ingest', files[0] as string, files[1] as string], envFor('x.db'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2 of 2 files: /);
  });

  it('a re-run changes nothing: every paper is unchanged and the archive is the same', async () => {
    const { dir } = feedDir();
    expect((await runCli(['ingest', dir], envFor('a.db'))).code).toBe(0);
    const before = await contents('a.db');
    const again = await runCli(['ingest', dir], envFor('a.db'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 0 new, 0 updated, \d+ unchanged/);
    expect(await contents('a.db')).toEqual(before);
  });

  it('reads each page copy as of the day it names at its top, as ingest of one file does', async () => {
    // Both copies show dates without a year; the clock says 2025-11-12, but the copies were captured on
    // 2026-10-02 (front matter `retrieved:`) and 2026-06-29 (`Captured (UTC):`), so their May dates are 2026's.
    const dir = join(work, 'pages');
    mkdirSync(dir);
    copyFileSync(fixture('hf-papers-page-firecrawl.md'), join(dir, 'a.md'));
    copyFileSync(fixture('hf-papers-page-refs.md'), join(dir, 'b.md'));
    expect((await runCli(['ingest', dir], envFor('bulk.db'))).code).toBe(0);
    const days = async () => {
      const store = SqliteStore.open(join(work, 'bulk.db'));
      try {
        return store.rawDatabase
          .prepare(
            "SELECT title, published_at FROM papers WHERE title LIKE 'OCC-RAG%' OR title LIKE 'MURMUR%' ORDER BY title",
          )
          .all();
      } finally {
        await store.close();
      }
    };
    expect(await days()).toEqual([
      { title: 'MURMUR: An Efficient Inference System for Long-Form ASR', published_at: '2026-05-30' },
      {
        title: 'OCC-RAG: Optimal Cognitive Core for Faithful Question Answering',
        published_at: '2026-05-29',
      },
    ]);
    // --as-of still stands over what the copies say, for every file.
    rmSync(join(work, 'bulk.db'));
    expect((await runCli(['ingest', dir, '--as-of', '2025-11-12'], envFor('bulk.db'))).code).toBe(0);
    expect((await days()).map((r) => (r as { published_at: string }).published_at)).toEqual([
      '2025-05-30',
      '2025-05-29',
    ]);
  });

  it('a malformed file is named with its reason; the other files are imported and the exit code is 1', async () => {
    const { dir } = feedDir(2);
    const bad = join(dir, 'b-broken.json');
    writeFileSync(bad, '<html><body>Too many requests</body></html>');
    const r = await runCli(['ingest', dir], envFor('a.db'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`not imported ${bad}: The input is an HTML page, not a feed.`);
    expect(r.stdout).toMatch(/^4 of 5 files: /);
    const store = SqliteStore.open(join(work, 'a.db'));
    try {
      expect(await store.countPapers()).toBeGreaterThan(100);
      const found = await searchPapers(store, 'MHUGLab', { limit: 5, today: '2026-03-10' });
      expect(found.ok && found.results.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('a missing path or an empty directory beside good ones is named; the rest are imported, exit 1', async () => {
    const { dir } = feedDir(0);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const missing = join(work, 'nonexistent.json');
    const good = join(dir, 'a-2024-10-25.json');
    const files = await runCli(['ingest', missing, good], envFor('a.db'));
    expect(files.code).toBe(1);
    expect(files.stdout).toMatch(/^1 of 2 files: 29 new, /);
    expect(files.stdout).toContain(`  not imported ${missing}: no such file or directory\n`);
    expect(files.stderr).toContain(`${missing}: not imported: no such file or directory\n`);
    const dirs = await runCli(['ingest', empty, dir], envFor('b.db'));
    expect(dirs.code).toBe(1);
    expect(dirs.stdout).toMatch(/^2 of 3 files: \d+ new, /);
    expect(dirs.stdout).toContain(`  not imported ${empty}: the directory holds no files\n`);
    const store = SqliteStore.open(join(work, 'b.db'));
    try {
      expect(await store.countPapers()).toBeGreaterThan(29);
    } finally {
      await store.close();
    }
  });

  it('refuses an empty directory, a missing path and --feed-date with a clear sentence', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    for (const [argv, message] of [
      [['ingest', empty], /holds no files/],
      [
        ['ingest', join(work, 'nope'), empty],
        /^Nothing to ingest: .*nope \(no such file or directory\), .*empty \(the directory holds no files\)\.\n$/,
      ],
      [['ingest', empty, empty, '--feed-date', '2024-10-25'], /--feed-date names one day's feed/],
    ] as const) {
      const r = await runCli([...argv], envFor('a.db'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('an import killed part-way leaves a usable archive, and running it again completes it', async () => {
    const { dir } = feedDir(28, 100);
    const db = join(work, 'killed.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('../../bench/paperboy-cli.ts', import.meta.url).pathname, 'ingest', dir],
      {
        env: { ...process.env, DATABASE_URL: `sqlite:${db}`, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    // Killed as soon as it reports a stored transaction (ten files): the next is being written, the rest
    // not read yet.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        if (/ingest: \d+\/30 files/.test(String(d))) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('close', () => resolve());
    });
    await new Promise((resolve) => child.on('close', resolve));
    const between = SqliteStore.open(db);
    try {
      // Consistent meanwhile: every paper stored so far is in the full-text index (FTS5 checks it against
      // the papers table), and a paper ingested now is searchable at once.
      expect(await between.countPapers()).toBeGreaterThan(0);
      between.rawDatabase
        .prepare("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
        .run();
      const [extra] = [...syntheticChunks(1, 1, 77)][0] ?? [];
      if (!extra) throw new Error('no paper');
      await between.upsertPapers([
        { ...extra, id: '2601.77777', arxivId: '2601.77777', title: 'Qzzyx recovery paper' },
      ]);
      expect((await between.getPaper('2601.77777'))?.title).toBe('Qzzyx recovery paper');
      const now = await searchPapers(between, 'qzzyx', { limit: 5, today: '2026-03-10' });
      expect(now.ok && now.results[0]?.paper.id).toBe('2601.77777');
    } finally {
      await between.close();
    }
    const rerun = await runCli(['ingest', dir], { DATABASE_URL: `sqlite:${db}`, LOG_LEVEL: 'silent' });
    expect(rerun.code).toBe(0);
    const reference = join(work, 'reference.db');
    expect(
      (await runCli(['ingest', dir], { DATABASE_URL: `sqlite:${reference}`, LOG_LEVEL: 'silent' })).code,
    ).toBe(0);
    const both = [db, reference].map((path) => SqliteStore.open(path));
    try {
      const [a, b] = both as [SqliteStore, SqliteStore];
      expect(await a.countPapers()).toBe((await b.countPapers()) + 1);
      for (const q of ['diffusion', 'machine unlearning', 'MHUGLab']) {
        const ids = async (s: SqliteStore) => {
          const r = await searchPapers(s, q, { limit: 10, today: '2026-03-10' });
          return r.ok ? r.results.map((x) => x.paper.id) : [];
        };
        expect(await ids(a)).toEqual(await ids(b));
      }
      const hit = await searchPapers(a, 'qzzyx', { limit: 5, today: '2026-03-10' });
      expect(hit.ok && hit.results[0]?.paper.id).toBe('2601.77777');
      // The full-text index holds exactly the stored papers (FTS5 checks it against the papers table).
      a.rawDatabase.prepare("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)").run();
      const indexed = (s: SqliteStore) =>
        (
          s.rawDatabase
            .prepare("SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH 'arxiv_id : 2*'")
            .get() as { n: number }
        ).n;
      expect(indexed(a)).toBe(indexed(b) + 1);
    } finally {
      for (const s of both) await s.close();
    }
  }, 120_000);
});

describe('paperboy reindex', () => {
  it('rebuilds what a bulk import rebuilds at its end, on an archive written another way', async () => {
    const { files } = feedDir(2);
    expect((await runCli(['ingest', files[0] as string], envFor('r.db'))).code).toBe(0);
    // Written beside the store (as an upgrade from before the lists, or a hand-made UPDATE, leaves it):
    // the lists are out of step with the index, so search would use FTS5 alone.
    const raw = SqliteStore.open(join(work, 'r.db'));
    raw.rawDatabase.prepare("UPDATE papers SET abstract = abstract || ' diffusion' WHERE rowid = 1").run();
    raw.rawDatabase.exec('DELETE FROM impact_state');
    await raw.close();
    const before = await contents('r.db');
    const r = await runCli(['reindex'], envFor('r.db'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reindexed in \d+\.\d s; database: \d+ MB\n$/);
    const after = SqliteStore.open(join(work, 'r.db'));
    try {
      // In step: the lists were built from the index as it is now (FTS5's averages record).
      const synced = after.rawDatabase.prepare('SELECT synced FROM impact_state').pluck().get();
      const averages = after.rawDatabase
        .prepare('SELECT block FROM papers_fts_data WHERE id = 1')
        .pluck()
        .get();
      expect(Buffer.isBuffer(synced) && Buffer.isBuffer(averages) && synced.equals(averages)).toBe(true);
    } finally {
      await after.close();
    }
    expect(await contents('r.db')).toEqual(before);
    expect((await runCli(['reindex', 'now'], envFor('r.db'))).code).toBe(2);
  });
});
