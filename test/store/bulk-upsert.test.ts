import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realPapers, syntheticPapers } from '../../bench/synthetic.ts';
import { type Paper, titleKeyId } from '../../src/papers/paper.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { parseSearchQuery, type SearchQuery } from '../../src/papers/search-query.ts';
import { abbreviationRows } from '../../src/store/abbreviation-rows.ts';
import { prepareBulkBatch } from '../../src/store/bulk-batch.ts';
import type { PaperStore, UpsertResult } from '../../src/store/port.ts';
import { readVarints } from '../../src/store/sqlite/bm25.ts';
import { PairSampleThread } from '../../src/store/sqlite/pair-sample-thread.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { type StoreUnderTest, storesUnderTest } from './stores-under-test.ts';

const { stores, cleanup } = await storesUnderTest('bulk');
afterAll(cleanup);

/** A paper first seen in page text: no arXiv id, keyed by its title. */
const titleKeyed = (p: Paper): Paper => ({ ...p, id: titleKeyId(p.title), arxivId: null, upvotes: null });

/**
 * What an archive holds before the load, and the load: new papers; papers the archive holds, changed and
 * unchanged; a title-keyed paper the load gives its arXiv id; two arXiv papers of one title (two papers);
 * the same paper twice in one batch; a title-keyed paper and its arXiv twin in one batch; a paper of one
 * batch changed again in a later one; page text (no arXiv id) of a stored arXiv paper, which updates it.
 */
function scenario(): { before: Paper[]; batches: Paper[][] } {
  const real = realPapers();
  const synthetic = syntheticPapers(400, 5);
  const before = [...real.slice(0, 20), ...synthetic.slice(0, 60), titleKeyed(synthetic[60] as Paper)];
  const changed = real.slice(0, 10).map((p, i) => ({ ...p, upvotes: (p.upvotes ?? 0) + 100 + i }));
  const retitled = { ...(real[10] as Paper), abstract: `${real[10]?.abstract} A changed last sentence.` };
  const twin = { ...(synthetic[70] as Paper), id: '2501.99999', arxivId: '2501.99999' };
  const batches = [
    [
      ...synthetic.slice(100, 220),
      ...changed,
      synthetic[60] as Paper,
      { ...titleKeyed(real[12] as Paper), comments: 77 },
      retitled,
      twin,
      synthetic[70] as Paper,
    ],
    [
      ...synthetic.slice(220, 300),
      ...real.slice(20),
      synthetic[230] as Paper,
      { ...(synthetic[240] as Paper), upvotes: 999 },
      titleKeyed(synthetic[300] as Paper),
      synthetic[300] as Paper,
    ],
    [
      ...synthetic.slice(0, 30),
      ...synthetic.slice(301, 400),
      { ...(synthetic[110] as Paper), upvotes: 4242 },
    ],
  ];
  return { before, batches };
}

/** Everything a reader of the archive sees, through the port, in a stable order. */
async function archive(store: PaperStore, papers: readonly Paper[]) {
  const ids = [...new Set(papers.map((p) => p.arxivId ?? p.id))].sort();
  const stored = [];
  for (const id of ids) {
    const p = await store.getPaper(id);
    if (p) stored.push({ ...p, firstSeenAt: null });
  }
  const vocabulary = [];
  for (const first of 'abcdefghijklmnopqrstuvwxyz')
    vocabulary.push(...(await store.vocabulary(first, 1, 100)).sort((a, b) => a.word.localeCompare(b.word)));
  const shorts = [...new Set(abbreviationRows(papers).map((a) => a.short))];
  const abbreviations = (await store.abbreviations(shorts, [], 1)).sort((a, b) =>
    `${a.short} ${a.longKey}`.localeCompare(`${b.short} ${b.longKey}`),
  );
  const found: Record<string, string[]> = {};
  for (const q of ['diffusion', 'language models', '"machine unlearning"', 'llm -video', 'reinforcement']) {
    const r = await searchPapers(store, q, { limit: 20, today: '2026-03-10' });
    found[q] = r.ok ? r.results.map((x) => x.paper.id) : [];
  }
  return { count: await store.countPapers(), stored, vocabulary, abbreviations, found };
}

describe.each(stores)('bulkUpsert (%s)', (_name, open) => {
  it('leaves the archive the ordinary upserts leave: same papers, vocabulary, abbreviations and matches', async () => {
    const { before, batches } = scenario();
    const [upserted, bulk] = [await open(), await open()];
    try {
      await upserted.upsertPapers(before);
      await bulk.upsertPapers(before);
      const expected = { inserted: 0, updated: 0, unchanged: 0 };
      for (const batch of batches) {
        const r = await upserted.upsertPapers(batch);
        expected.inserted += r.inserted;
        expected.updated += r.updated;
        expected.unchanged += r.unchanged;
      }
      expect(await bulk.bulkUpsert(batches.map((b) => prepareBulkBatch(b)))).toEqual(expected);
      await bulk.finishBulkLoad();
      // The scenario reaches every path: new papers, merges, updates and unchanged papers.
      expect(expected.inserted).toBeGreaterThan(300);
      expect(expected.updated).toBeGreaterThan(10);
      expect(expected.unchanged).toBeGreaterThan(20);
      const all = [...before, ...batches.flat()];
      const [a, b] = [await archive(upserted, all), await archive(bulk, all)];
      expect(b).toEqual(a);
      // The title-keyed paper took its arXiv id; the two arXiv papers of one title stayed two.
      const merged = synthetic(60);
      expect((await bulk.getPaper(titleKeyId(merged.title)))?.id ?? null).toBe(null);
      expect((await bulk.getPaper(merged.id))?.arxivId).toBe(merged.arxivId);
      expect(await bulk.getPaper('2501.99999')).not.toBeNull();
      expect(await bulk.getPaper(synthetic(70).id)).not.toBeNull();
      // Changed again by a later batch: the last word wins, as with upserts.
      expect((await bulk.getPaper(synthetic(110).id))?.upvotes).toBe(4242);
    } finally {
      await upserted.close();
      await bulk.close();
    }
  });

  it('updates stored papers as the upsert does, and a second load of the same batches changes nothing', async () => {
    const papers = syntheticPapers(150, 9);
    const store = await open();
    try {
      await store.upsertPapers(papers.slice(0, 50));
      const newer = papers.map((p, i) =>
        i % 5 === 0 ? { ...p, upvotes: 1000 + i, keywords: ['zyxwq'] } : p,
      );
      const r = await store.bulkUpsert([
        prepareBulkBatch(newer.slice(0, 100)),
        prepareBulkBatch(newer.slice(100)),
      ]);
      expect(r).toEqual({ inserted: 100, updated: 10, unchanged: 40 });
      expect((await store.getPaper(papers[5]?.id as string))?.upvotes).toBe(1005);
      const hit = await searchPapers(store, 'zyxwq', { limit: 50, today: '2026-03-10' });
      expect(hit.ok && hit.results.length).toBe(30);
      const again = await store.bulkUpsert([prepareBulkBatch(newer)]);
      expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 150 });
      expect(await store.countPapers()).toBe(150);
    } finally {
      await store.close();
    }
  });
});

/** FTS5's own check of its index against the papers table, and every arXiv paper stored found by its id. */
function ftsAgreesWithTable(store: SqliteStore): void {
  const db = store.rawDatabase;
  db.prepare("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)").run();
  const indexed = db.prepare("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'arxiv_id : 2*'");
  const stored = db.prepare("SELECT count(*) FROM papers WHERE arxiv_id LIKE '2%'");
  expect(indexed.pluck().get()).toBe(stored.pluck().get());
}

describe('bulkUpsert on SQLite', () => {
  it('refuses a batch with an invalid paper before storing any of it', async () => {
    const [good, bad] = syntheticPapers(2, 3) as [Paper, Paper];
    expect(() => prepareBulkBatch([good, { ...bad, title: '' }])).toThrow();
  });
  it('indexes every new paper in the full-text index in the same transaction (FTS5 agrees with the table)', async () => {
    const [, openSqlite] = stores[0] as StoreUnderTest;
    const store = (await openSqlite()) as SqliteStore;
    try {
      await store.bulkUpsert([prepareBulkBatch(syntheticPapers(300, 4)), prepareBulkBatch(realPapers())]);
      ftsAgreesWithTable(store);
      await store.finishBulkLoad();
      ftsAgreesWithTable(store);
      expect(await store.databaseBytes()).toBeGreaterThan(100_000);
    } finally {
      await store.close();
    }
  });
});

describe('bulkUpsert on SQLite: the full-text index merged once, at the end', () => {
  it("defers FTS5's own merging while a load inserts; the finish, or a reindex after a killed load, brings it back", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-merges-'));
    const path = join(dir, 'archive.db');
    const setting = (s: SqliteStore, k: string) =>
      s.rawDatabase.prepare('SELECT v FROM papers_fts_config WHERE k = ?').pluck().get(k);
    // FTS5's merging, and how many terms it collects before writing a segment (16 MB while loading).
    const automerge = (s: SqliteStore) => [setting(s, 'automerge'), setting(s, 'hashsize')];
    const load = syntheticPapers(300, 4);
    let store = SqliteStore.open(path);
    try {
      // Built by daily upserts: FTS5's default merging (no setting stored).
      await store.upsertPapers(realPapers().slice(0, 5));
      expect(automerge(store)).toEqual([undefined, undefined]);
      await store.bulkUpsert([prepareBulkBatch(load.slice(0, 150)), prepareBulkBatch(load.slice(150))]);
      expect(automerge(store)).toEqual([0, 16 * 1024 * 1024]);
      ftsAgreesWithTable(store);
      // Killed before its finish: the deferral stays with the archive until a reindex finishes the load.
      await store.close();
      store = SqliteStore.open(path);
      expect(automerge(store)).toEqual([0, 16 * 1024 * 1024]);
      await store.finishBulkLoad();
      expect(automerge(store)).toEqual([4, 1024 * 1024]);
      ftsAgreesWithTable(store);
      // A load of papers the archive holds inserts none in bulk, and a day's upsert of new papers is no
      // load: merging stays as it is.
      await store.bulkUpsert([prepareBulkBatch(load.slice(0, 20).map((p) => ({ ...p, upvotes: 1_000 })))]);
      await store.upsertPapers(syntheticPapers(40, 9));
      expect(automerge(store)).toEqual([4, 1024 * 1024]);
      ftsAgreesWithTable(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** How many segments the full-text index is in (the count in FTS5's structure record, its row 10). */
function indexSegments(store: SqliteStore): number {
  const record = store.rawDatabase
    .prepare('SELECT block FROM papers_fts_data WHERE id = 10')
    .pluck()
    .get() as Buffer;
  // A 4-byte cookie, then (structure version 2) a 5-byte marker, then varints: levels, segments.
  const at = record.length >= 9 && record.subarray(4, 9).equals(Buffer.from([0xff, 0, 0, 0, 0])) ? 9 : 4;
  return readVarints(record.subarray(at))[1] as number;
}

describe('bulkUpsert on SQLite: the index merged a step at a time in the finish', () => {
  it("ends as one segment, merged beside the pairs' thread and the lists' build, and finds what it found before", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-index-merge-'));
    const store = SqliteStore.open(join(dir, 'archive.db'), {
      impact: { minDf: 40, listSize: 20, shortMinDf: 8, buildThreadsFrom: 0 },
    });
    try {
      const papers = syntheticPapers(1200, 5);
      for (let i = 0; i < papers.length; i += 200)
        await store.bulkUpsert([prepareBulkBatch(papers.slice(i, i + 200))]);
      expect(indexSegments(store)).toBeGreaterThanOrEqual(6);
      const queries = ['model', 'language models', '"large language"', 'training -data', 'diffusion image'];
      const ranked = () =>
        queries.map((q) =>
          store.exactRank((parseSearchQuery(q) as { ok: true; query: SearchQuery }).query, 20),
        );
      const before = ranked();
      await store.finishBulkLoad();
      expect(indexSegments(store)).toBe(1);
      expect(ranked()).toEqual(before);
      ftsAgreesWithTable(store);
      // And the lists built beside it answer as FTS5 does.
      expect(store.lastPairsFrom).toBe('a thread');
      const q = (parseSearchQuery('language models') as { ok: true; query: SearchQuery }).query;
      expect(store.rank(q, 20)).toEqual(
        store.exactRank(q, 20).map((h) => expect.objectContaining({ rowid: h.rowid })),
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bulkUpsert on SQLite: the lists' pairs found beside the index's merge", () => {
  it("a load's finish finds its pairs on a thread while it merges the index: the lists a build finding them itself makes", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-pairs-'));
    const impact = { minDf: 40, listSize: 20, shortMinDf: 8, buildThreadsFrom: 0 };
    const store = SqliteStore.open(join(dir, 'archive.db'), { impact });
    const lists = () =>
      store.rawDatabase.prepare('SELECT id, term, df, theta, size FROM impact_terms ORDER BY id').all() as {
        term: string;
      }[];
    try {
      await store.bulkUpsert([prepareBulkBatch(syntheticPapers(600, 3))]);
      await store.finishBulkLoad();
      expect(store.lastPairsFrom).toBe('a thread');
      // And the vocabulary the thread read: nothing was written since it began.
      expect(store.lastVocabularyFrom).toBe('a thread');
      const finished = lists();
      expect(finished.filter((t) => t.term.includes(' ')).length).toBeGreaterThan(20);
      await store.refreshSearchLists();
      expect(store.lastPairsFrom).toBe('the build');
      expect(store.lastVocabularyFrom).toBe('the build');
      expect(lists()).toEqual(finished);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a finish whose archive another process wrote to after the pairs' thread began reads the vocabulary itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-vocabulary-'));
    const impact = { minDf: 40, listSize: 20, shortMinDf: 8, buildThreadsFrom: 0 };
    const path = join(dir, 'archive.db');
    const store = SqliteStore.open(path, { impact });
    const other = SqliteStore.open(path, { impact });
    const lists = () =>
      store.rawDatabase.prepare('SELECT id, term, df, theta, size FROM impact_terms ORDER BY id').all();
    try {
      await store.bulkUpsert([prepareBulkBatch(syntheticPapers(600, 3))]);
      // Another process's day of papers, committed once the finish has begun (at its first wait).
      let wrote = false;
      setImmediate(() => {
        void other.upsertPapers(syntheticPapers(60, 17)).then(() => {
          wrote = true;
        });
      });
      await store.finishBulkLoad();
      expect(wrote).toBe(true);
      expect(store.lastVocabularyFrom).toBe('the build');
      // The lists are the archive's as it now is: as a build from scratch makes them.
      const finished = lists();
      await store.refreshSearchLists();
      expect(lists()).toEqual(finished);
    } finally {
      await other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a pairs thread that cannot read the archive, or answers too late, gives null (the build then finds them itself)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-pairs-'));
    try {
      const thread = new PairSampleThread(join(dir, 'missing.db'), { listMinDf: 1, pairMinDf: 1 });
      expect(await thread.pairs()).toBeNull();
      // One still at work when the caller can wait no longer is given up on.
      const path = join(dir, 'archive.db');
      const store = SqliteStore.open(path);
      await store.upsertPapers(syntheticPapers(50, 2));
      await store.close();
      const late = new PairSampleThread(path, { listMinDf: 1, pairMinDf: 1 });
      expect(await late.pairs(0)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bulkUpsert on SQLite: the index of every title built once, at the end', () => {
  const indexes = (s: SqliteStore) =>
    s.rawDatabase
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'papers' AND name LIKE 'papers_%'",
      )
      .pluck()
      .all();
  /** SQLite's check of every index against the table, and the same papers as upserting them in order. */
  async function sameAsUpserts(store: SqliteStore, upserted: SqliteStore, papers: readonly Paper[]) {
    expect(store.rawDatabase.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
    expect(await archive(store, papers)).toEqual(await archive(upserted, papers));
  }

  it('a load of arXiv papers builds it at its end; a paper without an arXiv id finds its twin meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-titles-'));
    const path = join(dir, 'archive.db');
    const load = syntheticPapers(400, 6);
    // Stored before the load: a paper first seen in page text, which the load brings with its arXiv id.
    const before = [...realPapers().slice(0, 5), titleKeyed(load[250] as Paper)];
    let store = SqliteStore.open(path);
    const upserted = SqliteStore.open(join(dir, 'upserted.db'));
    let other: SqliteStore | null = null;
    const steps: Paper[][] = [];
    const bulk = async (s: SqliteStore, ...batches: Paper[][]) => {
      steps.push(...batches);
      return s.bulkUpsert(batches.map((b) => prepareBulkBatch(b)));
    };
    try {
      await store.upsertPapers(before);
      await upserted.upsertPapers(before);
      expect(indexes(store)).toEqual(
        expect.arrayContaining(['papers_title_key', 'papers_arxivless_title', 'papers_feed_date']),
      );
      expect(indexes(store)).not.toContain('papers_title_arxiv');
      // Only arXiv papers: the index of every title is left out while they go in...
      expect(await bulk(store, load.slice(0, 150), load.slice(150, 200))).toEqual({
        inserted: 200,
        updated: 0,
        unchanged: 0,
      });
      expect(indexes(store)).not.toContain('papers_title_key');
      // ...and the paper stored without an arXiv id is still found by its title when its arXiv twin comes.
      expect(await bulk(store, load.slice(200, 300))).toEqual({ inserted: 99, updated: 1, unchanged: 0 });
      expect(await store.getPaper(titleKeyId((load[250] as Paper).title))).toBeNull();
      expect((await store.getPaper((load[250] as Paper).id))?.arxivId).toBe((load[250] as Paper).arxivId);
      expect(indexes(store)).not.toContain('papers_title_key');
      // Killed before its end: the index stays out. Another process's upsert of page text (no arXiv id) of a
      // paper the load stored needs it: it builds it, and updates that paper rather than adding a twin.
      await store.close();
      store = SqliteStore.open(path);
      other = SqliteStore.open(path);
      const pageText = { ...titleKeyed(load[20] as Paper), comments: 31 };
      steps.push([pageText]);
      expect(await other.upsertPapers([pageText])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      expect((await store.getPaper((load[20] as Paper).id))?.comments).toBe(31);
      expect(indexes(store)).toContain('papers_title_key');
      // The re-run leaves it out again; a batch holding a paper without an arXiv id (here a new one) brings
      // it back for the probe, rather than scanning the table, and it stays for the rest of the load.
      await bulk(store, load.slice(300, 340));
      expect(indexes(store)).not.toContain('papers_title_key');
      expect(await bulk(store, [titleKeyed(realPapers()[7] as Paper), ...load.slice(340, 350)])).toEqual({
        inserted: 11,
        updated: 0,
        unchanged: 0,
      });
      expect(indexes(store)).toContain('papers_title_key');
      const alsoPageText = { ...titleKeyed(load[320] as Paper), comments: 52 };
      expect(await bulk(store, [...load.slice(350, 360), alsoPageText])).toEqual({
        inserted: 10,
        updated: 1,
        unchanged: 0,
      });
      expect((await store.getPaper((load[320] as Paper).id))?.comments).toBe(52);
      await bulk(store, load.slice(360));
      expect(indexes(store)).toContain('papers_title_key');
      await store.finishBulkLoad();
      expect(indexes(store)).toContain('papers_title_key');
      for (const step of steps) await upserted.upsertPapers(step);
      await sameAsUpserts(store, upserted, [...before, ...load, realPapers()[7] as Paper]);
      // A finished load of arXiv papers builds the index again at its end.
      const more = syntheticPapers(450, 6).slice(400);
      await bulk(store, more);
      await upserted.upsertPapers(more);
      expect(indexes(store)).not.toContain('papers_title_key');
      await store.finishBulkLoad();
      expect(indexes(store)).toContain('papers_title_key');
      // (Read again after this connection's own load: the abbreviation counts it caches are not stale.)
      await sameAsUpserts(store, upserted, [...before, ...load, realPapers()[7] as Paper, ...more]);
    } finally {
      await store.close();
      await other?.close();
      await upserted.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('upsertPapers on SQLite: the new papers of a call in one statement', () => {
  it('leaves the archive, rowids and impact lists that upserting the papers one at a time leaves', async () => {
    const { before, batches } = scenario();
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-upsert-'));
    // Impact lists built and short, so the write keeps them up and grows some past their cap.
    const open = (name: string) => SqliteStore.open(join(dir, name), { impact: { minDf: 20, listSize: 15 } });
    const [single, batched] = [open('single.db'), open('batched.db')];
    try {
      for (const store of [single, batched]) {
        await store.upsertPapers(before);
        await store.refreshSearchLists();
      }
      const [expected, got] = [
        { inserted: 0, updated: 0, unchanged: 0 },
        { inserted: 0, updated: 0, unchanged: 0 },
      ];
      const add = (to: UpsertResult, r: UpsertResult) => {
        to.inserted += r.inserted;
        to.updated += r.updated;
        to.unchanged += r.unchanged;
      };
      for (const batch of batches) {
        for (const p of batch) add(expected, await single.upsertPapers([p]));
        // Each call mixes new papers with changed, unchanged and merging ones (scenario above).
        add(got, await batched.upsertPapers(batch));
      }
      // Counted per call: a paper a call inserts and merges into again counts once there, twice one by one.
      expect(got.inserted).toBe(expected.inserted);
      expect(got.inserted).toBeGreaterThan(300);
      expect(got.updated).toBeGreaterThan(10);
      expect(got.unchanged).toBeGreaterThan(20);
      const all = [...before, ...batches.flat()];
      expect(await archive(batched, all)).toEqual(await archive(single, all));
      // Page text of a stored arXiv paper updated it rather than making a title-keyed twin.
      const fromPage = realPapers()[12] as Paper;
      expect((await batched.getPaper(fromPage.id))?.comments).toBe(77);
      expect(await batched.getPaper(titleKeyId(fromPage.title))).toBeNull();
      const rowids = (s: SqliteStore) =>
        s.rawDatabase.prepare('SELECT rowid, id FROM papers ORDER BY rowid').all();
      expect(rowids(batched)).toEqual(rowids(single));
      const abbreviations = (s: SqliteStore) =>
        s.rawDatabase.prepare('SELECT * FROM abbreviations ORDER BY paper_rowid, short, long_key').all();
      expect(abbreviations(batched)).toEqual(abbreviations(single));
      // The lists took in every new and changed paper: the same document frequencies as after one-paper
      // upserts, still in step (no query falls back for that), ranking as FTS5 does.
      const terms = (s: SqliteStore) =>
        s.rawDatabase.prepare('SELECT term, df FROM impact_terms ORDER BY term').all();
      expect(terms(batched).length).toBeGreaterThan(10);
      expect(terms(batched)).toEqual(terms(single));
      for (const q of ['diffusion', 'language models', 'reinforcement learning', 'model']) {
        const query = parseSearchQuery(q);
        if (!query.ok) throw new Error(q);
        const ranked = batched.rank(query.query, 10);
        expect(batched.lastSearchPath, q).not.toMatch(/step|rebuil/);
        // The same papers in the same order; scores computed outside FTS5 (lists, columns) may differ from
        // bm25()'s in the last bit.
        const exact = batched.exactRank(query.query, 10);
        expect(
          ranked.map((h) => h.rowid),
          q,
        ).toEqual(exact.map((h) => h.rowid));
        for (const [i, h] of ranked.entries())
          expect(Math.abs(h.relevance - (exact[i]?.relevance ?? 0)), q).toBeLessThan(
            1e-12 * Math.abs(h.relevance) + 1e-15,
          );
      }
      batched.rawDatabase
        .prepare("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
        .run();
    } finally {
      await single.close();
      await batched.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function synthetic(i: number): Paper {
  return syntheticPapers(400, 5)[i] as Paper;
}
