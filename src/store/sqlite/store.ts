import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { normalizeArxivId, normalizeTitle, type Paper, paperSchema } from '../../papers/paper.ts';
import type { SearchQuery } from '../../papers/search-query.ts';
import { type VocabularyWord, vocabularyWords } from '../../papers/spelling.ts';
import { containsAll } from '../../papers/text-match.ts';
import { abbreviationRows } from '../abbreviation-rows.ts';
import { BULK_COLUMNS, bulkRowToPaper, jsonBlob, newPaperRows, readJson } from '../bulk-batch.ts';
import { translateUnavailable } from '../errors.ts';

import {
  type AbbreviationCount,
  type BulkBatch,
  type ChannelRef,
  type ChannelSettings,
  type CoVote,
  checkTermCount,
  type DeliveryClaim,
  type MessageRef,
  type PaperActivity,
  type PaperStore,
  type PostRecord,
  type ReactionChange,
  type ReplyRecord,
  type RoundupLayout,
  type RoundupRecord,
  type RoundupState,
  type RoundupSummary,
  type SearchHit,
  type StoredPaper,
  type TopEntry,
  type UpsertOptions,
  type UpsertResult,
  type WatchStore,
} from '../port.ts';
import type { ReadingListStore } from '../reading-list-port.ts';

import {
  type ActRow,
  groupActivity,
  type PaperRow,
  PERSON_SHARES,
  paperToRow,
  privateChannelSql,
  type RoundupItemRow,
  type RoundupRow,
  removalsKeptFrom,
  rowToPaper,
  rowToSettings,
  type SettingsRow,
  toRoundupRecord,
  toRoundupSummary,
} from '../rows.ts';
import { planUpsert } from '../upsert-plan.ts';
import { AbbreviationCache } from './abbreviation-cache.ts';
import { toFtsMatch } from './fts-match.ts';
import type { TextRow } from './fts-tokens.ts';
import {
  DEFAULT_IMPACT,
  type ImpactHit,
  ImpactLists,
  type ImpactOptions,
  type ThreadVocabulary,
} from './impact-lists.ts';
import { IndexMerge } from './index-merge.ts';
import { LockWait } from './lock-wait.ts';
import { matchPlan, noPlanReason, nothingMatches } from './match-plan.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { SqliteReadingList } from './reading-list.ts';
import { isSqliteUnavailable } from './unavailable.ts';
import { SqliteWatches } from './watches.ts';

type Db = Database.Database;

/** Team votes: distinct people with a reaction on any post of the paper. */
const TEAM_VOTES = `(SELECT COUNT(DISTINCT r.user_ref) FROM posts p JOIN reactions r ON r.message = p.message
  WHERE p.paper_id = papers.id) AS team_votes`;
/** Replies under every post of one paper. */
const REPLIES_OF_PAPER = `SELECT COUNT(*) AS n FROM replies r JOIN posts p ON p.message = r.thread
  WHERE p.paper_id = ?`;
/** The team's discussion: replies in the threads under any post of the paper. */
const TEAM_REPLIES = `(SELECT COUNT(*) FROM replies r JOIN posts p ON p.message = r.thread
  WHERE p.paper_id = papers.id) AS team_replies`;
const PAPER_COLUMNS = `papers.*, ${TEAM_VOTES}, ${TEAM_REPLIES}`;
/** FTS5's `automerge` outside a bulk load: its default (sqlite.org/fts5.html, the automerge option). */
const FTS_AUTOMERGE = 4;
/** FTS5's `hashsize` (the terms it collects before writing a segment) outside a bulk load: its default, 1 MB. */
const FTS_HASHSIZE = 1024 * 1024;
/**
 * `hashsize` while a bulk load inserts: a file's INSERT (1,000 papers) writes one segment instead of about
 * four, so fewer segments pile up to be merged. Storing a million papers took 71.4 and 71.7 s against
 * 73.2-76.5 s with 1 MB; memory: at most 16 MB of pending terms, before the lists' build (the peak).
 */
const BULK_FTS_HASHSIZE = 16 * 1024 * 1024;

/**
 * bm25 column weights: title, abstract, authors, keywords, organization name, organization handle, arXiv
 * id. A title hit outweighs many abstract hits; the short fields count like keywords.
 */
const BM25 = 'bm25(papers_fts, 10.0, 1.0, 2.0, 3.0, 3.0, 3.0, 10.0)';

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing, in ms. */
  busyTimeoutMs?: number;
  /**
   * The clock for everything the store stamps, leases and roundup claims included. A host clock is safe
   * for those here: the file lives on one host, so every process comparing the times reads the same clock.
   */
  now?: () => Date;
  /** Which terms get impact lists and how long they are (impact-lists.ts); tests force them small. */
  impact?: Partial<ImpactOptions>;
}

/**
 * The embedded archive: one SQLite file (WAL, so readers never block the writer), migrated on open.
 * better-sqlite3 is synchronous; the async port lets PostgreSQL implement the same interface. A write
 * that waits out the busy timeout behind another writer rejects with StoreUnavailableError.
 */
export class SqliteStore implements PaperStore {
  private readonly db: Db;
  private readonly now: () => Date;
  /** Watches and their delivery ledger (watches.ts), behind the methods below. */
  private readonly watches: SqliteWatches;
  /** Channels' reading lists (reading-list.ts), behind the methods below. */
  private readonly readingList: SqliteReadingList;
  /** Abbreviation counts read since the archive last changed (abbreviation-cache.ts). */
  private readonly abbreviationCache: AbbreviationCache;
  /** Exact top-k for common-word queries without FTS5 scoring every match (impact-lists.ts). */
  private readonly impact: ImpactLists;
  /** A batch of this bulk load held a paper without an arXiv id: the title index stays (deferTitleIndex). */
  private titleIndexNeeded = false;

  private constructor(db: Db, now: () => Date, impact: ImpactOptions) {
    this.db = db;
    this.now = now;
    this.abbreviationCache = new AbbreviationCache(
      () => (this.stmt('PRAGMA data_version').get() as { data_version: number }).data_version,
      (shorts, longKeys, minPapers) =>
        this.stmt(
          `SELECT short, long_key AS longKey, long, papers FROM abbreviation_counts
           WHERE (short IN (SELECT value FROM json_each(?)) OR long_key IN (SELECT value FROM json_each(?)))
             AND papers >= ? ORDER BY short, long_key`,
        ).all(JSON.stringify(shorts), JSON.stringify(longKeys), minPapers) as AbbreviationCount[],
    );
    this.impact = new ImpactLists(db, (sql) => this.stmt(sql), impact);
    this.watches = new SqliteWatches({ db, now, stmt: (sql) => this.stmt(sql), paperColumns: PAPER_COLUMNS });
    this.readingList = new SqliteReadingList({
      db,
      stmt: (sql) => this.stmt(sql),
      paperColumns: PAPER_COLUMNS,
    });
  }

  /** Opens (creating the file and its folder if needed) and migrates. `:memory:` works for tests. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    const lockWait = new LockWait(db, options.busyTimeoutMs ?? 5000);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // 32 MB of page cache (default 2 MB): FTS5 segment merges during bulk ingest are the hot path.
    db.pragma('cache_size = -32768');
    db.pragma('foreign_keys = ON');
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    const store = new SqliteStore(db, options.now ?? (() => new Date()), {
      ...DEFAULT_IMPACT,
      ...options.impact,
    });
    store.lockWait = lockWait;
    return translateUnavailable(store, 'sqlite', isSqliteUnavailable, lockWait);
  }

  async upsertPapers(papers: readonly Paper[], options: UpsertOptions = {}): Promise<UpsertResult> {
    // Validate the whole batch before writing any of it: a bad paper must not leave half a batch behind.
    const valid = papers.map((p) => paperSchema.parse(p));
    const now = this.now().toISOString();
    const run = this.db.transaction((): UpsertResult => {
      this.impact.beforeWrite();
      // The stored papers the plan could match (upsert-plan.ts): by id, or by title where one of the two has
      // no arXiv id, as bulkUpsert's probe. Not every arXiv paper of a title an arXiv paper arrives with:
      // an arXiv paper never takes over another, and a common title would bring thousands of rows to read.
      const titles = valid.map((p) => normalizeTitle(p.title));
      const titlesWithoutArxiv = titles.filter((_, i) => valid[i]?.arxivId === null);
      // Indexed lookups: with OR, SQLite scans the whole table for every batch. The papers without an arXiv
      // id have a title index of their own (named: without statistics the planner takes "arxiv_id IS NULL"
      // on the unique arXiv index as selective, and would read every paper without an arXiv id). Every
      // title is looked up only for papers without one, in the index a bulk load may have deferred.
      if (titlesWithoutArxiv.length > 0) this.ensureTitleIndex();
      const known = this.stmt(
        `SELECT rowid, * FROM papers WHERE id IN (SELECT value FROM json_each(?))
         UNION SELECT rowid, * FROM papers INDEXED BY papers_arxivless_title
           WHERE title_key IN (SELECT value FROM json_each(?)) AND arxiv_id IS NULL${
             titlesWithoutArxiv.length > 0
               ? ' UNION SELECT rowid, * FROM papers WHERE title_key IN (SELECT value FROM json_each(?))'
               : ''
           }`,
      ).all(
        JSON.stringify(valid.map((p) => p.id)),
        JSON.stringify(titles),
        ...(titlesWithoutArxiv.length > 0 ? [JSON.stringify(titlesWithoutArxiv)] : []),
      ) as (PaperRow & {
        rowid: number;
      })[];
      const plan = planUpsert(
        known.map((r) => ({ key: r.rowid, paper: rowToPaper(r) })),
        valid,
        options.listedOn,
      );
      const written: number[] = [];
      // The new papers in one statement (insertPaperRows), their abbreviations and words with them.
      let firstNew = Number.POSITIVE_INFINITY;
      if (plan.inserts.length > 0) {
        firstNew = this.insertPaperRows(newPaperRows(plan.inserts), now);
        for (let i = 0; i < plan.inserts.length; i++) written.push(firstNew + i);
      }
      for (const u of plan.updates) {
        if (u.textChanged) written.push(u.key);
        // Text columns are assigned only when they changed, so the FTS update trigger fires only then.
        const textSet = u.textChanged
          ? `title = @title, abstract = @abstract, authors = @authors, keywords = @keywords, org_id = @org_id,
             org_name = @org_name, arxiv_id = @arxiv_id,`
          : '';
        this.stmt(
          `UPDATE papers SET id = @id, title_key = @title_key, ${textSet}
            author_count = @author_count, published_at = @published_at,
            feed_date = @feed_date, upvotes = @upvotes, comments = @comments, extras = @extras, updated_at = @now
           WHERE rowid = @rowid`,
        ).run({ ...paperToRow(u.paper), now, rowid: u.key });
      }
      // Abbreviations are re-learned from every paper whose text changed (new papers' came with them).
      const learned = plan.updates.filter((u) => u.textChanged).map((u) => u.paper);
      const paperRowid = '(SELECT rowid FROM papers WHERE id = ?)';
      const forget = this.stmt(`DELETE FROM abbreviations WHERE paper_rowid = ${paperRowid}`);
      for (const p of learned) forget.run(p.id);
      const learn = this.stmt(
        `INSERT OR IGNORE INTO abbreviations (paper_rowid, short, long_key, long) VALUES (${paperRowid}, ?, ?, ?)`,
      );
      for (const a of abbreviationRows(learned)) learn.run(a.paper_id, a.short, a.long_key, a.long);
      // The spelling vocabulary counts a paper's words once, when it arrives (new papers' were counted as
      // they went in); changed text adds new words.
      const add = this.stmt('INSERT INTO words (word, papers) VALUES (?, 1) ON CONFLICT(word) DO NOTHING');
      for (const u of plan.updates) if (u.textChanged) for (const w of vocabularyWords(u.paper)) add.run(w);
      for (const r of plan.renames) {
        // A title-keyed paper learned its arXiv id: everything that pointed at the old id follows.
        this.stmt('UPDATE posts SET paper_id = ? WHERE paper_id = ?').run(r.to, r.from);
        this.stmt('UPDATE roundup_items SET paper_id = ? WHERE paper_id = ?').run(r.to, r.from);
        this.stmt('UPDATE OR IGNORE watch_matches SET paper_id = ? WHERE paper_id = ?').run(r.to, r.from);
        // A pin on both ids keeps its earliest time.
        this.stmt(
          `INSERT INTO reading_list (channel, paper_id, user_ref, via, at)
           SELECT channel, ?, user_ref, via, at FROM reading_list WHERE paper_id = ? AND true
           ON CONFLICT (channel, paper_id, user_ref, via) DO UPDATE SET at = MIN(at, excluded.at)`,
        ).run(r.to, r.from);
        this.stmt('DELETE FROM reading_list WHERE paper_id = ?').run(r.from);
      }
      // The impact lists follow the index in the same transaction: old text out, new text in.
      const changed = new Set(plan.updates.filter((u) => u.textChanged).map((u) => u.key));
      this.impact.afterWrite(
        known.filter((r) => changed.has(r.rowid)) as unknown as TextRow[],
        written,
        firstNew,
      );
      return { inserted: plan.inserted, updated: plan.updated, unchanged: plan.unchanged };
    });
    try {
      const result = run.immediate();
      this.impact.committed();
      return result;
    } finally {
      // This connection's own commits leave data_version as it was: the cache is told here instead.
      this.abbreviationCache.invalidate();
    }
  }

  /**
   * The bulk load (BulkLoadStore): one transaction for a run of batches, in which the papers that are new
   * (no stored paper shares their id, arXiv id or normalised title, and none of their batch merges with
   * them) go in with one multi-row INSERT a batch, read by SQLite from the batch's JSON. The full-text insert
   * trigger stays and indexes them in the same statement: every commit is searchable, as with upserts. One
   * statement a batch is also what makes it fast: FTS5 writes out what it has collected at every statement
   * boundary that opens a savepoint, which an INSERT firing a trigger does, so a paper a statement meant a
   * one-paper index segment and merges without end. A batch holding papers the archive knows commits what
   * came before, then upserts those papers the ordinary way (their own transaction), then goes on, so the
   * archive ends as the same papers upserted in order would leave it.
   */
  async bulkUpsert(batches: readonly BulkBatch[]): Promise<UpsertResult> {
    const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
    const now = this.now().toISOString();
    let next = 0;
    while (next < batches.length) {
      let known: { papers: Paper[]; listedOn: string | null } | null = null;
      try {
        this.db
          .transaction(() => {
            for (; next < batches.length && known === null; next++) {
              const batch = batches[next] as BulkBatch;
              const fresh = this.insertNewPapers(batch, now);
              result.inserted += fresh.inserted;
              if (fresh.rest.length > 0) known = { papers: fresh.rest, listedOn: batch.listedOn };
            }
          })
          .immediate();
      } finally {
        // The new papers' abbreviations are counted: as after an upsert, this connection's cache is told.
        this.abbreviationCache.invalidate();
      }
      if (known === null) continue;
      const { papers, listedOn } = known as { papers: Paper[]; listedOn: string | null };
      const r = await this.upsertPapers(papers, listedOn === null ? {} : { listedOn });
      result.inserted += r.inserted;
      result.updated += r.updated;
      result.unchanged += r.unchanged;
    }
    return result;
  }

  /**
   * Inserts the batch's new papers (in a transaction the caller holds) and returns the others, in order,
   * for the upsert.
   */
  private insertNewPapers(batch: BulkBatch, now: string): { inserted: number; rest: Paper[] } {
    // Known: a stored paper with the paper's id as id or arXiv id (a completed paper's id is its arXiv id
    // when it has one), or with its title key where one of the two has no arXiv id: the papers the upsert
    // could match (upsert-plan.ts). Those leave the fast path; the upsert decides what they become. Every
    // title is looked up only for a paper without an arXiv id; a batch holding one needs that index.
    if (batch.withoutArxivId > 0) {
      this.ensureTitleIndex();
      this.titleIndexNeeded = true;
    }
    const storedMatch = this.stmt(
      `SELECT j.key AS i FROM jsonb_each(CAST(? AS TEXT)) AS j
       WHERE EXISTS (SELECT 1 FROM papers WHERE id = j.value ->> 0)
          OR EXISTS (SELECT 1 FROM papers WHERE arxiv_id = j.value ->> 0)
          OR EXISTS (SELECT 1 FROM papers INDEXED BY papers_arxivless_title
                       WHERE title_key = j.value ->> 2 AND arxiv_id IS NULL)
          OR (j.value ->> 1 IS NULL AND EXISTS (SELECT 1 FROM papers WHERE title_key = j.value ->> 2))`,
    )
      .pluck()
      .all(jsonBlob(batch.rows)) as number[];
    const aside = new Set([...batch.merging, ...storedMatch]);
    let [rows, abbreviations, words] = [batch.rows, batch.abbreviations, batch.words].map(jsonBlob) as [
      Buffer,
      Buffer,
      Buffer,
    ];
    const rest: Paper[] = [];
    if (aside.size > 0) {
      // The rare mixed batch: the new papers' rows, abbreviations and words without the others'.
      const all = readJson<unknown[][]>(rows);
      const position = new Map<number, number>();
      const kept: unknown[][] = [];
      const counts = new Map(readJson<[string, number][]>(words));
      all.forEach((row, i) => {
        if (!aside.has(i)) {
          position.set(i, kept.length);
          kept.push(row);
          return;
        }
        const paper = bulkRowToPaper(row);
        rest.push(paper);
        for (const w of vocabularyWords(paper)) counts.set(w, (counts.get(w) ?? 0) - 1);
      });
      rows = Buffer.from(JSON.stringify(kept));
      abbreviations = Buffer.from(
        JSON.stringify(
          readJson<[number, string, string, string][]>(abbreviations).flatMap(([i, ...a]) =>
            position.has(i) ? [[position.get(i), ...a]] : [],
          ),
        ),
      );
      words = Buffer.from(JSON.stringify([...counts].filter(([, n]) => n > 0)));
    }
    const inserted = batch.count - rest.length;
    if (inserted > 0) {
      this.deferIndexMerges();
      if (!this.titleIndexNeeded) this.deferTitleIndex();
      this.insertPaperRows({ count: inserted, rows, abbreviations, words }, now);
    }
    return { inserted, rest };
  }

  /**
   * Inserts new papers (none the archive holds) with one multi-row INSERT, in a transaction the caller
   * holds, with their abbreviations and vocabulary counts, and returns the first one's rowid: they get the
   * rowids SQLite would give them one by one (the next after the largest), in order, so their abbreviations
   * are keyed without looking each paper up again. One statement, not one a paper: FTS5 writes out what
   * it has collected at every statement that opens a savepoint, as an INSERT firing the index's trigger
   * does, so a paper a statement meant an index segment a paper and merges without end.
   */
  private insertPaperRows(
    papers: { count: number; rows: Uint8Array; abbreviations: Uint8Array; words: Uint8Array },
    now: string,
  ): number {
    const base = (this.stmt('SELECT COALESCE(MAX(rowid), 0) FROM papers').pluck().get() as number) + 1;
    // jsonb_each, here and in the probe: the JSON is parsed once into SQLite's binary form, so reading a
    // row's fifteen columns walks it rather than parsing the row's text fifteen times (half the cost).
    this.stmt(
      `INSERT INTO papers (rowid, ${BULK_COLUMNS.join(', ')}, first_seen_at, updated_at)
       SELECT @base + j.key, ${BULK_COLUMNS.map((_, i) => `j.value ->> ${i}`).join(', ')}, @now, @now
       FROM jsonb_each(CAST(@rows AS TEXT)) AS j`,
    ).run({ base, now, rows: jsonBlob(papers.rows) });
    this.learnFromNewPapers(
      base,
      base + papers.count - 1,
      jsonBlob(papers.abbreviations),
      jsonBlob(papers.words),
    );
    return base;
  }

  /**
   * What a bulk load derives from its new papers (rowids `first` to `last`) beside the full-text index,
   * which the insert trigger keeps: the abbreviations they define and the spelling vocabulary's counts.
   * The one place a bulk load refreshes derived indexes, in the transaction that inserted the papers:
   * another index kept from paper text belongs here too.
   */
  private learnFromNewPapers(first: number, last: number, abbreviations: Buffer, words: Buffer): void {
    // As the upsert forgets a new paper's rowid's abbreviations before learning its own.
    this.stmt('DELETE FROM abbreviations WHERE paper_rowid BETWEEN ? AND ?').run(first, last);
    this.stmt(
      `INSERT OR IGNORE INTO abbreviations (paper_rowid, short, long_key, long)
       SELECT ? + (value ->> 0), value ->> 1, value ->> 2, value ->> 3 FROM jsonb_each(CAST(? AS TEXT))`,
    ).run(first, abbreviations);
    this.stmt(
      `INSERT INTO words (word, papers) SELECT value ->> 0, value ->> 1 FROM json_each(CAST(? AS TEXT)) WHERE true
       ON CONFLICT(word) DO UPDATE SET papers = papers + excluded.papers`,
    ).run(words);
  }

  /**
   * While a bulk load inserts, FTS5 merges its index only when sixteen segments of a size have piled up
   * (its `crisismerge`), not by its own `automerge` of four: the load's segments (one a file) are merged
   * into one at its end anyway (finishBulkLoad), so merging them four at a time on the way rewrote each
   * posting at every level. Storing and merging a million papers, alternated: 175 s against 183-197 s
   * before (bench/RUNS.md, "Run 54"). Crisis merges still bound the segments a search reads while the load
   * runs. Set in the load's transaction, so it holds only once papers went in that way (not by the upsert,
   * which inserts a call's new papers the same way); the finish, or `paperboy reindex` after a killed load,
   * sets it back. So with `hashsize` (BULK_FTS_HASHSIZE).
   */
  private deferIndexMerges(): void {
    const automerge = this.stmt("SELECT v FROM papers_fts_config WHERE k = 'automerge'").pluck().get();
    if (automerge === 0) return;
    this.stmt("INSERT INTO papers_fts(papers_fts, rank) VALUES ('automerge', 0)").run();
    this.stmt(`INSERT INTO papers_fts(papers_fts, rank) VALUES ('hashsize', ${BULK_FTS_HASHSIZE})`).run();
  }

  /**
   * While a bulk load inserts papers that all have an arXiv id, the index of every title (papers_title_key) is
   * dropped, and the load's end builds it again (finishBulkLoad): from sorted keys, seconds at a million
   * papers, where keeping it as papers went in wrote about one of its pages for each paper, as its keys arrive
   * in random order (a third of storing 300,000 papers; bench/RUNS.md, "Run 55"). Only a paper without an
   * arXiv id needs it, to find a stored paper of its title; the index of those papers' own titles is kept.
   * Whatever needs it first (a batch holding such a paper, an upsert of one in any process, the finish) builds
   * it in the transaction that reads it, and it stays for the rest of this load. A load killed before
   * its end leaves it out until one of those builds it; no answer depends on it being there, only speed.
   */
  private deferTitleIndex(): void {
    this.db.exec('DROP INDEX IF EXISTS papers_title_key');
  }

  /** The index of every title, built if a bulk load deferred it (deferTitleIndex). */
  private ensureTitleIndex(): void {
    this.db.exec('CREATE INDEX IF NOT EXISTS papers_title_key ON papers(title_key)');
  }

  async finishBulkLoad(): Promise<void> {
    // A bulk load leaves the full-text index as many segments, mid-merge (deferIndexMerges); the daily
    // ingest that follows (a segment a paper) would pay for merging them, a third slower than on an archive
    // built by upserts. Merged into one segment, with FTS5's own merging back, new papers merge among
    // themselves again. The merge goes a step at a time (index-merge.ts): while the lists' pairs are found on
    // a thread of their own, then where the lists' build waits for its counting thread; what is left, at the
    // end. It once ran whole first, with the other core idle but for the pairs' thread.
    const pairSample = this.impact.startPairSample();
    const merge = new IndexMerge((sql) => this.stmt(sql));
    let pairs: string[] | undefined;
    let vocabulary: ThreadVocabulary | undefined;
    try {
      this.db
        .transaction(() => {
          this.ensureTitleIndex();
          this.titleIndexNeeded = false;
          this.stmt(`INSERT INTO papers_fts(papers_fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`).run();
          this.stmt(`INSERT INTO papers_fts(papers_fts, rank) VALUES ('hashsize', ${FTS_HASHSIZE})`).run();
        })
        .immediate();
      if (pairSample) {
        let found = false;
        const sampled = pairSample.pairs().finally(() => {
          found = true;
        });
        // A step a transaction, the event loop between (the thread's answer comes through it).
        while (!found && this.db.transaction(() => merge.step()).immediate()) await setImmediate();
        pairs = (await sampled) ?? undefined;
        if (pairSample.words && pairSample.version !== undefined)
          vocabulary = { words: pairSample.words, version: pairSample.version };
      }
    } catch (e) {
      await pairSample?.cancel();
      throw e;
    }
    // New papers went in beside the impact lists, not through them (bulkUpsert), so search has been using
    // FTS5 alone since the first batch; rebuilt from the whole index, the lists answer common words again.
    this.rebuildLists(pairs, () => merge.step(), vocabulary);
    this.db
      .transaction(() => this.stmt("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')").run())
      .immediate();
  }

  async databaseBytes(): Promise<number> {
    // The pages the database holds: what the file measures once its write-ahead log is checkpointed.
    const pages = this.stmt('PRAGMA page_count').pluck().get() as number;
    return pages * (this.stmt('PRAGMA page_size').pluck().get() as number);
  }

  async getPaper(id: string): Promise<StoredPaper | null> {
    const key = normalizeArxivId(id) ?? id;
    const row = this.stmt(`SELECT ${PAPER_COLUMNS} FROM papers WHERE id = ? OR arxiv_id = ?`).get(key, key);
    return row ? rowToPaper(row as PaperRow) : null;
  }

  /**
   * Builds the impact lists from the index (every term in more papers than the minimum), replacing any.
   * For a bulk load that wrote papers by another path: until this runs, search ranks with FTS5 alone.
   */
  async refreshSearchLists(): Promise<{ terms: number; entries: number; columnPostings: number }> {
    return this.rebuildLists();
  }

  /**
   * The lists rebuilt in a write transaction of their own; `pairs`: found beforehand (startPairSample);
   * `idle`: other work for the build's waits (ImpactLists.rebuild).
   */
  private rebuildLists(
    pairs?: readonly string[],
    idle?: () => boolean,
    vocabulary?: ThreadVocabulary,
  ): {
    terms: number;
    entries: number;
    columnPostings: number;
  } {
    return this.db.transaction(() => this.impact.rebuild(pairs, idle, vocabulary)).immediate();
  }

  /** Where the last lists' build read its vocabulary: 'a thread' (a bulk load's finish) or 'the build'; for tests. */
  get lastVocabularyFrom(): string {
    return this.impact.lastVocabularyFrom;
  }

  /** Where the last lists' build found its pairs: 'a thread' (a bulk load's finish) or 'the build'; for tests. */
  get lastPairsFrom(): string {
    return this.impact.lastPairsFrom;
  }

  /** How the last search ranked: 'certified' (impact lists) or why it used FTS5; for the benchmark. */
  get lastSearchPath(): string {
    return this.impact.lastOutcome;
  }

  /**
   * The exact ranking: the top `limit` by bm25 with its relevance. Impact lists answer when they can prove
   * their answer is this one (common words: FTS5 would score every match); FTS5 answers otherwise.
   */
  rank(query: SearchQuery, limit: number): ImpactHit[] {
    const plan = matchPlan(query);
    if (plan) {
      if (nothingMatches(plan)) {
        this.impact.lastOutcome = 'nothing can match';
        return [];
      }
      const hits = this.db.transaction(() => this.impact.topK(plan, limit))();
      if (hits) return hits;
    } else this.impact.lastOutcome = noPlanReason(query);
    return this.exactRank(query, limit);
  }

  /** FTS5's own ranking, every match scored. */
  exactRank(query: SearchQuery, limit: number): ImpactHit[] {
    return this.stmt(
      `SELECT rowid, -${BM25} AS relevance FROM papers_fts WHERE papers_fts MATCH ? ORDER BY ${BM25} LIMIT ?`,
    ).all(toFtsMatch(query), limit) as ImpactHit[];
  }

  async search(query: SearchQuery, limit: number): Promise<SearchHit[]> {
    // Rank on the index alone first: paper rows and vote counts are read only for the top `limit`,
    // never for every match of a common term.
    const ranked = this.rank(query, limit);
    if (ranked.length === 0) return [];
    const ids = JSON.stringify(ranked.map((r) => r.rowid));
    const rows = this.stmt(
      `SELECT papers.rowid AS rid, ${PAPER_COLUMNS} FROM papers WHERE rowid IN (SELECT value FROM json_each(?))`,
    ).all(ids) as (PaperRow & { rid: number })[];
    const byRowid = new Map(rows.map((r) => [r.rid, r]));
    // Title matches are decided in JS on the candidates' titles with the index's own stemming: a
    // column-filtered MATCH would walk every posting of each word again, which costs most for common words.
    // (Nor `MATCH ? AND rowid = ?` per row: FTS5 answers that lookup without applying the MATCH.)
    return ranked.flatMap((r) => {
      const row = byRowid.get(r.rowid);
      return row
        ? [
            {
              paper: rowToPaper(row),
              relevance: r.relevance,
              titleMatch: containsAll(row.title, query.must, query.alternatives),
            },
          ]
        : [];
    });
  }

  async hasMatch(query: SearchQuery): Promise<boolean> {
    // The first match FTS5 finds, unranked: search()'s own candidates come from the same MATCH.
    const row = this.stmt('SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT 1').get(toFtsMatch(query));
    return row !== undefined;
  }

  async documentFrequencies(terms: readonly string[]): Promise<Map<string, number>> {
    checkTermCount(terms);
    const count = this.stmt('SELECT COUNT(*) AS n FROM papers_fts WHERE papers_fts MATCH ?');
    const out = new Map<string, number>();
    for (const term of new Set(terms)) {
      // Quoted as search quotes a typed word, so the term is a word to FTS5 whatever it holds.
      const match = toFtsMatch({ must: [[term]], exclude: [], mode: 'all', notice: null });
      out.set(term, /[\p{L}\p{N}]/u.test(term) ? (count.get(match) as { n: number }).n : 0);
    }
    return out;
  }

  async coVoted(paperId: string, limit: number): Promise<CoVote[]> {
    const rows = this.stmt(
      `WITH votes AS (SELECT DISTINCT p.paper_id, r.user_ref FROM reactions r
         JOIN posts p ON p.message = r.message WHERE p.paper_id IS NOT NULL)
       SELECT o.paper_id, COUNT(*) AS n FROM votes t
       JOIN votes o ON o.user_ref = t.user_ref AND o.paper_id <> t.paper_id
       WHERE t.paper_id = (SELECT id FROM papers WHERE id = @key OR arxiv_id = @key)
       GROUP BY o.paper_id ORDER BY n DESC, o.paper_id LIMIT @limit`,
    ).all({ key: normalizeArxivId(paperId) ?? paperId, limit }) as { paper_id: string; n: number }[];
    const out: CoVote[] = [];
    for (const row of rows) {
      const paper = await this.getPaper(row.paper_id);
      if (paper) out.push({ paper, sharedVoters: row.n });
    }
    return out;
  }

  async abbreviations(
    shorts: readonly string[],
    longKeys: readonly string[],
    minPapers: number,
  ): Promise<AbbreviationCount[]> {
    if (shorts.length === 0 && longKeys.length === 0) return [];
    return this.abbreviationCache.lookup(shorts, longKeys, minPapers);
  }

  async vocabulary(first: string, minLength: number, maxLength: number): Promise<VocabularyWord[]> {
    // The words starting with `first` lie between it and the next character in the primary key's byte
    // order (UTF-8 keeps code point order): a range read of the index instead of a scan of every word.
    const code = first.codePointAt(0) ?? 0;
    const next = String.fromCodePoint(Math.min(code + 1, 0x10ffff));
    return this.stmt(
      `SELECT word, papers FROM words WHERE word >= @first AND word < @next AND substr(word, 1, 1) = @first
         AND length(word) BETWEEN @minLength AND @maxLength`,
    ).all({ first, next, minLength, maxLength }) as VocabularyWord[];
  }

  async papersOnFeedDate(date: string): Promise<StoredPaper[]> {
    const rows = this.stmt(`SELECT ${PAPER_COLUMNS} FROM papers WHERE feed_date = ? ORDER BY rowid`).all(
      date,
    );
    return (rows as PaperRow[]).map(rowToPaper);
  }

  async latestFeedDate(onOrBefore: string): Promise<string | null> {
    const row = this.stmt('SELECT MAX(feed_date) AS d FROM papers WHERE feed_date <= ?').get(onOrBefore) as {
      d: string | null;
    };
    return row.d;
  }

  async countPapers(): Promise<number> {
    return (this.stmt('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n;
  }

  async hasPapers(): Promise<boolean> {
    return this.stmt('SELECT 1 FROM papers LIMIT 1').get() !== undefined;
  }

  async recordPost(post: PostRecord): Promise<void> {
    this.stmt(
      `INSERT INTO posts (message, channel, paper_id, kind, posted_by, posted_at)
       VALUES (@message, @channel, @paperId, @kind, @postedBy, @postedAt) ON CONFLICT(message) DO NOTHING`,
    ).run(post);
  }

  async getPost(message: MessageRef): Promise<PostRecord | null> {
    const row = this.stmt(
      `SELECT message, channel, paper_id AS paperId, kind, posted_by AS postedBy, posted_at AS postedAt
       FROM posts WHERE message = ?`,
    ).get(message);
    return (row as PostRecord | undefined) ?? null;
  }

  async papersPostedIn(channel: ChannelRef): Promise<Set<string>> {
    const rows = this.stmt(
      'SELECT DISTINCT paper_id FROM posts WHERE channel = ? AND paper_id IS NOT NULL',
    ).all(channel) as { paper_id: string }[];
    return new Set(rows.map((r) => r.paper_id));
  }

  async addReaction(change: ReactionChange): Promise<number | null> {
    return this.changeReaction(change, true);
  }

  async removeReaction(change: ReactionChange): Promise<number | null> {
    return this.changeReaction(change, false);
  }

  async clearReactions(messages: readonly MessageRef[], emoji: string | null, at?: string): Promise<number> {
    // ISO 8601 in UTC: text order is time order. No `at`: every reaction, whenever added.
    return this.stmt(
      `DELETE FROM reactions WHERE message IN (SELECT value FROM json_each(@messages))
         AND (@emoji IS NULL OR emoji = @emoji) AND (@at IS NULL OR COALESCE(last_at, at) <= @at)`,
    ).run({ messages: JSON.stringify(messages), emoji, at: at ?? null }).changes;
  }

  private changeReaction(c: ReactionChange, add: boolean): number | null {
    const run = this.db.transaction((): number | null => {
      const post = this.stmt('SELECT paper_id FROM posts WHERE message = ?').get(c.message) as
        | { paper_id: string | null }
        | undefined;
      if (!post?.paper_id) return null;
      // Times are ISO 8601 in UTC, so text order is time order. An add older than a removal of the same
      // reaction is a delivery Slack sent again after it was taken back: no vote (migration 21).
      if (add) {
        this.stmt(
          `INSERT INTO reactions (message, user_ref, emoji, at, last_at) SELECT @message, @user, @emoji, @at, @at
           WHERE NOT EXISTS (SELECT 1 FROM reaction_removals
                             WHERE message = @message AND user_ref = @user AND emoji = @emoji AND at > @at)
           ON CONFLICT (message, user_ref, emoji) DO UPDATE
             SET last_at = MAX(COALESCE(last_at, at), excluded.last_at)`,
        ).run({ message: c.message, user: c.user, emoji: c.emoji, at: c.at });
      } else {
        // And a removal older than the reaction's latest add is one sent again after it was added back.
        this.stmt(
          `DELETE FROM reactions WHERE message = ? AND user_ref = ? AND emoji = ?
             AND COALESCE(last_at, at) <= ?`,
        ).run(c.message, c.user, c.emoji, c.at);
        this.stmt(
          `INSERT INTO reaction_removals (message, user_ref, emoji, at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET at = MAX(at, excluded.at)`,
        ).run(c.message, c.user, c.emoji, c.at);
        this.stmt('DELETE FROM reaction_removals WHERE at < ?').run(removalsKeptFrom(c.at));
      }
      const n = this.stmt(
        `SELECT COUNT(DISTINCT r.user_ref) AS n FROM posts p JOIN reactions r ON r.message = p.message
         WHERE p.paper_id = ?`,
      ).get(post.paper_id) as { n: number };
      return n.n;
    });
    return run.immediate();
  }

  async recordReply(reply: ReplyRecord): Promise<number | null> {
    const run = this.db.transaction((): number | null => {
      const post = this.stmt('SELECT paper_id FROM posts WHERE message = ?').get(reply.thread) as
        | { paper_id: string | null }
        | undefined;
      if (!post?.paper_id) return null;
      this.stmt(
        `INSERT INTO replies (message, thread, user_ref, at) SELECT @message, @thread, @user, @at
         WHERE NOT EXISTS (SELECT 1 FROM reply_removals WHERE message IN (@message, @thread))
         ON CONFLICT DO NOTHING`,
      ).run({ message: reply.message, thread: reply.thread, user: reply.user, at: reply.at });
      return (this.stmt(REPLIES_OF_PAPER).get(post.paper_id) as { n: number }).n;
    });
    return run.immediate();
  }

  async removeReply(message: MessageRef, at: string): Promise<void> {
    this.forgetReplies('message', message, at);
  }

  async removeThread(thread: MessageRef, at: string): Promise<void> {
    this.forgetReplies('thread', thread, at);
  }

  /**
   * Deletes the replies whose `by` is `ref` (one reply, or a thread's every reply) and remembers `ref` as
   * removed for a day: recordReply refuses a reply that is, or whose thread is, among the removed.
   */
  private forgetReplies(by: 'message' | 'thread', ref: MessageRef, at: string): void {
    this.db
      .transaction(() => {
        this.stmt(`DELETE FROM replies WHERE ${by} = ?`).run(ref);
        this.stmt(
          `INSERT INTO reply_removals (message, at) VALUES (?, ?)
         ON CONFLICT (message) DO UPDATE SET at = MAX(reply_removals.at, excluded.at)`,
        ).run(ref, at);
        this.stmt('DELETE FROM reply_removals WHERE at < ?').run(removalsKeptFrom(at));
      })
      .immediate();
  }

  async replyCounts(paperIds: readonly string[]): Promise<Map<string, number>> {
    const rows = this.stmt(
      `SELECT p.paper_id AS id, COUNT(*) AS n FROM replies r JOIN posts p ON p.message = r.thread
       WHERE p.paper_id IN (SELECT value FROM json_each(?)) GROUP BY p.paper_id`,
    ).all(JSON.stringify(paperIds)) as { id: string; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  async activityOf(paperIds: readonly string[]): Promise<Map<string, PaperActivity>> {
    const ids = JSON.stringify(paperIds);
    const inPapers = 'p.paper_id IN (SELECT value FROM json_each(?))';
    const shares = this.stmt(
      `SELECT p.paper_id AS id, p.posted_by AS user, p.channel, p.posted_at AS at,
         ${privateChannelSql('p.channel')} AS dm FROM posts p
       WHERE ${inPapers} AND p.posted_by IS NOT NULL AND p.kind IN (${PERSON_SHARES})
       ORDER BY p.posted_at, p.message`,
    ).all(ids) as ActRow[];
    const votes = this.stmt(
      `SELECT p.paper_id AS id, r.user_ref AS user, p.channel, MIN(r.at) AS at FROM reactions r
       JOIN posts p ON p.message = r.message WHERE ${inPapers}
       GROUP BY p.paper_id, r.user_ref, p.channel ORDER BY at, user`,
    ).all(ids) as ActRow[];
    const replies = this.stmt(
      `SELECT p.paper_id AS id, p.channel, COUNT(*) AS count FROM replies r
       JOIN posts p ON p.message = r.thread WHERE ${inPapers} GROUP BY p.paper_id, p.channel ORDER BY p.channel`,
    ).all(ids) as { id: string; channel: string; count: number }[];
    return groupActivity(shares, votes, replies);
  }

  async topVoted(since: string | null, limit: number): Promise<TopEntry[]> {
    // A vote's time is the person's first upvote reaction on any post of the paper. Counted and ranked in
    // SQL, so only the top `limit` papers and their voters reach JavaScript.
    const rows = this.stmt(
      `SELECT paper_id, COUNT(*) AS n, json_group_array(user_ref) AS voters FROM (
         SELECT p.paper_id, r.user_ref, MIN(r.at) AS first_at FROM reactions r
         JOIN posts p ON p.message = r.message WHERE p.paper_id IS NOT NULL
         GROUP BY p.paper_id, r.user_ref ORDER BY first_at)
       WHERE @since IS NULL OR first_at >= @since
       GROUP BY paper_id ORDER BY n DESC, MIN(first_at) LIMIT @limit`,
    ).all({ since, limit }) as { paper_id: string; n: number; voters: string }[];
    const out: TopEntry[] = [];
    for (const row of rows) {
      const paper = await this.getPaper(row.paper_id);
      if (paper) out.push({ paper, votes: row.n, voters: JSON.parse(row.voters) as string[] });
    }
    return out;
  }

  async getChannelSettings(channel: ChannelRef): Promise<ChannelSettings | null> {
    const row = this.stmt('SELECT * FROM channel_settings WHERE channel = ?').get(channel);
    return row ? rowToSettings(row as SettingsRow) : null;
  }

  async saveChannelSettings(s: ChannelSettings): Promise<void> {
    this.stmt(
      `INSERT INTO channel_settings (channel, enabled, time, timezone, days, size, topics, min_score, mode,
         updated_by, updated_at)
       VALUES (@channel, @enabled, @time, @timezone, @days, @size, @topics, @minScore, @mode, @updatedBy, @updatedAt)
       ON CONFLICT(channel) DO UPDATE SET enabled = excluded.enabled, time = excluded.time,
         timezone = excluded.timezone, days = excluded.days, size = excluded.size, topics = excluded.topics,
         min_score = excluded.min_score, mode = excluded.mode, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
    ).run({
      ...s,
      enabled: s.enabled ? 1 : 0,
      days: JSON.stringify(s.days),
      topics: JSON.stringify(s.topics),
    });
  }

  async listChannelSettings(): Promise<ChannelSettings[]> {
    return (this.stmt('SELECT * FROM channel_settings ORDER BY channel').all() as SettingsRow[]).map(
      rowToSettings,
    );
  }

  async claimRoundup(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    leaseMs: number,
    options: { retryNow?: boolean } = {},
  ): Promise<boolean> {
    const now = this.now();
    const info = this.stmt(
      `INSERT INTO roundups (channel, local_date, state, claimed_by, claimed_at, lease_until)
       VALUES (@channel, @localDate, 'claimed', @claimant, @now, @until)
       ON CONFLICT(channel, local_date) DO UPDATE SET state = 'claimed', claimed_by = excluded.claimed_by,
         claimed_at = excluded.claimed_at, lease_until = excluded.lease_until, retry_at = NULL,
         finished_at = NULL, failures = CASE roundups.state WHEN 'failed' THEN 0 ELSE roundups.failures END
       WHERE (roundups.state = 'claimed' AND (roundups.lease_until IS NULL OR roundups.lease_until < @now))
         OR (roundups.state = 'waiting' AND (@retryNow OR roundups.retry_at <= @now))
         OR (roundups.state = 'failed' AND @retryNow)`,
    ).run({
      channel,
      localDate,
      claimant,
      now: now.toISOString(),
      until: new Date(now.getTime() + leaseMs).toISOString(),
      retryNow: options.retryNow ? 1 : 0,
    });
    return info.changes === 1;
  }

  async renewRoundup(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    leaseMs: number,
  ): Promise<boolean> {
    const info = this.stmt(
      `UPDATE roundups SET lease_until = ? WHERE channel = ? AND local_date = ? AND state = 'claimed'
         AND claimed_by = ?`,
    ).run(new Date(this.now().getTime() + leaseMs).toISOString(), channel, localDate, claimant);
    return info.changes === 1;
  }

  async saveRoundupPlan(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    plan: { layout: RoundupLayout; note: string | null; items: { paperId: string; key: string | null }[] },
  ): Promise<boolean> {
    const run = this.db.transaction((): boolean => {
      const planned = this.stmt(
        `UPDATE roundups SET layout = ?, note = ?, planned_at = ? WHERE channel = ? AND local_date = ?
           AND state = 'claimed' AND claimed_by = ? AND layout IS NULL`,
      ).run(plan.layout, plan.note, this.now().toISOString(), channel, localDate, claimant);
      if (planned.changes !== 1) return false;
      const insert = this.stmt(
        `INSERT INTO roundup_items (channel, local_date, position, paper_id, idem_key)
         VALUES (@channel, @localDate, (SELECT COALESCE(MAX(position) + 1, 0) FROM roundup_items
           WHERE channel = @channel AND local_date = @localDate), @paperId, @key)
         ON CONFLICT DO NOTHING`,
      );
      for (const item of plan.items) insert.run({ channel, localDate, paperId: item.paperId, key: item.key });
      return true;
    });
    return run.immediate();
  }

  async recordRoundupItem(channel: ChannelRef, localDate: string, paperId: string, message: MessageRef) {
    this.stmt(
      `INSERT INTO roundup_items (channel, local_date, position, paper_id, message)
       VALUES (@channel, @localDate, (SELECT COALESCE(MAX(position) + 1, 0) FROM roundup_items
         WHERE channel = @channel AND local_date = @localDate), @paperId, @message)
       ON CONFLICT(channel, local_date, paper_id) DO UPDATE SET message = excluded.message
       WHERE roundup_items.message IS NULL`,
    ).run({ channel, localDate, paperId, message });
  }

  async recordRoundupFailure(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    error: string,
    retryAfterMs: number | null,
  ): Promise<boolean> {
    const now = this.now();
    const info = this.stmt(
      `UPDATE roundups SET failures = failures + 1, last_error = @error, lease_until = NULL,
         state = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE 'waiting' END, retry_at = @retryAt,
         finished_at = CASE WHEN @retryAt IS NULL THEN @now ELSE NULL END
       WHERE channel = @channel AND local_date = @localDate AND state = 'claimed' AND claimed_by = @claimant`,
    ).run({
      channel,
      localDate,
      claimant,
      error,
      now: now.toISOString(),
      retryAt: retryAfterMs === null ? null : new Date(now.getTime() + retryAfterMs).toISOString(),
    });
    return info.changes === 1;
  }

  async finishRoundup(
    channel: ChannelRef,
    localDate: string,
    state: Exclude<RoundupState, 'claimed' | 'waiting'>,
    note?: string,
  ): Promise<void> {
    this.stmt(
      `UPDATE roundups SET state = ?, note = COALESCE(?, note), lease_until = NULL, finished_at = ?
       WHERE channel = ? AND local_date = ?`,
    ).run(state, note ?? null, this.now().toISOString(), channel, localDate);
  }

  async getRoundup(channel: ChannelRef, localDate: string): Promise<RoundupRecord | null> {
    const row = this.stmt('SELECT * FROM roundups WHERE channel = ? AND local_date = ?').get(
      channel,
      localDate,
    ) as RoundupRow | undefined;
    if (!row) return null;
    const items = this.stmt(
      `SELECT paper_id, idem_key, message FROM roundup_items WHERE channel = ? AND local_date = ?
       ORDER BY position`,
    ).all(channel, localDate) as RoundupItemRow[];
    return toRoundupRecord(row, items);
  }

  async failedRoundups(filter: {
    channel?: ChannelRef;
    sinceLocalDate?: string;
    limit: number;
  }): Promise<RoundupSummary[]> {
    const rows = this.stmt(
      `SELECT * FROM roundups WHERE state = 'failed' AND (@channel IS NULL OR channel = @channel)
         AND (@since IS NULL OR local_date >= @since)
       ORDER BY local_date DESC, channel LIMIT @limit`,
    ).all({
      channel: filter.channel ?? null,
      since: filter.sinceLocalDate ?? null,
      limit: filter.limit,
    }) as RoundupRow[];
    return rows.map(toRoundupSummary);
  }

  async unfinishedRoundups(filter: { sinceLocalDate: string; limit: number }): Promise<RoundupSummary[]> {
    const rows = this.stmt(
      `SELECT * FROM roundups WHERE state IN ('claimed', 'waiting') AND local_date >= ?
       ORDER BY local_date, channel LIMIT ?`,
    ).all(filter.sinceLocalDate, filter.limit) as RoundupRow[];
    return rows.map(toRoundupSummary);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const info = this.stmt(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
    ).run(name, holder, new Date(now.getTime() + ttlMs).toISOString(), now.toISOString());
    return info.changes === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.stmt('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  async claimDelivery(platform: string, id: string, holder: string, holdMs: number): Promise<DeliveryClaim> {
    const now = this.now();
    const nowIso = now.toISOString();
    return this.db
      .transaction((): DeliveryClaim => {
        this.stmt('DELETE FROM deliveries WHERE expires_at < ?').run(nowIso);
        const info = this.stmt(
          `INSERT INTO deliveries (platform, id, holder, state, expires_at) VALUES (?, ?, ?, 'handling', ?)
         ON CONFLICT(platform, id) DO NOTHING`,
        ).run(platform, id, holder, new Date(now.getTime() + holdMs).toISOString());
        if (info.changes === 1) return 'claimed';
        const row = this.stmt('SELECT state FROM deliveries WHERE platform = ? AND id = ?').get(
          platform,
          id,
        ) as { state: string } | undefined;
        return row?.state === 'done' ? 'handled' : 'handling';
      })
      .immediate();
  }

  async finishDelivery(platform: string, id: string, holder: string, keepMs: number): Promise<void> {
    const until = new Date(this.now().getTime() + keepMs).toISOString();
    this.stmt(
      `UPDATE deliveries SET state = 'done', expires_at = ? WHERE platform = ? AND id = ? AND holder = ?`,
    ).run(until, platform, id, holder);
  }

  async releaseDelivery(platform: string, id: string, holder: string): Promise<void> {
    this.stmt(
      `DELETE FROM deliveries WHERE platform = ? AND id = ? AND holder = ? AND state = 'handling'`,
    ).run(platform, id, holder);
  }

  // Watches: see WatchStore (src/store/watch-port.ts) and SqliteWatches.
  addWatch: WatchStore['addWatch'] = (...a) => this.watches.addWatch(...a);
  listWatches: WatchStore['listWatches'] = (...a) => this.watches.listWatches(...a);
  removeWatch: WatchStore['removeWatch'] = (...a) => this.watches.removeWatch(...a);
  activeWatches: WatchStore['activeWatches'] = () => this.watches.activeWatches();
  getWatcher: WatchStore['getWatcher'] = (...a) => this.watches.getWatcher(...a);
  saveWatcher: WatchStore['saveWatcher'] = (...a) => this.watches.saveWatcher(...a);
  updateWatcher: WatchStore['updateWatcher'] = (...a) => this.watches.updateWatcher(...a);
  countMatching: WatchStore['countMatching'] = (...a) => this.watches.countMatching(...a);
  watchCursor: WatchStore['watchCursor'] = () => this.watches.watchCursor();
  papersAfter: WatchStore['papersAfter'] = (...a) => this.watches.papersAfter(...a);
  recordWatchMatches: WatchStore['recordWatchMatches'] = (...a) => this.watches.recordWatchMatches(...a);
  watchMatchCounts: WatchStore['watchMatchCounts'] = (...a) => this.watches.watchMatchCounts(...a);
  ownersToDeliver: WatchStore['ownersToDeliver'] = () => this.watches.ownersToDeliver();
  claimWatchDelivery: WatchStore['claimWatchDelivery'] = (...a) => this.watches.claimWatchDelivery(...a);
  renewWatchDelivery: WatchStore['renewWatchDelivery'] = (...a) => this.watches.renewWatchDelivery(...a);
  finishWatchDelivery: WatchStore['finishWatchDelivery'] = (...a) => this.watches.finishWatchDelivery(...a);
  recordWatchDeliveryFailure: WatchStore['recordWatchDeliveryFailure'] = (...a) =>
    this.watches.recordWatchDeliveryFailure(...a);
  getWatchDelivery: WatchStore['getWatchDelivery'] = (...a) => this.watches.getWatchDelivery(...a);

  // Reading lists: see ReadingListStore (src/store/reading-list-port.ts) and SqliteReadingList.
  addPin: ReadingListStore['addPin'] = (...a) => this.readingList.addPin(...a);
  removePin: ReadingListStore['removePin'] = (...a) => this.readingList.removePin(...a);
  clearPins: ReadingListStore['clearPins'] = (...a) => this.readingList.clearPins(...a);
  removeFromReadingList: ReadingListStore['removeFromReadingList'] = (...a) =>
    this.readingList.removeFromReadingList(...a);
  readingLists: ReadingListStore['readingLists'] = (...a) => this.readingList.readingLists(...a);
  readingListChannels: ReadingListStore['readingListChannels'] = (...a) =>
    this.readingList.readingListChannels(...a);
  onReadingList: ReadingListStore['onReadingList'] = (...a) => this.readingList.onReadingList(...a);

  async prepareForSearch(): Promise<void> {
    this.db.transaction(() => this.impact.prepareForSearch())();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private readonly statements = new Map<string, Database.Statement>();
  /** Prepared statements are cached: preparing costs more than running on the hot search path. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** The underlying handle, for benchmarks that measure the raw FTS floor on the same data. */
  /** How long this connection's writes wait for another writer's lock (lock-wait.ts); set by open(). */
  lockWait: LockWait | undefined;

  get rawDatabase(): Db {
    return this.db;
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const known = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
  // An archive a newer paperboy has migrated is refused, not opened: this one would misread what it does
  // not know (migration 18 changed how word columns are stored) and write what the newer one misreads.
  if (current > known)
    throw new Error(
      `the archive ${db.name} is at schema version ${current}, written by a newer paperboy; this one knows up to ${known}. Run the newer paperboy, or a copy of the archive from before it.`,
    );
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue;
    // IMMEDIATE: two processes opening a fresh file at once must not both run the same migration.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      m.backfill?.(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
