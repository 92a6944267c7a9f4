import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPapers } from '../../bench/synthetic.ts';
import { parseSearchQuery, type SearchQuery, tokenize } from '../../src/papers/search-query.ts';
import { impact } from '../../src/store/sqlite/bm25.ts';
import { porterStem } from '../../src/store/sqlite/fts-tokens.ts';
import { decodeTerms } from '../../src/store/sqlite/impact-lists.ts';
import { listEntries } from '../../src/store/sqlite/list-blocks.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { unicodePapers } from './unicode-papers.ts';

const query = (text: string): SearchQuery => {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.query;
};

/**
 * The lists' upkeep under writes it cannot take as usual. First, a write of non-ASCII papers that fails
 * inside its transaction, after the upkeep has tokenized them through SQLite (the scratch table it creates
 * goes with the rollback), must not break later writes.
 */
describe('impact lists: a write rolled back after tokenizing non-ASCII papers', () => {
  let dir: string;
  let store: SqliteStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-upkeep-rollback-'));
    store = SqliteStore.open(join(dir, 'a.db'), { impact: { minDf: 40, listSize: 30 } });
    await store.upsertPapers([...syntheticPapers(600, 5)]);
    await store.refreshSearchLists();
    // A new connection: its temp schema, where the upkeep's scratch table lives, starts empty.
    await store.close();
    store = SqliteStore.open(join(dir, 'a.db'), { impact: { minDf: 40, listSize: 30 } });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps storing non-ASCII papers, and the lists stay exact', async () => {
    const [first, second, third] = unicodePapers as [
      (typeof unicodePapers)[0],
      (typeof unicodePapers)[0],
      (typeof unicodePapers)[0],
    ];
    // The fault: the upkeep's last statement, marking the lists in step, is refused, so the whole write
    // rolls back (as a full disk or an I/O error would).
    const db = store.rawDatabase;
    db.exec(`CREATE TEMP TRIGGER refuse_sync BEFORE UPDATE ON main.impact_state
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    await expect(store.upsertPapers([first])).rejects.toThrow(/injected fault/);
    db.exec('DROP TRIGGER temp.refuse_sync');
    expect(await store.getPaper(first.id)).toBeNull();

    await expect(store.upsertPapers([second])).resolves.toMatchObject({ inserted: 1 });
    await expect(store.upsertPapers([first, third])).resolves.toMatchObject({ inserted: 2 });
    for (const p of [first, second, third]) expect((await store.getPaper(p.id))?.title).toBe(p.title);
    // Found by a word only their non-ASCII titles hold, and the lists still answer as FTS5 does.
    const hits = await store.search(query('schrödinger'), 5);
    expect(hits.map((h) => h.paper.id)).toEqual([second.id]);
    for (const text of ['language models', 'learning', 'diffusion models']) {
      expect(store.rank(query(text), 10), text).toEqual(store.exactRank(query(text), 10));
      // Answered by the lists, which are only used while every write has kept them in step.
      expect(store.lastSearchPath, text).not.toBe('lists not built or out of step');
    }
  });
});

describe('impact lists: a new paper holding a word more often than its column can record', () => {
  let dir: string;
  let store: SqliteStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-upkeep-unfit-'));
    // Columns for every word in a twentieth of the papers.
    store = SqliteStore.open(join(dir, 'a.db'), {
      impact: { minDf: 40, listSize: 30, columnMinDf: 40, columnBudget: 100 },
    });
    await store.upsertPapers([...syntheticPapers(1200, 8)]);
    await store.refreshSearchLists();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("drops that word's column, and every search stays exact", async () => {
    const db = store.rawDatabase;
    const columned = () =>
      (
        db
          .prepare(
            `SELECT t.id, t.term FROM impact_terms t WHERE t.term NOT LIKE '% %'
             AND EXISTS (SELECT 1 FROM impact_columns c WHERE c.term_id = t.id) ORDER BY t.df DESC`,
          )
          .all() as { id: number; term: string }[]
      ).filter((t) => /^[a-z]{4,}$/.test(t.term) && porterStem(t.term) === t.term);
    const words = columned();
    expect(words.length).toBeGreaterThan(4);
    const [word, ...others] = words as [{ id: number; term: string }, ...{ id: number; term: string }[]];
    // 7,000 times in a title (weighted 10 in bm25): an f of 70,000, past a column's 16 bits.
    const [base] = [...syntheticPapers(1, 99)] as [(typeof unicodePapers)[0]];
    const hostile = {
      ...base,
      id: '2698.00001',
      arxivId: '2698.00001',
      title: `${word.term} `.repeat(7000).trim(),
    };
    await expect(store.upsertPapers([hostile])).resolves.toMatchObject({ inserted: 1 });

    expect(db.prepare('SELECT COUNT(*) AS n FROM impact_columns WHERE term_id = ?').get(word.id)).toEqual({
      n: 0,
    });
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM impact_column_changes WHERE term_id = ?').get(word.id),
    ).toEqual({ n: 0 });
    // The other words keep theirs, with the new paper in them where it holds them.
    const ids = (ts: { id: number }[]) => ts.map((t) => t.id).sort((a, b) => a - b);
    expect(ids(columned())).toEqual(ids(others));
    for (const other of others.slice(0, 4)) {
      for (const text of [word.term, `${word.term} ${other.term}`, `${other.term} ${word.term} -zzzq`]) {
        const fast = store.rank(query(text), 10);
        expect(fast, text).toEqual(store.exactRank(query(text), 10));
        expect(store.lastSearchPath, text).not.toBe('lists not built or out of step');
      }
    }
    expect(store.rank(query(word.term), 1)[0]?.rowid).toBe(
      (db.prepare('SELECT rowid FROM papers WHERE id = ?').get(hostile.id) as { rowid: number }).rowid,
    );
  });
});

describe('impact lists: two connections writing to one archive in turn', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-upkeep-two-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("each keeps the lists exact after the other's writes, and after writes of its own that failed", async () => {
    const file = join(dir, 'a.db');
    const options = { impact: { minDf: 40, listSize: 30, columnMinDf: 40, columnBudget: 100 } };
    const papers = [...syntheticPapers(1500, 12)];
    const a = SqliteStore.open(file, options);
    const b = SqliteStore.open(file, options);
    try {
      await a.upsertPapers(papers.slice(0, 900));
      await a.refreshSearchLists();
      // Each store remembers the listed terms its last write left; the other's commits must not be missed.
      await a.upsertPapers(papers.slice(900, 1000));
      await b.upsertPapers(papers.slice(1000, 1100));
      await a.upsertPapers(papers.slice(1100, 1200));
      await b.upsertPapers(papers.slice(1200, 1300));
      // A write of a's that fails after the upkeep ran, then one that succeeds.
      a.rawDatabase.exec(`CREATE TEMP TRIGGER refuse_sync BEFORE UPDATE ON main.impact_state
                          BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
      await expect(a.upsertPapers(papers.slice(1300, 1400))).rejects.toThrow(/injected fault/);
      a.rawDatabase.exec('DROP TRIGGER temp.refuse_sync');
      await a.upsertPapers(papers.slice(1400, 1500));
      // A write of a's whose commit fails after the upkeep ran to its end (a deferred constraint, standing in
      // for a full disk at commit), then one that changes no paper's text, then one that does.
      a.rawDatabase.exec(`CREATE TEMP TABLE owner (id INTEGER PRIMARY KEY);
        CREATE TEMP TABLE owned (id INTEGER REFERENCES owner (id) DEFERRABLE INITIALLY DEFERRED);
        CREATE TEMP TRIGGER refuse_commit AFTER UPDATE ON main.impact_state
        BEGIN INSERT INTO temp.owned VALUES (1); END`);
      await expect(a.upsertPapers(papers.slice(1300, 1350))).rejects.toThrow(/FOREIGN KEY/);
      a.rawDatabase.exec('DROP TRIGGER temp.refuse_commit');
      await a.upsertPapers(papers.slice(0, 5).map((p) => ({ ...p, upvotes: (p.upvotes ?? 0) + 7 })));
      await a.upsertPapers(papers.slice(1300, 1350));
      await b.upsertPapers(papers.slice(1350, 1400));

      const db = a.rawDatabase;
      db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_rows USING fts5vocab(main, papers_fts, row)');
      const wrong = db
        .prepare(
          `SELECT t.term, t.df, v.doc FROM impact_terms t JOIN temp.t_rows v ON v.term = t.term
           WHERE t.term NOT LIKE '% %' AND t.df <> v.doc`,
        )
        .all();
      expect(wrong).toEqual([]);
      const lists = db.prepare('SELECT id, term, size, theta, avgdl_ref FROM impact_terms').all() as {
        id: number;
        term: string;
        size: number;
        theta: number;
        avgdl_ref: number;
      }[];
      // Every list's entries, whatever their layout (blocks as built, rows as changed since).
      const entries = new Map(lists.map((t) => [t.id, listEntries(db, t.id)]));
      // Each list's recorded size (which decides when it is cut back) is its entries' count.
      const miscounted = lists.filter((t) => t.size !== entries.get(t.id)?.length).map((t) => t.term);
      expect(miscounted).toEqual([]);
      // And θ still bounds every paper a list does not hold (what lets the lists certify a top k).
      const listed = new Set(lists.flatMap((t) => (entries.get(t.id) ?? []).map(([r]) => `${t.id}:${r}`)));
      const byId = new Map(lists.map((t) => [t.id, t]));
      const above: string[] = [];
      for (const doc of db.prepare('SELECT paper_rowid, d, terms FROM impact_docs').all() as {
        paper_rowid: number;
        d: number;
        terms: Buffer;
      }[])
        for (const [id, f] of decodeTerms(doc.terms)) {
          const t = byId.get(id);
          if (t && !listed.has(`${id}:${doc.paper_rowid}`) && impact(f, doc.d, t.avgdl_ref) > t.theta)
            above.push(`${id}:${doc.paper_rowid}`);
        }
      expect(above).toEqual([]);
      expect(
        db.prepare("SELECT COUNT(*) AS n FROM impact_terms WHERE term NOT LIKE '% %'").get(),
      ).not.toEqual({
        n: 0,
      });
      for (const store of [a, b])
        for (const text of ['language models', 'learning', 'model data', 'the training -reasoning']) {
          expect(store.rank(query(text), 10), text).toEqual(store.exactRank(query(text), 10));
          expect(store.lastSearchPath, text).not.toBe('lists not built or out of step');
        }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/**
 * A word column segment this version cannot read (a paperboy from before packing wrote it after the
 * archive was migrated, or the file was damaged): searches stay exact without it, a write that folds the
 * column drops it and goes on, and a build writes it again.
 */
describe('impact lists: a word column segment that cannot be read', () => {
  it('searches exactly without it, drops it at the next fold, and builds it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-upkeep-segment-'));
    const options = {
      impact: { minDf: 60, listSize: 40, shortListSize: 30, columnFold: 5, columnBudget: 100 },
    };
    const store = SqliteStore.open(join(dir, 'a.db'), options);
    try {
      const papers = syntheticPapers(1500, 4);
      await store.upsertPapers(papers);
      await store.refreshSearchLists();
      const db = store.rawDatabase;
      // Two column words that are their own stems, so a query can name them as they are.
      const [word, other] = (
        db
          .prepare(
            `SELECT t.id, t.term FROM impact_terms t
             WHERE EXISTS (SELECT 1 FROM impact_columns c WHERE c.term_id = t.id) ORDER BY t.df DESC`,
          )
          .all() as { id: number; term: string }[]
      ).filter((t) => /^[a-z]{4,}$/.test(t.term) && porterStem(t.term) === t.term);
      if (!word || !other) throw new Error('no column words');
      const segments = db.prepare('SELECT COUNT(*) FROM impact_columns WHERE term_id = ?').pluck();
      // The segment cut short by three bytes: its header no longer matches its length.
      db.prepare(
        'UPDATE impact_columns SET postings = substr(postings, 1, length(postings) - 3) WHERE term_id = ?',
      ).run(word.id);
      const q = query(`${word.term} ${other.term}`);
      const exact = store.exactRank(q, 10);
      expect(exact.length).toBe(10);
      expect(store.rank(q, 10)).toEqual(exact);

      // Papers holding the word, their text changed: more column changes than a fold waits for.
      const holding = papers
        .filter((p) => tokenize(`${p.title} ${p.abstract}`).some((t) => porterStem(t) === word.term))
        .slice(0, 10)
        .map((p) => ({ ...p, abstract: `${p.abstract} Revised.` }));
      expect(holding.length).toBe(10);
      await expect(store.upsertPapers(holding)).resolves.toMatchObject({ updated: 10 });
      expect(segments.get(word.id)).toBe(0);
      const after = store.exactRank(q, 10);
      expect(store.rank(q, 10)).toEqual(after);

      await store.refreshSearchLists();
      expect(segments.get(word.id)).toBeGreaterThan(0);
      expect(store.rank(q, 10)).toEqual(store.exactRank(q, 10));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
