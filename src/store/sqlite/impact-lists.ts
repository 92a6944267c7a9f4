import type Database from 'better-sqlite3';
import { bm25Score, COLUMN_WEIGHTS, FTS_COLUMNS, idf, impact, indexTotals, readVarints } from './bm25.ts';
import { type ColumnTokens, FtsTokenizer, TEXT_COLUMNS_SQL, type TextRow } from './fts-tokens.ts';
import { type MatchPlan, matches, phraseFrequencies, tokenCount } from './match-plan.ts';

/**
 * Impact lists: for every index term held by more than `minDf` papers, its `listSize` papers with the
 * highest single-term impact g(f, D) = f(k1+1)/(f + k1(1−b+b·D/avgdl_ref)) (f: the term's column-weighted
 * count in the paper, D: the paper's tokens), with f and D kept so g can be recomputed under today's avgdl;
 * and per term its exact document frequency and θ, a bound every paper outside the list stays at or under.
 * A query whose terms are all common is answered by a threshold algorithm over those lists, scoring
 * candidates exactly as FTS5's bm25 does (bm25.ts), and returns only when it can prove no other paper
 * scores higher; otherwise (or whenever the lists are not in step with the index) the caller runs FTS5.
 */
export interface ImpactOptions {
  /** Terms in more papers than this get a list; a query with a rarer term goes to FTS5, which is cheap. */
  minDf: number;
  /** Entries kept per list by a build; ingest may grow a list to twice this before it is trimmed. */
  listSize: number;
}

export const DEFAULT_IMPACT: ImpactOptions = { minDf: 10_000, listSize: 1_000 };

export interface ImpactHit {
  rowid: number;
  relevance: number;
}

interface TermRow {
  id: number;
  term: string;
  df: number;
  theta: number;
  avgdl_ref: number;
  size: number;
}

/** Guards θ against the last-bit difference between SQL's and JavaScript's arithmetic at build time. */
const SAFETY = 1 + 1e-12;
const FIRST_CHUNK = 64;
/** Candidates scored from their text per step, and in all before the query goes to FTS5 instead. */
const RESOLVE_BATCH = 16;
const MAX_RESOLVED = 400;

/** The bound a list entry sets for everything after it: its impact under the list's own avgdl. */
function impactBound(e: { f: number; d: number }, avgdlRef: number): number {
  return impact(e.f, e.d, avgdlRef);
}

export class ImpactLists {
  private readonly tokenizer: FtsTokenizer;
  /** Rows matching a multi-word phrase, by phrase, valid for one state of the index (see generation()). */
  private readonly phraseHits = new Map<string, number>();
  private phraseHitsAt = '';
  private localWrites = 0;
  /** What the last topK did, for tests and the benchmark: 'certified' or why it fell back. */
  lastOutcome = '';
  /** Papers the last topK scored from their text. */
  lastResolved = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly stmt: (sql: string) => Database.Statement,
    private readonly options: ImpactOptions,
  ) {
    this.tokenizer = new FtsTokenizer(db);
  }

  private averages(): Buffer | null {
    const row = this.stmt('SELECT block FROM papers_fts_data WHERE id = 1').get() as
      | { block: Buffer }
      | undefined;
    return row?.block ?? null;
  }

  /** Whether lists were built and every write since kept them in step with the index. */
  private inStep(averages: Buffer | null): boolean {
    const s = this.stmt('SELECT synced FROM impact_state WHERE only_row = 1').get() as
      | { synced: Buffer | null }
      | undefined;
    return !!s?.synced && !!averages && Buffer.compare(s.synced, averages) === 0;
  }

  private markInStep(): void {
    // FTS5 writes its averages record when a savepoint opens or the transaction commits: open one, so the
    // record read here is the one this transaction will commit.
    this.db.exec('SAVEPOINT impact_totals; RELEASE impact_totals');
    this.stmt(
      `INSERT INTO impact_state (only_row, synced) VALUES (1, ?)
       ON CONFLICT(only_row) DO UPDATE SET synced = excluded.synced`,
    ).run(this.averages());
  }

  /**
   * Builds every list from FTS5's own index (fts5vocab for the terms, their documents and per-column
   * counts; the docsize shadow table for D). Runs in the caller's write transaction.
   */
  rebuild(): { terms: number; entries: number } {
    const db = this.db;
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_vocab_row USING fts5vocab(main, papers_fts, row);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.impact_vocab_inst USING fts5vocab(main, papers_fts, instance);
      DROP TABLE IF EXISTS temp.impact_dl;
      CREATE TABLE temp.impact_dl (rowid INTEGER PRIMARY KEY, d INTEGER NOT NULL);
      DELETE FROM impact_postings; DELETE FROM impact_terms;`);
    // D per paper: the sum of its column sizes in the docsize shadow table.
    db.function('impact_tokens', { deterministic: true }, (sz: unknown) =>
      readVarints(sz as Buffer).reduce((a, b) => a + b, 0),
    );
    db.exec('INSERT INTO temp.impact_dl (rowid, d) SELECT id, impact_tokens(sz) FROM papers_fts_docsize');
    const { avgdl } = indexTotals(this.averages());
    const terms = db
      .prepare('SELECT term, doc FROM temp.impact_vocab_row WHERE doc > ? ORDER BY term')
      .all(this.options.minDf) as { term: string; doc: number }[];
    const weight = `CASE col ${FTS_COLUMNS.map((c, i) => `WHEN '${c}' THEN ${COLUMN_WEIGHTS[i]}.0`).join(' ')} END`;
    const top = db.prepare(
      `SELECT a.doc AS rowid, a.f AS f, dl.d AS d FROM
         (SELECT doc, SUM(${weight}) AS f FROM temp.impact_vocab_inst WHERE term = ? GROUP BY doc) a
       JOIN temp.impact_dl dl ON dl.rowid = a.doc
       ORDER BY (a.f * 2.2) / (a.f + 1.2 * (0.25 + 0.75 * dl.d / ?)) DESC LIMIT ?`,
    );
    const addTerm = db.prepare(
      'INSERT INTO impact_terms (id, term, df, theta, avgdl_ref, size) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const addEntry = db.prepare(
      'INSERT INTO impact_postings (term_id, g, paper_rowid, f, d) VALUES (?, ?, ?, ?, ?)',
    );
    let entries = 0;
    for (const [i, t] of terms.entries()) {
      const rows = top.all(t.term, avgdl, this.options.listSize) as { rowid: number; f: number; d: number }[];
      let theta = 0;
      for (const r of rows) {
        const g = impact(r.f, r.d, avgdl);
        addEntry.run(i + 1, g, r.rowid, r.f, r.d);
        theta = g;
      }
      // A term in no more papers than its list holds has none outside: nothing outside can score.
      addTerm.run(i + 1, t.term, t.doc, rows.length < t.doc ? theta * SAFETY : 0, avgdl, rows.length);
      entries += rows.length;
    }
    db.exec('DROP TABLE temp.impact_dl');
    this.markInStep();
    this.localWrites++;
    return { terms: terms.length, entries };
  }

  /** Whether a build ever ran (lists exist, or ran and found no common term). */
  private built(): boolean {
    return !!this.stmt('SELECT 1 FROM impact_state WHERE only_row = 1 AND synced IS NOT NULL').get();
  }

  /**
   * Keeps the lists exact across an upsert, inside its transaction: `before` is the old text of papers
   * whose text changed, `after` the rowids of papers inserted or changed (read after the write).
   */
  afterWrite(before: readonly TextRow[], after: readonly number[]): void {
    this.localWrites++;
    if (before.length === 0 && after.length === 0) return;
    if (!this.built()) return;
    const wasInStep = this.inStep(this.averagesBeforeWrite ?? null);
    this.averagesBeforeWrite = undefined;
    if (!wasInStep) return; // lists out of step already (a write that bypassed them): a rebuild repairs them
    const listed = new Map(
      (this.stmt('SELECT id, term, df, theta, avgdl_ref, size FROM impact_terms').all() as TermRow[]).map(
        (t) => [t.term, t],
      ),
    );
    const dfDelta = new Map<TermRow, number>();
    const grown = new Set<TermRow>();
    const perTerm = (cols: ColumnTokens) => {
      const f = new Map<string, number>();
      for (const [c, col] of cols.entries())
        for (const t of col) if (listed.has(t)) f.set(t, (f.get(t) ?? 0) + (COLUMN_WEIGHTS[c] ?? 1));
      return f;
    };
    const remove = this.stmt('DELETE FROM impact_postings WHERE term_id = ? AND g = ? AND paper_rowid = ?');
    for (const [rowid, cols] of this.tokenizer.tokens(before)) {
      const d = tokenCount(cols);
      for (const [term, f] of perTerm(cols)) {
        const t = listed.get(term) as TermRow;
        dfDelta.set(t, (dfDelta.get(t) ?? 0) - 1);
        if (remove.run(t.id, impact(f, d, t.avgdl_ref), rowid).changes > 0) t.size--;
      }
    }
    const rows = this.stmt(
      `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(after)) as TextRow[];
    const add = this.stmt(
      'INSERT OR REPLACE INTO impact_postings (term_id, g, paper_rowid, f, d) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [rowid, cols] of this.tokenizer.tokens(rows)) {
      const d = tokenCount(cols);
      for (const [term, f] of perTerm(cols)) {
        const t = listed.get(term) as TermRow;
        dfDelta.set(t, (dfDelta.get(t) ?? 0) + 1);
        const g = impact(f, d, t.avgdl_ref);
        if (g >= t.theta) {
          add.run(t.id, g, rowid, f, d);
          t.size++;
          grown.add(t);
        }
      }
    }
    const setTerm = this.stmt('UPDATE impact_terms SET df = df + ?, theta = ?, size = ? WHERE id = ?');
    for (const t of new Set([...dfDelta.keys(), ...grown])) {
      if (t.size > 2 * this.options.listSize) this.trim(t);
      setTerm.run(dfDelta.get(t) ?? 0, t.theta, t.size, t.id);
    }
    this.markInStep();
  }

  /** Old averages record, read before the write so afterWrite knows the lists were in step with it. */
  private averagesBeforeWrite: Buffer | null | undefined;
  beforeWrite(): void {
    this.averagesBeforeWrite = this.averages();
  }

  /** Cuts a list back to listSize entries; θ rises to the highest impact cut, so it still bounds the rest. */
  private trim(t: TermRow): void {
    const cut = this.stmt(
      `SELECT g FROM impact_postings WHERE term_id = ? ORDER BY g DESC, paper_rowid LIMIT 1 OFFSET ?`,
    ).get(t.id, this.options.listSize) as { g: number } | undefined;
    if (!cut) return;
    this.stmt('DELETE FROM impact_postings WHERE term_id = ? AND g <= ?').run(t.id, cut.g);
    t.theta = Math.max(t.theta, cut.g);
    t.size = (
      this.stmt('SELECT COUNT(*) AS n FROM impact_postings WHERE term_id = ?').get(t.id) as { n: number }
    ).n;
  }

  /** A token for the index's state: changes with any commit by another connection or write by this one. */
  private generation(): string {
    return `${this.db.pragma('data_version', { simple: true })}:${this.localWrites}`;
  }

  /**
   * The `k` best papers for the plan with their exact bm25 relevance, in FTS5's order (ties: lower rowid
   * first), or null when the lists cannot answer it with certainty. Call inside a read transaction.
   */
  topK(plan: MatchPlan, k: number): ImpactHit[] | null {
    const averages = this.averages();
    if (!this.inStep(averages)) return this.fallBack('lists not built or out of step');
    const { rows: n, avgdl } = indexTotals(averages);
    const getTerm = this.stmt('SELECT id, term, df, theta, avgdl_ref, size FROM impact_terms WHERE term = ?');
    const listed = new Map<string, TermRow>();
    for (const p of plan.phrases)
      for (const w of p) {
        const t = getTerm.get(w) as TermRow | undefined;
        if (t) listed.set(w, t);
      }
    const positive = plan.terms.flat();
    // Every positive phrase needs a listed word to bound it, else papers outside every list could match.
    if (positive.some((i) => !(plan.phrases[i] ?? []).some((w) => listed.has(w))))
      return this.fallBack('a rare term');
    const idfs = plan.phrases.map((p, i) => {
      if (!positive.includes(i)) return 0; // an excluded phrase never occurs in a match: it adds 0
      const first = p[0] as string;
      if (p.length === 1) return idf(n, (listed.get(first) as TermRow).df);
      return idf(n, this.phraseHitCount(plan.sources[i] ?? []));
    });
    // The idf FTS5 uses for excluded phrases never matters (f = 0), so a placeholder keeps the order.
    const cursors = [
      ...new Set(positive.flatMap((i) => (plan.phrases[i] ?? []).filter((w) => listed.has(w)))),
    ].map((w) => {
      const t = listed.get(w) as TermRow;
      const drift = Math.max(1, avgdl / t.avgdl_ref);
      return { word: w, term: t, drift, read: 0, bound: Number.POSITIVE_INFINITY, done: false };
    });
    const read = this.stmt(
      `SELECT paper_rowid AS rowid, f, d FROM impact_postings WHERE term_id = ?
       ORDER BY g DESC, paper_rowid LIMIT ? OFFSET ?`,
    );
    const textOf = this.stmt(
      `SELECT ${TEXT_COLUMNS_SQL} FROM papers WHERE rowid IN (SELECT value FROM json_each(?))`,
    );
    // Papers read from some list but not scored yet: their tokens and, per list word, f from the list.
    const pending = new Map<number, { d: number; f: Map<string, number> }>();
    const resolved = new Set<number>();
    const scored: ImpactHit[] = [];
    const positiveWords = positive.map((i) => (plan.phrases[i] ?? []).filter((w) => listed.has(w)));
    // The most a paper can score: per positive phrase, its idf times the lowest of its listed words' bounds
    // (a phrase occurs no more often than any of its words), a word's bound being its exact impact in the
    // paper when the paper was read from its list, else the list's current bound.
    const upperBound = (p: { d: number; f: Map<string, number> } | null) => {
      let ub = 0;
      for (const [j, i] of positive.entries()) {
        let bound = Number.POSITIVE_INFINITY;
        for (const w of positiveWords[j] as string[]) {
          const f = p?.f.get(w);
          bound = Math.min(bound, f !== undefined && p ? impact(f, p.d, avgdl) : (bounds.get(w) as number));
        }
        ub += (idfs[i] ?? 0) * bound;
      }
      return ub;
    };
    const bounds = new Map(cursors.map((c) => [c.word, c.bound]));
    let chunk = FIRST_CHUNK;
    for (;;) {
      for (const c of cursors) {
        if (c.done) continue;
        const entries = read.all(c.term.id, chunk, c.read) as { rowid: number; f: number; d: number }[];
        c.read += entries.length;
        for (const e of entries) {
          if (resolved.has(e.rowid)) continue;
          let p = pending.get(e.rowid);
          if (!p) {
            p = { d: e.d, f: new Map() };
            pending.set(e.rowid, p);
          }
          p.f.set(c.word, e.f);
        }
        if (entries.length < chunk || c.read >= c.term.size) {
          c.done = true;
          c.bound = c.term.theta * c.drift;
        } else c.bound = impactBound(entries.at(-1) as { f: number; d: number }, c.term.avgdl_ref) * c.drift;
        bounds.set(c.word, c.bound);
      }
      // Score exactly, from their text in FTS5's tokenization, the papers that could still reach the top k,
      // best bound first; a paper whose bound falls below the k-th score is out for good (bounds only fall).
      const kthScore = () =>
        scored.length === k ? (scored[k - 1] as ImpactHit).relevance : Number.NEGATIVE_INFINITY;
      const open: [number, number][] = [];
      for (const [rowid, p] of pending) {
        const ub = upperBound(p);
        if (ub >= kthScore()) open.push([rowid, ub]);
        else pending.delete(rowid);
      }
      open.sort((x, y) => y[1] - x[1]);
      for (let at = 0; at < open.length && (open[at] as [number, number])[1] >= kthScore(); ) {
        const batch: number[] = [];
        for (; at < open.length && batch.length < RESOLVE_BATCH; at++) {
          const [rowid, ub] = open[at] as [number, number];
          if (ub < kthScore()) break;
          batch.push(rowid);
        }
        if (resolved.size + batch.length > MAX_RESOLVED) return this.fallBack('too many candidates');
        for (const rowid of batch) {
          pending.delete(rowid);
          resolved.add(rowid);
        }
        for (const [rowid, cols] of this.tokenizer.tokens(textOf.all(JSON.stringify(batch)) as TextRow[])) {
          const freqs = phraseFrequencies(plan, cols);
          if (!matches(plan, freqs)) continue;
          scored.push({ rowid, relevance: bm25Score(idfs, freqs, tokenCount(cols), avgdl) });
        }
        scored.sort((a, b) => b.relevance - a.relevance || a.rowid - b.rowid);
        if (scored.length > k) scored.length = k;
      }
      const kth = scored.length === k ? (scored[k - 1] as ImpactHit).relevance : Number.NEGATIVE_INFINITY;
      // Strictly above: a paper not yet read that ties the k-th could belong before it in FTS5's order.
      if (kth > upperBound(null)) {
        this.lastOutcome = 'certified';
        this.lastResolved = resolved.size;
        return scored;
      }
      if (cursors.every((c) => c.done)) return this.fallBack('lists exhausted');
      chunk *= 2;
    }
  }

  private fallBack(why: string): null {
    this.lastOutcome = why;
    return null;
  }

  /** Rows matching a phrase of several words (for its idf), counted by FTS5 once per state of the index. */
  private phraseHitCount(phrase: readonly string[]): number {
    const at = this.generation();
    if (at !== this.phraseHitsAt) {
      this.phraseHits.clear();
      this.phraseHitsAt = at;
    }
    const key = phrase.join(' ');
    let hits = this.phraseHits.get(key);
    if (hits === undefined) {
      // Asked with the query's own words: FTS5 stems them as it stemmed the text.
      const match = phrase.map((t) => `"${t}"`).join(' + ');
      hits = (
        this.stmt('SELECT COUNT(*) AS n FROM papers_fts WHERE papers_fts MATCH ?').get(match) as { n: number }
      ).n;
      this.phraseHits.set(key, hits);
    }
    return hits;
  }
}
