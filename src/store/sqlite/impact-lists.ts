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

export const DEFAULT_IMPACT: ImpactOptions = { minDf: 10_000, listSize: 4_000 };

export interface ImpactHit {
  rowid: number;
  relevance: number;
}

/** A paper read from some lists: its tokens (D) and, per list word read, its f. */
interface Seen {
  d: number;
  f: Map<string, number>;
  /** List words the paper is not in the list of: its impact for them is at most the list's θ. */
  below: Set<string>;
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

export class ImpactLists {
  private readonly tokenizer: FtsTokenizer;
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
    const remove = this.stmt('DELETE FROM impact_postings WHERE term_id = ? AND paper_rowid = ?');
    for (const [rowid, cols] of this.tokenizer.tokens(before)) {
      for (const term of perTerm(cols).keys()) {
        const t = listed.get(term) as TermRow;
        dfDelta.set(t, (dfDelta.get(t) ?? 0) - 1);
        if (remove.run(t.id, rowid).changes > 0) t.size--;
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
    // Every positive phrase must be one listed word: a paper outside every list could match a rarer one
    // (FTS5 is cheap then), and a phrase of common words is bounded only loosely by its words' lists and
    // its idf needs FTS5 to count its matches (measured: such queries rarely certified, FTS5 answers them).
    if (positive.some((i) => (plan.phrases[i] ?? []).length > 1)) return this.fallBack('a phrase');
    const words = positive.map((i) => (plan.phrases[i] as string[])[0] as string);
    if (words.some((w) => !listed.has(w))) return this.fallBack('a rare term');
    // An excluded phrase never occurs in a match, so its idf never counts: 0 keeps FTS5's phrase order.
    const idfs = plan.phrases.map((_, i) => {
      const at = positive.indexOf(i);
      return at < 0 ? 0 : idf(n, (listed.get(words[at] as string) as TermRow).df);
    });
    const cursors = [...new Set(words)].map((w) => {
      const t = listed.get(w) as TermRow;
      // Under today's avgdl a paper outside the list has impact at most θ·max(1, avgdl/avgdl_ref).
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
    // Papers read from some list but not scored yet: D and, per list word, f from the list.
    const pending = new Map<number, Seen>();
    const resolved = new Set<number>();
    const scored: ImpactHit[] = [];
    const bounds = new Map<string, number>();
    // The most a paper can score: per positive word its exact impact when the paper was read from the
    // word's list, else the list's current bound. With nothing read (null), the bound of papers unseen.
    const upperBound = (p: Seen | null) => {
      let ub = 0;
      for (const [j, i] of positive.entries()) {
        const w = words[j] as string;
        const f = p?.f.get(w);
        const bound =
          f !== undefined && p
            ? impact(f, p.d, avgdl)
            : p?.below.has(w)
              ? (floors.get(w) as number)
              : (bounds.get(w) as number);
        ub += (idfs[i] ?? 0) * bound;
      }
      return ub;
    };
    // θ·drift per word: the most a paper outside the word's list can get from it.
    const floors = new Map(cursors.map((c) => [c.word, c.term.theta * c.drift]));
    const lookup = this.stmt('SELECT f FROM impact_postings WHERE term_id = ? AND paper_rowid = ?');
    const kth = () =>
      scored.length === k ? (scored[k - 1] as ImpactHit).relevance : Number.NEGATIVE_INFINITY;
    const score = (batch: number[]): boolean => {
      if (resolved.size + batch.length > MAX_RESOLVED) return false;
      for (const rowid of batch) {
        pending.delete(rowid);
        resolved.add(rowid);
      }
      // Scored exactly from their text, in FTS5's tokenization, and matched against the whole expression.
      for (const [rowid, cols] of this.tokenizer.tokens(textOf.all(JSON.stringify(batch)) as TextRow[])) {
        const freqs = phraseFrequencies(plan, cols);
        if (!matches(plan, freqs)) continue;
        scored.push({ rowid, relevance: bm25Score(idfs, freqs, tokenCount(cols), avgdl) });
      }
      scored.sort((a, b) => b.relevance - a.relevance || a.rowid - b.rowid);
      if (scored.length > k) scored.length = k;
      return true;
    };
    // Words alone, no exclusion: a paper read from every list is scored from the lists' f and D (the same
    // numbers its text gives) and matches, so its text is not read.
    const fromLists = plan.excluded.length === 0 && plan.terms.every((t) => t.length === 1);
    const scoreFromLists = (rowid: number, p: Seen) => {
      pending.delete(rowid);
      resolved.add(rowid);
      const freqs = plan.phrases.map((_, i) => p.f.get(words[positive.indexOf(i)] as string) ?? 0);
      scored.push({ rowid, relevance: bm25Score(idfs, freqs, p.d, avgdl) });
    };
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
            p = { d: e.d, f: new Map(), below: new Set() };
            pending.set(e.rowid, p);
          }
          p.f.set(c.word, e.f);
          p.below.delete(c.word);
        }
        const last = entries.at(-1);
        if (!last || entries.length < chunk || c.read >= c.term.size) {
          c.done = true;
          c.bound = c.term.theta * c.drift;
        } else c.bound = impact(last.f, last.d, c.term.avgdl_ref) * c.drift;
        bounds.set(c.word, c.bound);
      }
      // Random access: each paper read is looked up in the other words' lists, so its f there is known or
      // bounded by the list's θ.
      for (const [rowid, p] of pending)
        for (const c of cursors)
          if (!p.f.has(c.word) && !p.below.has(c.word)) {
            const hit = lookup.get(c.term.id, rowid) as { f: number } | undefined;
            if (hit) p.f.set(c.word, hit.f);
            else p.below.add(c.word);
          }
      const unseen = upperBound(null);
      const exhausted = cursors.every((c) => c.done);
      // Papers read from every list are scored now (they lead, and most match); papers read from some
      // lists only wait until the k-th score passes everything unseen, or the lists run out.
      const open: [number, number, boolean][] = [];
      for (const [rowid, p] of pending) {
        const ub = upperBound(p);
        if (ub < kth())
          pending.delete(rowid); // bounds only fall and the k-th only rises: out for good
        else open.push([rowid, ub, p.f.size === cursors.length]);
      }
      open.sort((x, y) => y[1] - x[1]);
      if (fromLists) {
        for (const [rowid, , complete] of open)
          if (complete) scoreFromLists(rowid, pending.get(rowid) as Seen);
        scored.sort((a, b) => b.relevance - a.relevance || a.rowid - b.rowid);
        if (scored.length > k) scored.length = k;
      }
      const now = open.filter(([rowid, , complete]) => (complete || exhausted) && !resolved.has(rowid));
      for (let at = 0; at < now.length; ) {
        const batch: number[] = [];
        for (; at < now.length && batch.length < RESOLVE_BATCH; at++) {
          const [rowid, ub] = now[at] as [number, number, boolean];
          if (ub >= kth()) batch.push(rowid);
        }
        if (batch.length > 0 && !score(batch)) return this.fallBack('too many candidates');
      }
      if (kth() > unseen) {
        // Every paper still waiting whose bound reaches the k-th score is scored, best bound first.
        const rest = [...pending].map(([rowid, p]) => [rowid, upperBound(p)] as [number, number]);
        rest.sort((x, y) => y[1] - x[1]);
        for (let at = 0; at < rest.length && (rest[at] as [number, number])[1] >= kth(); ) {
          const batch: number[] = [];
          for (; at < rest.length && batch.length < RESOLVE_BATCH; at++) {
            const [rowid, ub] = rest[at] as [number, number];
            if (ub >= kth()) batch.push(rowid);
          }
          if (batch.length > 0 && !score(batch)) return this.fallBack('too many candidates');
        }
        // Strictly above: a paper not yet read that ties the k-th could belong before it in FTS5's order.
        if (kth() > upperBound(null)) {
          this.lastOutcome = 'certified';
          this.lastResolved = resolved.size;
          return scored;
        }
      }
      if (exhausted) return this.fallBack('lists exhausted');
      chunk *= 2;
    }
  }

  private fallBack(why: string): null {
    this.lastOutcome = why;
    return null;
  }
}
