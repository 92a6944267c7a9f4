import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, syntheticPapers } from '../../bench/synthetic.ts';
import {
  abbreviationLookups,
  expandAbbreviations,
  MIN_DEFINING_PAPERS,
} from '../../src/papers/expand-abbreviations.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { parseSearchQuery, type SearchQuery, tokenize } from '../../src/papers/search-query.ts';
import { prepareBulkBatch } from '../../src/store/bulk-batch.ts';
import {
  bm25Score,
  FTS_COLUMNS,
  idf,
  impact,
  indexTotals,
  readVarints,
} from '../../src/store/sqlite/bm25.ts';
import { toFtsMatch } from '../../src/store/sqlite/fts-match.ts';
import {
  type ColumnTokens,
  FtsTokenizer,
  TEXT_COLUMNS_SQL,
  type TextRow,
} from '../../src/store/sqlite/fts-tokens.ts';
import { decodeTerms, type TermRow } from '../../src/store/sqlite/impact-lists.ts';
import { lengthsTable } from '../../src/store/sqlite/lengths-table.ts';
import { ListBlocks, listEntries } from '../../src/store/sqlite/list-blocks.ts';
import { matches, matchPlan, phraseFrequencies, tokenCount } from '../../src/store/sqlite/match-plan.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { decodeColumn } from '../../src/store/sqlite/word-columns.ts';
import { unicodePapers } from './unicode-papers.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Query texts of every class, drawn from the archive's own words so all document frequencies occur. */
function queries(papers: readonly Paper[], count: number): string[] {
  const random = rng(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const df = new Map<string, number>();
  for (const p of papers)
    for (const t of new Set(tokenize(`${p.title} ${p.abstract}`))) df.set(t, (df.get(t) ?? 0) + 1);
  const byDf = [...df].filter(([t]) => /^[a-z]{3,}$/.test(t)).sort((a, b) => b[1] - a[1]);
  const common = byDf.slice(0, 60).map(([t]) => t);
  const middle = byDf.slice(60, 600).map(([t]) => t);
  const rare = byDf.slice(600).map(([t]) => t);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const abstract = tokenize(pick(papers).abstract);
    const at = Math.floor(random() * Math.max(1, abstract.length - 3));
    out.push(
      pick(common),
      `${pick(common)} ${pick(common)}`,
      `${pick(common)} ${pick(common)} ${pick(common)}`,
      `${pick(common)} ${pick(middle)}`,
      pick(rare),
      `"${abstract[at]} ${abstract[at + 1]}"`,
      `"${abstract[at]} ${abstract[at + 1]} ${abstract[at + 2]}"`,
      `${pick(common)} -${pick(common)}`,
      `${pick(common)} ${pick(common)} -"${abstract[at]} ${abstract[at + 1]}"`,
      `${pick(rare)} -${pick(common)}`,
      `${pick(rare)} ${pick(middle)} -${pick(common)} -${pick(middle)}`,
    );
    // Queries nothing can match: a word excluded from itself, or from a phrase holding it.
    const word = pick(common);
    out.push(`${word} -${word}`, `"${abstract[at]} ${abstract[at + 1]}" -${abstract[at + 1]}`);
  }
  return out;
}

/** Some queries with alternatives (as abbreviation expansion adds) and in `any` mode. */
function structured(texts: readonly string[]): SearchQuery[] {
  const out: SearchQuery[] = [];
  for (const [i, text] of texts.entries()) {
    const parsed = parseSearchQuery(text);
    if (!parsed.ok) continue;
    out.push(parsed.query);
    if (i % 3 === 0) out.push({ ...parsed.query, mode: 'any' });
    if (i % 4 === 0)
      out.push({
        ...parsed.query,
        alternatives: parsed.query.must.map((_, j) =>
          j === 0 ? [['language', 'models'], ['learning']] : [],
        ),
      });
  }
  return out;
}

/** The fast ranking equals FTS5's: same scores position by position, same papers above the last score. */
function expectSameRanking(store: SqliteStore, q: SearchQuery, k: number) {
  const fast = store.rank(q, k);
  const path = store.lastSearchPath;
  const exact = store.exactRank(q, k);
  const label = `${JSON.stringify(q)} (${path})`;
  expect(fast.length, label).toBe(exact.length);
  for (const [i, hit] of fast.entries())
    expect(close(hit.relevance, (exact[i] as { relevance: number }).relevance), label).toBe(true);
  const last = exact.at(-1)?.relevance ?? 0;
  const above = (hits: { rowid: number; relevance: number }[]) =>
    hits
      .filter((h) => h.relevance > last && !close(h.relevance, last))
      .map((h) => h.rowid)
      .sort((a, b) => a - b);
  expect(above(fast), label).toEqual(above(exact));
  return path;
}

/**
 * f per paper of a listed term as the index counts it (fts5vocab's instances): of a word, its instances'
 * column weights; of a phrase "a b …", those of the places where a is followed by b, ….
 */
function instanceCounts(db: SqliteStore['rawDatabase']): (term: string) => Map<number, number> {
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_counted USING fts5vocab(main, papers_fts, instance)');
  const weight = new Map(FTS_COLUMNS.map((c, j) => [c, [10, 1, 2, 3, 3, 3, 10][j] as number]));
  const instances = db.prepare('SELECT doc, col, "offset" AS at FROM temp.t_counted WHERE term = ?');
  type Instance = { doc: number; col: string; at: number };
  const cached = new Map<string, Instance[]>();
  const of = (term: string) => {
    if (!cached.has(term)) cached.set(term, instances.all(term) as Instance[]);
    return cached.get(term) as Instance[];
  };
  return (term) => {
    const [a, ...rest] = term.split(' ') as [string, ...string[]];
    const follows = rest.map((w, j) => new Set(of(w).map((i) => `${i.doc}:${i.col}:${i.at - 1 - j}`)));
    const f = new Map<number, number>();
    for (const i of of(a))
      if (follows.every((next) => next.has(`${i.doc}:${i.col}:${i.at}`)))
        f.set(i.doc, (f.get(i.doc) ?? 0) + (weight.get(i.col as (typeof FTS_COLUMNS)[number]) as number));
    return f;
  };
}

/** Lists forced short, and a column for every word in a twentieth of the papers (about 80 postings a paper). */
const OPTIONS = {
  minDf: 60,
  listSize: 40,
  shortListSize: 30,
  shortMinDf: 30,
  columnFold: 60,
  columnBudget: 100,
};

describe('impact lists: exact top-k without FTS5 scoring every match', () => {
  let dir: string;
  let store: SqliteStore;
  const papers = [...syntheticPapers(2500, 3), ...unicodePapers];
  const texts = queries(papers, 12);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-impact-'));
    // Lists forced short, so the threshold algorithm both certifies and runs out of list and falls back;
    // every word in a twentieth of the papers gets a column (about 80 postings a paper).
    store = SqliteStore.open(join(dir, 'a.db'), { impact: OPTIONS });
    await store.upsertPapers(papers);
    await store.refreshSearchLists();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tokenizes every paper as papers_fts does (SQLite's own instances are the reference)", () => {
    const db = store.rawDatabase;
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_inst USING fts5vocab(main, papers_fts, instance)');
    const reference = new Map<number, ColumnTokens>();
    for (const [term, doc, col, offset] of db
      .prepare('SELECT term, doc, col, offset FROM temp.t_inst')
      .raw()
      .all() as [string, number, string, number][]) {
      let cols = reference.get(doc);
      if (!cols) {
        cols = FTS_COLUMNS.map(() => []);
        reference.set(doc, cols);
      }
      (cols[FTS_COLUMNS.indexOf(col as (typeof FTS_COLUMNS)[number])] as string[])[offset] = term;
    }
    const rows = db.prepare(`SELECT ${TEXT_COLUMNS_SQL} FROM papers`).all() as TextRow[];
    const ours = new FtsTokenizer(db).tokens(rows);
    expect(ours.size).toBe(rows.length);
    for (const r of rows) expect(ours.get(r.rowid), `paper ${r.rowid}`).toEqual(reference.get(r.rowid));
  });

  it("holds in each list its term's best papers by impact as the index counts them, and θ bounds the rest", () => {
    const db = store.rawDatabase;
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_inst3 USING fts5vocab(main, papers_fts, instance)');
    const d = new Map(
      (db.prepare('SELECT id, sz FROM papers_fts_docsize').all() as { id: number; sz: Buffer }[]).map((r) => [
        r.id,
        readVarints(r.sz).reduce((a, b) => a + b, 0),
      ]),
    );
    const counted = instanceCounts(db);
    // Every entry of a list, whatever its layout (blocks as built, rows as changed since).
    const list = (id: number) => listEntries(db, id).map(([rowid, g, f, d]) => ({ rowid, g, f, d }));
    const terms = db
      .prepare('SELECT id, term, df, theta, avgdl_ref, size FROM impact_terms')
      .all() as TermRow[];
    expect(terms.length).toBeGreaterThan(50);
    // Two-word phrases common enough have lists of their own, kept shorter; so do abbreviations' long forms.
    const pairs = terms.filter((t) => t.term.includes(' '));
    expect(pairs.length).toBeGreaterThan(10);
    expect(pairs.filter((t) => t.term.split(' ').length > 2 && t.df > 0).length).toBeGreaterThan(2);
    let full = 0;
    for (const t of terms) {
      // Pairs and words in 60 papers or fewer have short lists.
      const size = t.term.includes(' ') || t.df <= 60 ? 30 : 40;
      const all = [...counted(t.term)]
        .map(([rowid, f]) => {
          const dl = d.get(rowid) as number;
          return { rowid, g: impact(f, dl, t.avgdl_ref), f, d: dl };
        })
        .sort((a, b) => b.g - a.g || a.rowid - b.rowid);
      expect(all.length, t.term).toBe(t.df);
      // Among equal impacts at the cut, the lower rowids are kept (the order FTS5 breaks ties in).
      const best = all.slice(0, size);
      expect(list(t.id), t.term).toEqual(best);
      expect(t.size, t.term).toBe(best.length);
      const outside = all[size];
      if (outside) {
        full++;
        expect(t.theta, t.term).toBeGreaterThanOrEqual(outside.g);
        expect(t.theta, t.term).toBe((best.at(-1) as { g: number }).g * (1 + 1e-12));
      } else expect(t.theta, t.term).toBe(0);
    }
    expect(full).toBeGreaterThan(50);
    expect(pairs.filter((t) => t.theta > 0).length).toBeGreaterThan(5);
    expect(terms.filter((t) => !t.term.includes(' ') && t.df <= 60).length).toBeGreaterThan(10);
  });

  it("scores every matching paper exactly as FTS5's bm25, and matches exactly the papers MATCH does", () => {
    const db = store.rawDatabase;
    const rows = db.prepare(`SELECT ${TEXT_COLUMNS_SQL} FROM papers`).all() as TextRow[];
    const tokens = new FtsTokenizer(db).tokens(rows);
    const { rows: n, avgdl } = indexTotals(
      (db.prepare('SELECT block FROM papers_fts_data WHERE id = 1').get() as { block: Buffer }).block,
    );
    const count = db.prepare('SELECT COUNT(*) AS n FROM papers_fts WHERE papers_fts MATCH ?');
    const all = db.prepare(
      'SELECT rowid, -bm25(papers_fts, 10.0, 1.0, 2.0, 3.0, 3.0, 3.0, 10.0) AS s FROM papers_fts WHERE papers_fts MATCH ?',
    );
    let compared = 0;
    for (const q of structured(texts.slice(0, 60))) {
      const plan = matchPlan(q);
      if (!plan) continue;
      const idfs = plan.sources.map((p) =>
        idf(n, (count.get(p.map((t) => `"${t}"`).join(' + ')) as { n: number }).n),
      );
      const fts = new Map(
        (all.all(toFtsMatch(q)) as { rowid: number; s: number }[]).map((r) => [r.rowid, r.s]),
      );
      const ours = new Map<number, number>();
      for (const [rowid, cols] of tokens) {
        const freqs = phraseFrequencies(plan, cols);
        if (matches(plan, freqs)) ours.set(rowid, bm25Score(idfs, freqs, tokenCount(cols), avgdl));
      }
      expect([...ours.keys()].sort(), toFtsMatch(q)).toEqual([...fts.keys()].sort());
      for (const [rowid, s] of fts) {
        expect(close(ours.get(rowid) as number, s), `${toFtsMatch(q)} row ${rowid}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('ranks like FTS5 for every query class, certifying some and falling back on others', () => {
    const paths = new Map<string, number>();
    const phrasePaths = new Map<string, number>();
    const shortPaths = new Map<string, number>();
    // Queries whose first term may also be "language models" (a listed pair) or "learning".
    const pairBeside = new Map<string, number>();
    const listedDf = new Map(
      (
        store.rawDatabase.prepare('SELECT term, df FROM impact_terms').all() as { term: string; df: number }[]
      ).map((t) => [t.term, t.df]),
    );
    // Two required words, the rarer in under a twentieth of the papers but with a full list, the other
    // with a column.
    const rareBeside = new Map<string, number>();
    const columned = new Set(
      store.rawDatabase
        .prepare('SELECT DISTINCT t.term FROM impact_columns c JOIN impact_terms t ON t.id = c.term_id')
        .pluck()
        .all() as string[],
    );
    for (const q of structured(texts)) {
      const path = expectSameRanking(store, q, 20);
      paths.set(path, (paths.get(path) ?? 0) + 1);
      const two = matchPlan(q);
      if (two && q.mode === 'all' && two.phrases.length === 2 && two.terms.length === 2) {
        const [a, b] = two.phrases.map((p) => p.join(' ')) as [string, string];
        const [rarer, other] = (listedDf.get(a) ?? 0) < (listedDf.get(b) ?? 0) ? [a, b] : [b, a];
        const df = listedDf.get(rarer) ?? 0;
        if (df > 60 && df < papers.length / 20 && columned.has(other))
          rareBeside.set(path, (rareBeside.get(path) ?? 0) + 1);
      }
      expectSameRanking(store, q, 5);
      if (q.alternatives && (q.mode === 'all' || q.must.length === 1))
        pairBeside.set(path, (pairBeside.get(path) ?? 0) + 1);
      const twoWordPhrase =
        q.must.length === 1 && q.must[0]?.length === 2 && q.exclude.length === 0 && !q.alternatives;
      if (twoWordPhrase) phrasePaths.set(path, (phrasePaths.get(path) ?? 0) + 1);
      const word = q.must.length === 1 && q.must[0]?.length === 1 && !q.alternatives?.[0]?.length;
      const listed = word ? (listedDf.get(matchPlan(q)?.phrases[0]?.[0] ?? '') ?? 0) : 0;
      if (listed > 0 && listed <= 60) shortPaths.set(path, (shortPaths.get(path) ?? 0) + 1);
    }
    // A word in 60 papers or fewer is answered from its short list alone or less what it excludes.
    expect(shortPaths.get('certified') ?? 0).toBeGreaterThan(2);
    expect(paths.get('certified') ?? 0).toBeGreaterThan(20);
    // A quoted two-word phrase alone is answered from its pair's list when it has one, and by FTS5 when not.
    expect(phrasePaths.get('certified') ?? 0).toBeGreaterThan(2);
    expect(phrasePaths.get('a phrase') ?? 0).toBeGreaterThan(0);
    expect([...paths.keys()].filter((p) => p !== 'certified').length).toBeGreaterThan(0);
    // Queries known to match nothing are answered without reading a list.
    expect(paths.get('nothing can match') ?? 0).toBeGreaterThan(0);
    // Alternatives beside an exclusion are FTS5's to rank (match-plan.ts), and the path says why.
    const excluding: SearchQuery = {
      must: [['language']],
      alternatives: [[['learning']]],
      exclude: [['model']],
      mode: 'all',
      notice: null,
    };
    expect(expectSameRanking(store, excluding, 5)).toBe('alternatives with an exclusion');
    // A listed pair beside other terms or forms is ranked from the lists too, its f from its list's entries
    // or the paper's text.
    expect(pairBeside.get('certified') ?? 0).toBeGreaterThan(0);
    // A word in under a twentieth of the papers beside a word with a column: ranked from the rarer word's
    // list, the other's impacts from its column, and when the lists cannot certify it, from the rarer word's
    // doclist (its papers' rowids from FTS5) and the column.
    expect(rareBeside.get('certified') ?? 0).toBeGreaterThan(0);
    expect(paths.get('doclist') ?? 0).toBeGreaterThan(0);
    // Several of the most common words (in a twentieth of the papers or more) are ranked from their columns.
    expect(paths.get('columns') ?? 0).toBeGreaterThan(10);
  });

  it('finishes from a doclist and from the columns with lists left unread, exactly', async () => {
    // Lists longer than the first steps read (8 entries, then 16). The doclist finish meets papers its
    // lead's list holds but the steps did not read (scored from the entry's f), and, where the list is
    // shorter than the word's papers, papers outside it (bounded by θ, their forward rows read). Block-max
    // over the columns starts from the best papers the steps scored, its lists mostly unread.
    const longer = SqliteStore.open(join(dir, 'longer-lists.db'), {
      impact: { ...OPTIONS, listSize: 100, firstChunk: 8 },
    });
    try {
      await longer.upsertPapers(papers);
      await longer.refreshSearchLists();
      const db = longer.rawDatabase;
      const words = db
        .prepare(
          `SELECT t.term, t.df, t.theta, EXISTS (SELECT 1 FROM impact_columns c WHERE c.term_id = t.id) AS columned
           FROM impact_terms t WHERE t.term NOT LIKE '% %'`,
        )
        .all() as { term: string; df: number; theta: number; columned: number }[];
      const n = papers.length;
      const leads = words.filter((w) => w.df > 60 && w.df < n / 20 && !w.columned);
      const others = words.filter((w) => w.columned).sort((a, b) => a.df - b.df);
      // Leads whose list holds every paper (θ 0) and leads with papers outside it.
      expect(leads.filter((w) => w.theta === 0).length).toBeGreaterThan(3);
      expect(leads.filter((w) => w.theta > 0).length).toBeGreaterThan(3);
      const paths = new Map<string, number>();
      for (const [i, lead] of leads.entries())
        for (const other of [others[i % others.length], others[(i * 7 + 3) % others.length]]) {
          const q: SearchQuery = {
            must: [[lead.term], [(other as { term: string }).term]],
            exclude: [],
            mode: 'all',
            notice: null,
          };
          for (const k of [5, 20]) {
            const path = expectSameRanking(longer, q, k);
            paths.set(path, (paths.get(path) ?? 0) + 1);
          }
        }
      expect(paths.get('doclist') ?? 0).toBeGreaterThan(20);
      // Two and three columned words, each list longer than the steps read: finished by block-max.
      const columned = words.filter((w) => w.columned && w.theta > 0);
      expect(columned.length).toBeGreaterThan(10);
      const finishes = new Map<string, number>();
      for (let i = 0; i < 40; i++) {
        const picked = [i, i * 7 + 3, i * 13 + 5]
          .slice(0, 2 + (i % 2))
          .map((j) => (columned[j % columned.length] as { term: string }).term);
        const q: SearchQuery = { must: picked.map((t) => [t]), exclude: [], mode: 'all', notice: null };
        for (const k of [5, 20]) {
          const path = expectSameRanking(longer, q, k);
          finishes.set(path, (finishes.get(path) ?? 0) + 1);
        }
      }
      expect(finishes.get('columns') ?? 0).toBeGreaterThan(20);
    } finally {
      await longer.close();
    }
  });

  it('stays exact through ingest: new papers, changed text, and lists grown past their cap', async () => {
    const more = syntheticPapers(400, 77).map((p, i) => ({
      ...p,
      id: `2698.${String(i).padStart(5, '0')}`,
      arxivId: `2698.${String(i).padStart(5, '0')}`,
    }));
    // Changed text: some papers' abstracts swapped for others', and some titles made all common words.
    const changed = papers.slice(0, 150).map((p, i) => ({
      ...p,
      abstract: (papers[(i * 7 + 100) % papers.length] as Paper).abstract,
      title: i % 2 === 0 ? 'language models for learning language models' : p.title,
    }));
    const before = (
      store.rawDatabase.prepare('SELECT SUM(size) AS n FROM impact_terms').get() as { n: number }
    ).n;
    const theta = () =>
      (
        store.rawDatabase.prepare("SELECT theta FROM impact_terms WHERE term = 'languag'").get() as {
          theta: number;
        }
      ).theta;
    const thetaBefore = theta();
    await store.upsertPapers([...more, ...changed]);
    await store.upsertPapers(more.slice(0, 50).map((p) => ({ ...p, title: `${p.title} language model` })));
    const after = (
      store.rawDatabase.prepare('SELECT MAX(size) AS n FROM impact_terms').get() as { n: number }
    ).n;
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(80);
    // New entries went to the lists' recent parts (kept apart until a list is cut back): the rankings
    // below read lists of both parts merged, and lists cut back with theirs folded in.
    const recent = store.rawDatabase
      .prepare(
        'SELECT COUNT(DISTINCT term_id) AS lists, COUNT(*) AS n FROM impact_postings WHERE term_id < 0',
      )
      .get() as { lists: number; n: number };
    expect(recent.lists).toBeGreaterThan(10);
    expect(recent.n).toBeGreaterThan(100);
    // Titles made of "language" outweigh the list's entries: the list grew past its cap and was cut, θ rose.
    expect(theta()).toBeGreaterThan(thetaBefore);
    const paths = structured(texts).map((q) => expectSameRanking(store, q, 20));
    expect(paths.filter((p) => p === 'certified').length).toBeGreaterThan(20);
    // Columns read with the papers written since merged in, or folded into them (columnFold: 60).
    expect(paths.filter((p) => p === 'columns').length).toBeGreaterThan(10);
    const folded = store.rawDatabase
      .prepare(
        `SELECT COUNT(*) AS n FROM impact_columns c
         WHERE NOT EXISTS (SELECT 1 FROM impact_column_changes x WHERE x.term_id = c.term_id)`,
      )
      .get() as { n: number };
    const pending = store.rawDatabase.prepare('SELECT COUNT(*) AS n FROM impact_column_changes').get() as {
      n: number;
    };
    expect(folded.n).toBeGreaterThan(0);
    expect(pending.n).toBeGreaterThan(0);
  });

  it('document frequencies in the lists stay those of the index', () => {
    const db = store.rawDatabase;
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_row USING fts5vocab(main, papers_fts, row)');
    const rows = db
      .prepare('SELECT t.term, t.df, v.doc FROM impact_terms t JOIN temp.t_row v ON v.term = t.term')
      .all() as { term: string; df: number; doc: number }[];
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) expect(r.df, r.term).toBe(r.doc);
  });

  it("forward rows hold each paper's f for every listed term, and its D, as the index counts them", () => {
    const db = store.rawDatabase;
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_inst2 USING fts5vocab(main, papers_fts, instance)');
    const expected = new Map<number, Map<number, number>>();
    for (const r of db
      .prepare(
        `SELECT i.doc, t.id, SUM(CASE i.col ${FTS_COLUMNS.map((c, j) => `WHEN '${c}' THEN ${[10, 1, 2, 3, 3, 3, 10][j]}`).join(' ')} END) AS f
         FROM temp.t_inst2 i JOIN impact_terms t ON t.term = i.term GROUP BY i.doc, t.id`,
      )
      .all() as { doc: number; id: number; f: number }[]) {
      if (!expected.has(r.doc)) expected.set(r.doc, new Map());
      expected.get(r.doc)?.set(r.id, r.f);
    }
    const docs = db.prepare('SELECT paper_rowid, d, terms FROM impact_docs').all() as {
      paper_rowid: number;
      d: number;
      terms: Buffer;
    }[];
    const sizes = db.prepare('SELECT id, sz FROM papers_fts_docsize').all() as { id: number; sz: Buffer }[];
    expect(docs.length).toBe(sizes.length);
    const d = new Map(sizes.map((r) => [r.id, readVarints(r.sz).reduce((a, b) => a + b, 0)]));
    for (const row of docs) {
      expect(row.d, `paper ${row.paper_rowid}`).toBe(d.get(row.paper_rowid));
      expect(decodeTerms(row.terms), `paper ${row.paper_rowid}`).toEqual(
        expected.get(row.paper_rowid) ?? new Map(),
      );
    }
  });

  it('word columns hold every paper of each very common word and long form, its f and D, as the index does', () => {
    const db = store.rawDatabase;
    const counted = instanceCounts(db);
    const dOf = new Map(
      (db.prepare('SELECT id, sz FROM papers_fts_docsize').all() as { id: number; sz: Buffer }[]).map((r) => [
        r.id,
        readVarints(r.sz).reduce((a, b) => a + b, 0),
      ]),
    );
    const docs = db.prepare('SELECT paper_rowid, d, terms FROM impact_docs ORDER BY paper_rowid').all() as {
      paper_rowid: number;
      d: number;
      terms: Buffer;
    }[];
    const columns = db
      .prepare(
        `SELECT c.term_id, t.term, t.df, json_group_array(c.first_rowid) AS firsts
         FROM impact_columns c JOIN impact_terms t ON t.id = c.term_id GROUP BY c.term_id`,
      )
      .all() as { term_id: number; term: string; df: number; firsts: string }[];
    const papers = docs.length;
    // Each forward row decoded once, not once per column.
    const docTerms = docs.map((r) => ({ rowid: r.paper_rowid, d: r.d, terms: decodeTerms(r.terms) }));
    expect(columns.length).toBeGreaterThan(5);
    // Segments of 65,536 papers: here a column is one as built, then the papers written since come as
    // segments of their own, each above the last (checked below), until a fold merges them.
    expect(columns.some((c) => JSON.parse(c.firsts).length > 1)).toBe(true);
    // The abbreviations' long forms (phrases) and short forms have columns whatever their df.
    const longForms = columns.filter((c) => c.term.includes(' '));
    expect(longForms.length).toBeGreaterThan(2);
    const shortForms = new Set(
      (
        db.prepare('SELECT short FROM abbreviation_counts WHERE papers >= 2').all() as { short: string }[]
      ).map((r) => r.short),
    );
    expect(columns.some((c) => c.df < papers / 20 && shortForms.has(c.term))).toBe(true);
    for (const c of columns) {
      if (!c.term.includes(' ') && !shortForms.has(c.term))
        expect(c.df, `term ${c.term_id}`).toBeGreaterThanOrEqual(papers / 20 - 600);
      // The stored postings, then the changes laid over them paper by paper (f 0: no longer held).
      const now = new Map<number, [number, number]>();
      let last = 0;
      for (const { first_rowid, papers: held, postings } of db
        .prepare(
          'SELECT first_rowid, papers, postings FROM impact_columns WHERE term_id = ? ORDER BY first_rowid',
        )
        .all(c.term_id) as { first_rowid: number; papers: number; postings: Buffer }[]) {
        // A segment the build wrote holds no D: its papers' D come from the lengths table.
        const part = decodeColumn(postings, () => lengthsTable((sql) => db.prepare(sql)));
        // Its papers beside it, as a fold sizes segments.
        expect(held, `term ${c.term_id}`).toBe(part.rowids.length);
        // In rowid order, segment after segment: the search walks columns with cursors that only move forward.
        const disorder = part.rowids.findIndex((r, i) => i > 0 && r <= (part.rowids[i - 1] as number));
        expect(disorder, `term ${c.term_id}: rowids out of order at`).toBe(-1);
        expect(part.rowids[0], `term ${c.term_id}`).toBe(first_rowid);
        expect(first_rowid, `term ${c.term_id}`).toBeGreaterThan(last);
        last = part.rowids.at(-1) as number;
        for (const [i, rowid] of part.rowids.entries())
          now.set(rowid, [part.f[i] as number, part.d[i] as number]);
      }
      for (const [rowid, f, d] of db
        .prepare('SELECT paper_rowid, f, d FROM impact_column_changes WHERE term_id = ?')
        .raw()
        .all(c.term_id) as [number, number, number][])
        if (f === 0) now.delete(rowid);
        else now.set(rowid, [f, d]);
      // Words' as their forward rows hold them; phrases' (not in forward rows) as the index counts them.
      const phrase = c.term.includes(' ') ? counted(c.term) : null;
      const expected = phrase
        ? [...phrase].sort((x, y) => x[0] - y[0]).map(([rowid, f]) => [rowid, f, dOf.get(rowid)])
        : docTerms.flatMap((r) => {
            const f = r.terms.get(c.term_id);
            return f ? [[r.rowid, f, r.d]] : [];
          });
      const got = [...now].sort((x, y) => x[0] - y[0]).map(([rowid, [f, d]]) => [rowid, f, d]);
      expect(got, `term ${c.term_id}`).toEqual(expected);
      expect(got.length).toBe(c.df);
    }
  });

  it("ranks an abbreviation's two forms (as the search expands them) from their lists and columns", async () => {
    const db = store.rawDatabase;
    const defined = db
      .prepare('SELECT short, long FROM abbreviation_counts WHERE papers >= ? ORDER BY papers DESC')
      .all(MIN_DEFINING_PAPERS) as { short: string; long: string }[];
    const common = queries(papers, 1)[0] as string;
    const paths = new Map<string, number>();
    let longer = 0;
    for (const { short, long } of defined.slice(0, 40))
      for (const text of [short, long, `${short} ${common}`, `${long} ${common}`]) {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) continue;
        const lookups = abbreviationLookups(parsed.query);
        const pairs = await store.abbreviations(lookups.shorts, lookups.longKeys, MIN_DEFINING_PAPERS);
        const { query, expansions } = expandAbbreviations(parsed.query, pairs);
        if (expansions.length === 0) continue;
        for (const q of [query, { ...query, mode: 'any' as const }]) {
          const path = expectSameRanking(store, q, 20);
          expectSameRanking(store, q, 5);
          paths.set(path, (paths.get(path) ?? 0) + 1);
          const forms = [...q.must, ...(q.alternatives ?? []).flat()];
          if (path === 'columns' && forms.some((f) => f.length > 2)) longer++;
        }
      }
    // The two forms of the commonest abbreviations: ranked without FTS5, long forms of three words or more
    // included (FTS5 walks every word's doclist for them).
    expect((paths.get('columns') ?? 0) + (paths.get('certified') ?? 0)).toBeGreaterThan(20);
    expect(longer).toBeGreaterThan(2);
  });

  it('columns kept in memory are not used once another connection has written', async () => {
    const viaColumns = structured(texts).filter(
      (q) => q.mode === 'all' && !q.alternatives && expectSameRanking(store, q, 20) === 'columns',
    );
    expect(viaColumns.length).toBeGreaterThan(3);
    // Another process's ingest: papers whose titles repeat each query's words, so some enter its top 20.
    const other = SqliteStore.open(join(dir, 'a.db'), { impact: OPTIONS });
    try {
      await other.upsertPapers(
        viaColumns.map((q, i) => {
          const words = q.must.map((m) => m.join(' ')).join(' ');
          const id = `2699.${String(i).padStart(5, '0')}`;
          return { ...(papers[i] as Paper), id, arxivId: id, title: `${words} ${words} ${words}` };
        }),
      );
    } finally {
      await other.close();
    }
    // Each ranks as FTS5 ranks it now, and for some the new paper is in the top 20: read from stale
    // columns, it would be missing.
    let changed = 0;
    for (const [i, q] of viaColumns.entries()) {
      expectSameRanking(store, q, 20);
      const added = store.rawDatabase
        .prepare('SELECT rowid FROM papers WHERE id = ?')
        .get(`2699.${String(i).padStart(5, '0')}`) as { rowid: number };
      if (store.exactRank(q, 20).some((h) => h.rowid === added.rowid)) changed++;
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('a write that bypasses the lists sends search to FTS5 until they are rebuilt', async () => {
    const q = (parseSearchQuery('language') as { ok: true; query: SearchQuery }).query;
    store.rawDatabase.prepare("UPDATE papers SET abstract = abstract || ' language' WHERE rowid = 5").run();
    expectSameRanking(store, q, 20);
    expect(store.lastSearchPath).toBe('lists not built or out of step');
    await store.refreshSearchLists();
    expect(expectSameRanking(store, q, 20)).toBe('certified');
  });

  it('ranks the same from lists held as rows, as an archive built before blocks holds them, and with ingest after', async () => {
    const db = store.rawDatabase;
    const blocks = new ListBlocks((sql) => db.prepare(sql));
    const before = new Map(
      (db.prepare('SELECT id FROM impact_terms').pluck().all() as number[]).map((id) => [
        id,
        listEntries(db, id),
      ]),
    );
    db.transaction(() => {
      for (const id of blocks.listed()) blocks.toRows(id);
    })();
    expect(db.prepare('SELECT COUNT(*) FROM impact_blocks').pluck().get()).toBe(0);
    expect(
      db.prepare('SELECT COUNT(*) FROM impact_postings WHERE term_id > 0').pluck().get(),
    ).toBeGreaterThan(1000);
    // The same entries, g bit for bit, now rows.
    for (const [id, entries] of before) expect(listEntries(db, id)).toEqual(entries);
    const certified = () =>
      structured(texts).filter((q) => expectSameRanking(store, q, 20) === 'certified').length;
    expect(certified()).toBeGreaterThan(20);
    // And through ingest: new papers, and stored papers whose text changed (their entries removed as rows).
    await store.upsertPapers([
      ...syntheticPapers(200, 41).map((p, i) => ({
        ...p,
        id: `2697.${String(i).padStart(5, '0')}`,
        arxivId: `2697.${String(i).padStart(5, '0')}`,
      })),
      ...papers.slice(0, 40).map((p) => ({ ...p, abstract: `${p.abstract} language models learning` })),
    ]);
    expect(certified()).toBeGreaterThan(20);
  });
});

describe('impact lists after a bulk load', () => {
  it('search uses FTS5 while the load runs and the lists once it is finished, with the same ranking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-impact-bulk-'));
    const store = SqliteStore.open(join(dir, 'b.db'), { impact: { minDf: 60, listSize: 40 } });
    try {
      const papers = syntheticPapers(1200, 11);
      await store.upsertPapers(papers.slice(0, 300));
      await store.refreshSearchLists();
      const q = (parseSearchQuery('language') as { ok: true; query: SearchQuery }).query;
      expect(expectSameRanking(store, q, 20)).toBe('certified');
      // New papers inserted in bulk pass beside the lists: until the load is finished, FTS5 answers.
      await store.bulkUpsert([prepareBulkBatch(papers.slice(300, 800)), prepareBulkBatch(papers.slice(800))]);
      expectSameRanking(store, q, 20);
      expect(store.lastSearchPath).toBe('lists not built or out of step');
      await store.finishBulkLoad();
      expect(expectSameRanking(store, q, 20)).toBe('certified');
      const two = (parseSearchQuery('language model') as { ok: true; query: SearchQuery }).query;
      expectSameRanking(store, two, 20);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
