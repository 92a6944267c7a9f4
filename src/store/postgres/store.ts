import type pg from 'pg';
import type { Logger } from '../../log.ts';
import { normalizeArxivId, normalizeTitle, type Paper, paperSchema } from '../../papers/paper.ts';
import type { SearchQuery } from '../../papers/search-query.ts';
import { type VocabularyWord, vocabularyWords } from '../../papers/spelling.ts';
import { containsAll } from '../../papers/text-match.ts';
import { abbreviationRows } from '../abbreviation-rows.ts';
import { bulkRowToPaper, readJson } from '../bulk-batch.ts';
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
import { MIGRATION_LOCK } from './advisory-locks.ts';
import { COUNT_WORDS, INSERT_ABBREVIATIONS, POSTGRES_MIGRATIONS } from './migrations.ts';
import { createPool, inTransaction, type Queryable, withClient } from './pool.ts';
import { PostgresReadingList } from './reading-list.ts';
import {
  forgetPapers,
  listPapers,
  listsCanCertify,
  listsCertify,
  MAX_BUILD_TIMEOUT_MS,
  planSearch,
  RANK_WEIGHTS,
  type SearchPlan,
  type TermListSettings,
  takeIngestLock,
  UNREAD_BOUND,
} from './term-lists.ts';
import { toTsQuery } from './tsquery.ts';
import { isPostgresUnavailable } from './unavailable.ts';
import { PostgresWatches } from './watches.ts';

const TEAM_VOTES = `(SELECT COUNT(DISTINCT r.user_ref)::int FROM posts p JOIN reactions r ON r.message = p.message
  WHERE p.paper_id = papers.id) AS team_votes`;
/** The team's discussion: replies in the threads under any post of the paper. */
const TEAM_REPLIES = `(SELECT COUNT(*)::int FROM replies r JOIN posts p ON p.message = r.thread
  WHERE p.paper_id = papers.id) AS team_replies`;
const PAPER_COLUMNS = `papers.*, ${TEAM_VOTES}, ${TEAM_REPLIES}`;
/** ts_rank_cd weights for D (abstract), C (authors), B (keywords), A (title): title 10× the abstract. */
const WEIGHTS = RANK_WEIGHTS;
/** Defaults of {@link PostgresStoreOptions.search}: see term-lists.ts and the README's benchmarks. */
const EXACT_LIMIT = 5_000;
const LIST_SIZE = 1_000;
const QUERY_LISTS = 500;
/**
 * Leases and roundup claims are timed by the database's clock, never a host's: instances on several hosts
 * compare times written by each other, so a host whose clock runs ahead would take a live claim for a
 * stale one, and a lease written by a host running behind would look expired to the others while its
 * holder still uses it. now() is when the statement's transaction started: at or after the moment the
 * caller sent it, so a holder that counts its lease from the moment it asked never overestimates it.
 */
const DB_NOW = 'now()';
/** A timestamptz expression as the ISO text stored in the ledger (`2026-01-05T08:00:00.000Z`). */
const isoText = (expr: string) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** A duration in milliseconds, passed as the parameter `param`, as an interval. */
const millis = (param: string) => `(${param}::float8 * interval '1 millisecond')`;

export interface PostgresStoreOptions {
  /** When papers were first seen and updated. Leases and roundup claims use the database's clock. */
  now?: () => Date;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Server-side limit on one statement, in ms. Default 15 s. */
  statementTimeoutMs?: number;
  logger?: Logger;
  /**
   * When a search is ranked exactly (its matches bounded by `exactLimit` papers, default 5,000) and how
   * many best papers are read from each common word's list otherwise (`listSize`, default 1,000); how many
   * queries of several common words keep a list of their own (`queryLists`, default 500; 0 for none); how
   * long counting a word or building a list may take (`buildTimeoutMs`, default four times
   * `statementTimeoutMs`). An
   * `exactLimit` of Infinity ranks every search exactly. See term-lists.ts.
   */
  search?: Partial<TermListSettings>;
}

/**
 * Inserts papers given as a JSON array of rows (`paperToRow`) in `$1`, first seen and updated at `$2`: one
 * statement for a whole batch. Callers add their conflict rule and what to return.
 */
const INSERT_PAPER_ROWS = `INSERT INTO papers (id, arxiv_id, title_key, title, abstract, authors, keywords, author_count,
    org_id, org_name, published_at, feed_date, upvotes, comments, extras, first_seen_at, updated_at)
  SELECT id, arxiv_id, title_key, title, abstract, authors, keywords, author_count, org_id, org_name,
    published_at, feed_date, upvotes, comments, extras, $2, $2
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, arxiv_id text, title_key text, title text,
    abstract text, authors text, keywords text, author_count int, org_id text, org_name text,
    published_at text, feed_date text, upvotes int, comments int, extras text)`;

/**
 * The archive on PostgreSQL: the same port as SQLite, for deployments that run several instances.
 * Full-text search is a weighted, stored tsvector (English stemming, accents folded) under a GIN index.
 * Every method rejects with StoreUnavailableError when the server cannot be used just now.
 */
export class PostgresStore implements PaperStore {
  /** Watches and their delivery ledger (watches.ts), behind the methods below. */
  private readonly watches: PostgresWatches;
  /** Channels' reading lists (reading-list.ts), behind the methods below. */
  private readonly readingList: PostgresReadingList;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
    private readonly logger: Logger | undefined,
    private readonly lists: TermListSettings,
    private readonly statementTimeoutMs: number,
  ) {
    this.watches = new PostgresWatches({ pool, logger, paperColumns: PAPER_COLUMNS, now });
    this.readingList = new PostgresReadingList({ pool, paperColumns: PAPER_COLUMNS });
  }

  /**
   * Connects, checks the database answers, and applies migrations under an advisory lock. Fails with
   * one sentence naming the host (never the password) when the database cannot be reached.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const { logger } = options;
    const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
    const pool = createPool({
      url,
      size: options.poolSize ?? 10,
      statementTimeoutMs,
      logger,
    });
    try {
      await migrate(pool, logger);
    } catch (error) {
      await pool.end();
      const where = describeTarget(url);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot use the PostgreSQL database at ${where}: ${reason}`, { cause: error });
    }
    const lists = {
      exactLimit: EXACT_LIMIT,
      listSize: LIST_SIZE,
      queryLists: QUERY_LISTS,
      buildTimeoutMs:
        statementTimeoutMs > 0
          ? Math.min(4 * statementTimeoutMs, MAX_BUILD_TIMEOUT_MS)
          : MAX_BUILD_TIMEOUT_MS,
      ...options.search,
    };
    if (
      !(lists.listSize >= 1 && Number.isInteger(lists.listSize)) ||
      !(lists.exactLimit >= 0) ||
      !(lists.queryLists >= 0 && Number.isInteger(lists.queryLists)) ||
      !(
        Number.isInteger(lists.buildTimeoutMs) &&
        lists.buildTimeoutMs >= 1 &&
        lists.buildTimeoutMs <= MAX_BUILD_TIMEOUT_MS
      )
    ) {
      await pool.end();
      throw new Error(
        `PostgreSQL search settings: listSize must be a whole number from 1, exactLimit at least 0, queryLists a whole number from 0 and buildTimeoutMs a whole number of ms from 1 to ${MAX_BUILD_TIMEOUT_MS} (got ${lists.listSize}, ${lists.exactLimit}, ${lists.queryLists} and ${lists.buildTimeoutMs})`,
      );
    }
    const store = new PostgresStore(
      pool,
      options.now ?? (() => new Date()),
      logger,
      lists,
      statementTimeoutMs,
    );
    return translateUnavailable(store, 'postgres', isPostgresUnavailable);
  }

  async upsertPapers(papers: readonly Paper[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const valid = papers.map((p) => paperSchema.parse(p));
    if (valid.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    return this.transaction(async (c) => {
      // One writer at a time: two instances ingesting the same feed must not both insert a paper.
      await takeIngestLock(c, this.lists.buildTimeoutMs, this.statementTimeoutMs);
      const ids = valid.map((p) => p.id);
      const keys = valid.map((p) => normalizeTitle(p.title));
      // The stored papers the plan could match (upsert-plan.ts): by id, or by title where one of the two has
      // no arXiv id. Not every arXiv paper of a title an arXiv paper arrives with: an arXiv paper never
      // takes over another, and a common title would bring thousands of rows to read.
      const known = await c.query<PaperRow & { rowid: string }>(
        `SELECT * FROM papers WHERE id = ANY($1) OR (title_key = ANY($2) AND arxiv_id IS NULL)
           OR title_key = ANY($3)`,
        [ids, keys, keys.filter((_, i) => valid[i]?.arxivId === null)],
      );
      const plan = planUpsert(
        known.rows.map((r) => ({ key: Number(r.rowid), paper: rowToPaper(r) })),
        valid,
        options.listedOn,
      );
      const now = this.now().toISOString();
      const changed = plan.updates.filter((u) => u.textChanged).map((u) => u.key);
      await forgetPapers(c, changed);
      let inserted: number[] = [];
      if (plan.inserts.length > 0) {
        const r = await c.query<{ rowid: string }>(`${INSERT_PAPER_ROWS} RETURNING rowid`, [
          JSON.stringify(plan.inserts.map(paperToRow)),
          now,
        ]);
        inserted = r.rows.map((row) => Number(row.rowid));
      }
      if (plan.updates.length > 0) {
        await c.query(
          `UPDATE papers p SET id = x.id, arxiv_id = x.arxiv_id, title_key = x.title_key, title = x.title,
             abstract = x.abstract, authors = x.authors, keywords = x.keywords, author_count = x.author_count,
             org_id = x.org_id, org_name = x.org_name, published_at = x.published_at, feed_date = x.feed_date,
             upvotes = x.upvotes, comments = x.comments, extras = x.extras, updated_at = $2
           FROM jsonb_to_recordset($1::jsonb) AS x(rowid bigint, id text, arxiv_id text, title_key text,
             title text, abstract text, authors text, keywords text, author_count int, org_id text,
             org_name text, published_at text, feed_date text, upvotes int, comments int, extras text)
           WHERE p.rowid = x.rowid`,
          [JSON.stringify(plan.updates.map((u) => ({ rowid: u.key, ...paperToRow(u.paper) }))), now],
        );
      }
      await listPapers(c, [...inserted, ...changed], this.lists.listSize);
      // Abbreviations are re-learned from every paper whose text is new or changed.
      const learned = [...plan.inserts, ...plan.updates.filter((u) => u.textChanged).map((u) => u.paper)];
      if (learned.length > 0) {
        await c.query(
          'DELETE FROM abbreviations WHERE paper_rowid IN (SELECT rowid FROM papers WHERE id = ANY($1))',
          [learned.map((p) => p.id)],
        );
        await c.query(INSERT_ABBREVIATIONS, [JSON.stringify(abbreviationRows(learned))]);
      }
      // The spelling vocabulary counts a paper's words once, when it arrives; changed text adds new words.
      const arrived = plan.inserts.flatMap((p) => vocabularyWords(p));
      if (arrived.length > 0) await c.query(COUNT_WORDS, [arrived]);
      const newWords = plan.updates.filter((u) => u.textChanged).flatMap((u) => vocabularyWords(u.paper));
      if (newWords.length > 0) {
        await c.query(
          'INSERT INTO words (word, papers) SELECT DISTINCT w, 1 FROM unnest($1::text[]) AS w ON CONFLICT (word) DO NOTHING',
          [newWords],
        );
      }
      for (const r of plan.renames) {
        await c.query('UPDATE posts SET paper_id = $1 WHERE paper_id = $2', [r.to, r.from]);
        await c.query('UPDATE roundup_items SET paper_id = $1 WHERE paper_id = $2', [r.to, r.from]);
        await c.query(
          `UPDATE watch_matches m SET paper_id = $1 WHERE paper_id = $2
             AND NOT EXISTS (SELECT 1 FROM watch_matches o WHERE o.owner = m.owner AND o.paper_id = $1)`,
          [r.to, r.from],
        );
        // A pin on both ids keeps its earliest time.
        await c.query(
          `INSERT INTO reading_list (channel, paper_id, user_ref, via, at)
           SELECT channel, $1, user_ref, via, at FROM reading_list WHERE paper_id = $2
           ON CONFLICT (channel, paper_id, user_ref, via) DO UPDATE SET at = LEAST(reading_list.at, excluded.at)`,
          [r.to, r.from],
        );
        await c.query('DELETE FROM reading_list WHERE paper_id = $1', [r.from]);
      }
      return { inserted: plan.inserted, updated: plan.updated, unchanged: plan.unchanged };
    });
  }

  /**
   * Loads papers into an archive in bulk: one statement a batch, papers whose id or arXiv id is already
   * stored skipped (not merged: `upsertPapers` is the ingest path), abbreviations and title words learned
   * and the words' search lists kept as `upsertPapers` keeps them. Returns how many were inserted. For
   * building a large archive at once (benchmarks, a move from another store).
   */
  async bulkInsert(papers: readonly Paper[]): Promise<number> {
    const valid = papers.map((p) => paperSchema.parse(p));
    if (valid.length === 0) return 0;
    return this.transaction(async (c) => {
      await takeIngestLock(c, this.lists.buildTimeoutMs, this.statementTimeoutMs);
      const now = this.now().toISOString();
      const r = await c.query<{ rowid: string; id: string }>(
        `${INSERT_PAPER_ROWS} ON CONFLICT DO NOTHING RETURNING rowid, id`,
        [JSON.stringify(valid.map(paperToRow)), now],
      );
      const ids = new Set(r.rows.map((row) => row.id));
      const added = valid.filter((p) => ids.has(p.id));
      await listPapers(
        c,
        r.rows.map((row) => Number(row.rowid)),
        this.lists.listSize,
      );
      await c.query(INSERT_ABBREVIATIONS, [JSON.stringify(abbreviationRows(added))]);
      const words = added.flatMap((p) => vocabularyWords(p));
      if (words.length > 0) await c.query(COUNT_WORDS, [words]);
      return added.length;
    });
  }

  /**
   * The bulk load (BulkLoadStore), batch after batch: the papers no stored paper shares an id, arXiv id or
   * title key with, and that merge with none of their batch, go in with {@link bulkInsert}; the others
   * take the ordinary upsert, in their order. (A paper another writer stores between the two is left out
   * by bulkInsert's conflict clause and upserted with the others.)
   */
  async bulkUpsert(batches: readonly BulkBatch[]): Promise<UpsertResult> {
    const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
    for (const batch of batches) {
      const papers = readJson<unknown[][]>(batch.rows).map(bulkRowToPaper);
      const keys = papers.map((p) => normalizeTitle(p.title));
      // A stored arXiv paper of a new arXiv paper's title is no match (upsert-plan.ts), so it is not read.
      const known = await this.pool.query<{ id: string; arxiv_id: string | null; title_key: string }>(
        `SELECT id, arxiv_id, title_key FROM papers WHERE id = ANY($1) OR arxiv_id = ANY($1)
           OR (title_key = ANY($2) AND arxiv_id IS NULL) OR title_key = ANY($3)`,
        [
          [...new Set(papers.flatMap((p) => [p.id, ...(p.arxivId ? [p.arxivId] : [])]))],
          keys,
          keys.filter((_, i) => papers[i]?.arxivId === null),
        ],
      );
      const ids = new Set(known.rows.flatMap((r) => [r.id, ...(r.arxiv_id ? [r.arxiv_id] : [])]));
      // Titles the upsert could match: any stored one for a paper without an arXiv id, else the stored
      // papers without one (upsert-plan.ts).
      const titles = new Set(known.rows.map((r) => r.title_key));
      const titlesWithoutArxiv = new Set(known.rows.filter((r) => !r.arxiv_id).map((r) => r.title_key));
      const merging = new Set(batch.merging);
      const fresh: Paper[] = [];
      const rest: Paper[] = [];
      papers.forEach((p, i) => {
        const key = keys[i] ?? '';
        const stored =
          ids.has(p.id) ||
          (p.arxivId !== null && ids.has(p.arxivId)) ||
          (p.arxivId === null ? titles : titlesWithoutArxiv).has(key);
        (merging.has(i) || stored ? rest : fresh).push(p);
      });
      const inserted = fresh.length > 0 ? await this.bulkInsert(fresh) : 0;
      result.inserted += inserted;
      const upsert = inserted < fresh.length ? [...rest, ...fresh] : rest;
      if (upsert.length === 0) continue;
      const r = await this.upsertPapers(upsert, batch.listedOn === null ? {} : { listedOn: batch.listedOn });
      result.inserted += r.inserted;
      result.updated += r.updated;
      result.unchanged += r.unchanged;
    }
    return result;
  }

  async finishBulkLoad(): Promise<void> {
    // The planner's statistics describe the tables before the load until autovacuum gets to them.
    await this.pool.query('ANALYZE papers, abbreviations, words');
  }

  async databaseBytes(): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
    return Number(r.rows[0]?.n ?? 0);
  }

  async getPaper(id: string): Promise<StoredPaper | null> {
    const key = normalizeArxivId(id) ?? id;
    const r = await this.pool.query<PaperRow>(
      `SELECT ${PAPER_COLUMNS} FROM papers WHERE id = $1 OR arxiv_id = $1`,
      [key],
    );
    return r.rows[0] ? rowToPaper(r.rows[0]) : null;
  }

  /**
   * Ranks by ts_rank_cd. A query bounded by few enough matches is ranked exactly; a common word's query is
   * ranked over the best papers of its list (term-lists.ts), and exactly after all unless those prove the
   * top `limit` (fewer matches than that, or a last one not above every unread paper's bound).
   */
  async search(query: SearchQuery, limit: number): Promise<SearchHit[]> {
    const { rows } = await this.rank(query, limit);
    return rows.map((row) => ({
      paper: rowToPaper(row),
      // ts_rank_cd can be 0 for a match (e.g. only a stop-word phrase); keep the port's "> 0".
      relevance: Math.max(row.relevance, 1e-9),
      titleMatch: containsAll(row.title, query.must, query.alternatives),
    }));
  }

  async hasMatch(query: SearchQuery): Promise<boolean> {
    // The search itself: a word's first match is the head of its ranked list here (term_tops), already
    // cheap, and any other query is decided as search decides it (its plan may know it matches nothing).
    return (await this.search(query, 1)).length > 0;
  }

  /** Which way {@link search} answered `query`: from a word's list, by scoring every match, or at once. */
  async searchWay(query: SearchQuery, limit: number): Promise<'lists' | 'exact' | 'none'> {
    return (await this.rank(query, limit)).way;
  }

  private async rank(query: SearchQuery, limit: number) {
    const plan = await this.planSearch(query);
    if (plan.kind === 'none') return { rows: [], way: 'none' as const };
    if (plan.kind === 'query') {
      const rows = await this.searchQueryList(plan.key, limit);
      if (rows !== null) return { rows, way: 'lists' as const };
    }
    const rows = plan.kind === 'lists' ? await this.searchLists(query, limit, plan) : null;
    if (rows !== null && rows.length >= limit) return { rows, way: 'lists' as const };
    return { rows: await this.searchExact(query, limit), way: 'exact' as const };
  }

  /** How {@link search} runs `query`: exactly, or over the words' lists, and the bound that decided it. */
  async planSearch(query: SearchQuery): Promise<SearchPlan> {
    return planSearch((work) => this.transaction(work), this.pool, query, this.lists);
  }

  private async searchExact(query: SearchQuery, limit: number) {
    const tsq = toTsQuery(query, 1);
    const r = await this.pool.query<PaperRow & { relevance: number }>(
      `WITH q AS (SELECT ${tsq.sql} AS query)
       SELECT ${PAPER_COLUMNS}, ts_rank_cd(${WEIGHTS}, papers.search, q.query, 1)::float8 AS relevance
       FROM papers, q WHERE papers.search @@ q.query
       ORDER BY relevance DESC, papers.rowid LIMIT $${tsq.params.length + 1}`,
      [...tsq.params, limit],
    );
    return r.rows;
  }

  /**
   * A query's list, best first: every paper scoring at or above its floor is in it (term-lists.ts), so its
   * first `limit` entries are the exact ranking, as are all of them when it holds every match (a floor of
   * 0). Null when it holds fewer than `limit` above a floor, or is gone (a bulk load resets the lists).
   */
  private async searchQueryList(key: string, limit: number) {
    // The list's row with its best entries in one statement (one snapshot): a row without papers when the
    // list is empty, none when it is gone.
    const r = await this.pool.query<PaperRow & { relevance: number; floor: number; entry: string | null }>(
      `WITH best AS (SELECT rowid, score FROM term_tops WHERE lexeme = $1 ORDER BY score DESC, rowid LIMIT $2)
       SELECT ${PAPER_COLUMNS}, best.score AS relevance, best.rowid AS entry, l.floor
       FROM term_lists l LEFT JOIN (best JOIN papers ON papers.rowid = best.rowid) ON true
       WHERE l.lexeme = $1 ORDER BY best.score DESC, papers.rowid`,
      [key, limit],
    );
    const floor = r.rows[0]?.floor;
    const rows = r.rows.filter((row) => row.entry !== null);
    return rows.length >= limit || floor === 0 ? rows : null;
  }

  /**
   * Candidates: the best papers of each listed word (a query holding a rare word is never proven, and is
   * ranked exactly); those matching the whole query are ranked as the exact search ranks them. Returns null
   * when the candidates do not prove that ranking exact (term-lists.ts, {@link listsCertify}): the caller
   * then ranks every match.
   */
  private async searchLists(query: SearchQuery, limit: number, plan: SearchPlan & { kind: 'lists' }) {
    const [only] = plan.listed;
    if (plan.oneLexeme && only && plan.listed.length === 1 && plan.unlisted.length === 0) {
      // One lexeme: its list is its exact ranking, best first (the scores are the same ts_rank_cd). Not a
      // phrase of it repeated ("model model" scores below "model"), nor with exclusions: those are certified.
      const r = await this.pool.query<PaperRow & { relevance: number }>(
        `WITH best AS (SELECT rowid, score FROM term_tops WHERE lexeme = $1 ORDER BY score DESC, rowid LIMIT $2)
         SELECT ${PAPER_COLUMNS}, best.score AS relevance FROM best JOIN papers ON papers.rowid = best.rowid
         ORDER BY best.score DESC, papers.rowid`,
        [only, limit],
      );
      return r.rows;
    }
    // What the candidates can never prove: rank every match at once, reading nothing here. So every
    // candidate comes from a listed word's list.
    if (!listsCanCertify(plan, query)) return null;
    const tsq = toTsQuery(query, 1);
    const n = tsq.params.length;
    // A shallow read first: reading a list's papers costs a page each (0.2 ms when cold, at a million
    // papers), and most queries are proven within a few times `limit` entries; the whole list only if not.
    const shallow = Math.min(this.lists.listSize, Math.max(4 * limit, 100));
    for (const depth of shallow < this.lists.listSize ? [shallow, this.lists.listSize] : [shallow]) {
      // `unread`: the most an unread paper can score for the query (listsCertify), in the same snapshot;
      // MATERIALIZED, or PostgreSQL folds it into the join and computes it again for every candidate.
      const r = await this.pool.query<PaperRow & { relevance: number; unread: number }>(
        `WITH q AS (SELECT ${tsq.sql} AS query),
         cand AS (
           SELECT t.rowid FROM unnest($${n + 1}::text[]) AS x(lexeme)
           CROSS JOIN LATERAL (SELECT rowid FROM term_tops WHERE term_tops.lexeme = x.lexeme
             ORDER BY score DESC, rowid LIMIT $${n + 2}) t
           GROUP BY t.rowid),
         unread AS MATERIALIZED (${UNREAD_BOUND(`$${n + 1}`, `$${n + 2}`)})
         SELECT ${PAPER_COLUMNS}, ts_rank_cd(${WEIGHTS}, papers.search, q.query, 1)::float8 AS relevance,
           unread.bound AS unread
         FROM cand JOIN papers ON papers.rowid = cand.rowid, q, unread WHERE papers.search @@ q.query
         ORDER BY relevance DESC, papers.rowid LIMIT $${n + 3}`,
        [...tsq.params, plan.listed, depth, limit],
      );
      if (listsCertify(r.rows, limit, plan, query)) return r.rows;
    }
    return null;
  }

  async documentFrequencies(terms: readonly string[]): Promise<Map<string, number>> {
    checkTermCount(terms);
    const unique = [...new Set(terms)];
    // plainto_tsquery reads each term as plain words; a stop word becomes an empty query, matching nothing.
    const r = await this.pool.query<{ term: string; n: number }>(
      `SELECT t.term, (SELECT COUNT(*) FROM papers WHERE papers.search @@ plainto_tsquery('paperboy_en', t.term))::int AS n
       FROM unnest($1::text[]) AS t(term)`,
      [unique],
    );
    return new Map(r.rows.map((row) => [row.term, row.n]));
  }

  async coVoted(paperId: string, limit: number): Promise<CoVote[]> {
    const r = await this.pool.query<{ paper_id: string; n: number }>(
      `WITH votes AS (SELECT DISTINCT p.paper_id, r.user_ref FROM reactions r
         JOIN posts p ON p.message = r.message WHERE p.paper_id IS NOT NULL)
       SELECT o.paper_id, COUNT(*)::int AS n FROM votes t
       JOIN votes o ON o.user_ref = t.user_ref AND o.paper_id <> t.paper_id
       WHERE t.paper_id = (SELECT id FROM papers WHERE id = $1 OR arxiv_id = $1 LIMIT 1)
       GROUP BY o.paper_id ORDER BY n DESC, o.paper_id LIMIT $2`,
      [normalizeArxivId(paperId) ?? paperId, limit],
    );
    const out: CoVote[] = [];
    for (const row of r.rows) {
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
    // MIN in byte order, as SQLite's: both stores show the same long form.
    const r = await this.pool.query<AbbreviationCount>(
      `SELECT short, long_key AS "longKey", MIN(long COLLATE "C") AS long, COUNT(*)::int AS papers
       FROM abbreviations WHERE short = ANY($1) OR long_key = ANY($2)
       GROUP BY short, long_key HAVING COUNT(*) >= $3`,
      [shorts, longKeys, minPapers],
    );
    return r.rows;
  }

  async vocabulary(first: string, minLength: number, maxLength: number): Promise<VocabularyWord[]> {
    const r = await this.pool.query<VocabularyWord>(
      'SELECT word, papers FROM words WHERE left(word, 1) = $1 AND length(word) BETWEEN $2 AND $3',
      [first, minLength, maxLength],
    );
    return r.rows;
  }

  async papersOnFeedDate(date: string): Promise<StoredPaper[]> {
    const r = await this.pool.query<PaperRow>(
      `SELECT ${PAPER_COLUMNS} FROM papers WHERE feed_date = $1 ORDER BY rowid`,
      [date],
    );
    return r.rows.map(rowToPaper);
  }

  async latestFeedDate(onOrBefore: string): Promise<string | null> {
    const r = await this.pool.query<{ d: string | null }>(
      'SELECT MAX(feed_date) AS d FROM papers WHERE feed_date <= $1',
      [onOrBefore],
    );
    return r.rows[0]?.d ?? null;
  }

  async countPapers(): Promise<number> {
    const r = await this.pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM papers');
    return r.rows[0]?.n ?? 0;
  }

  async hasPapers(): Promise<boolean> {
    const r = await this.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM papers) AS any');
    return r.rows[0]?.any ?? false;
  }

  async recordPost(post: PostRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO posts (message, channel, paper_id, kind, posted_by, posted_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (message) DO NOTHING`,
      [post.message, post.channel, post.paperId, post.kind, post.postedBy, post.postedAt],
    );
  }

  async getPost(message: MessageRef): Promise<PostRecord | null> {
    const r = await this.pool.query<PostRecord>(
      `SELECT message, channel, paper_id AS "paperId", kind, posted_by AS "postedBy", posted_at AS "postedAt"
       FROM posts WHERE message = $1`,
      [message],
    );
    return r.rows[0] ?? null;
  }

  async papersPostedIn(channel: ChannelRef): Promise<Set<string>> {
    const r = await this.pool.query<{ paper_id: string }>(
      'SELECT DISTINCT paper_id FROM posts WHERE channel = $1 AND paper_id IS NOT NULL',
      [channel],
    );
    return new Set(r.rows.map((x) => x.paper_id));
  }

  async addReaction(change: ReactionChange): Promise<number | null> {
    return this.changeReaction(change, true);
  }

  async removeReaction(change: ReactionChange): Promise<number | null> {
    return this.changeReaction(change, false);
  }

  async clearReactions(messages: readonly MessageRef[], emoji: string | null, at?: string): Promise<number> {
    // ISO 8601 in UTC: text order is time order. No `at`: every reaction, whenever added.
    const r = await this.pool.query(
      `DELETE FROM reactions WHERE message = ANY($1::text[]) AND ($2::text IS NULL OR emoji = $2)
         AND ($3::text IS NULL OR COALESCE(last_at, at) <= $3)`,
      [messages, emoji, at ?? null],
    );
    return r.rowCount ?? 0;
  }

  private async changeReaction(c: ReactionChange, add: boolean): Promise<number | null> {
    return this.transaction(async (q) => {
      const post = await q.query<{ paper_id: string | null }>(
        'SELECT paper_id FROM posts WHERE message = $1',
        [c.message],
      );
      const paperId = post.rows[0]?.paper_id;
      if (!paperId) return null;
      // Times are ISO 8601 in UTC, so text order is time order. An add older than a removal of the same
      // reaction is a delivery Slack sent again after it was taken back: no vote (migration 18).
      if (add) {
        await q.query(
          `INSERT INTO reactions (message, user_ref, emoji, at, last_at) SELECT $1, $2, $3, $4, $4
           WHERE NOT EXISTS (SELECT 1 FROM reaction_removals
                             WHERE message = $1 AND user_ref = $2 AND emoji = $3 AND at > $4)
           ON CONFLICT (message, user_ref, emoji) DO UPDATE
             SET last_at = GREATEST(COALESCE(reactions.last_at, reactions.at), excluded.last_at)`,
          [c.message, c.user, c.emoji, c.at],
        );
      } else {
        // And a removal older than the reaction's latest add is one sent again after it was added back.
        await q.query(
          `DELETE FROM reactions WHERE message = $1 AND user_ref = $2 AND emoji = $3
             AND COALESCE(last_at, at) <= $4`,
          [c.message, c.user, c.emoji, c.at],
        );
        await q.query(
          `INSERT INTO reaction_removals (message, user_ref, emoji, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (message, user_ref, emoji) DO UPDATE SET at = GREATEST(reaction_removals.at, excluded.at)`,
          [c.message, c.user, c.emoji, c.at],
        );
        await q.query('DELETE FROM reaction_removals WHERE at < $1', [removalsKeptFrom(c.at)]);
      }
      const n = await q.query<{ n: number }>(
        `SELECT COUNT(DISTINCT r.user_ref)::int AS n FROM posts p JOIN reactions r ON r.message = p.message
         WHERE p.paper_id = $1`,
        [paperId],
      );
      return n.rows[0]?.n ?? 0;
    });
  }

  async recordReply(reply: ReplyRecord): Promise<number | null> {
    return this.transaction(async (q) => {
      const post = await q.query<{ paper_id: string | null }>(
        'SELECT paper_id FROM posts WHERE message = $1',
        [reply.thread],
      );
      const paperId = post.rows[0]?.paper_id;
      if (!paperId) return null;
      await q.query(
        `INSERT INTO replies (message, thread, user_ref, at) SELECT $1, $2, $3, $4
         WHERE NOT EXISTS (SELECT 1 FROM reply_removals WHERE message IN ($1, $2)) ON CONFLICT DO NOTHING`,
        [reply.message, reply.thread, reply.user, reply.at],
      );
      const n = await q.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM replies r JOIN posts p ON p.message = r.thread WHERE p.paper_id = $1`,
        [paperId],
      );
      return n.rows[0]?.n ?? 0;
    });
  }

  async removeReply(message: MessageRef, at: string): Promise<void> {
    await this.forgetReplies('message', message, at);
  }

  async removeThread(thread: MessageRef, at: string): Promise<void> {
    await this.forgetReplies('thread', thread, at);
  }

  /**
   * Deletes the replies whose `by` is `ref` (one reply, or a thread's every reply) and remembers `ref` as
   * removed for a day: recordReply refuses a reply that is, or whose thread is, among the removed.
   */
  private async forgetReplies(by: 'message' | 'thread', ref: MessageRef, at: string): Promise<void> {
    await this.transaction(async (q) => {
      await q.query(`DELETE FROM replies WHERE ${by} = $1`, [ref]);
      await q.query(
        `INSERT INTO reply_removals (message, at) VALUES ($1, $2)
         ON CONFLICT (message) DO UPDATE SET at = GREATEST(reply_removals.at, excluded.at)`,
        [ref, at],
      );
      await q.query('DELETE FROM reply_removals WHERE at < $1', [removalsKeptFrom(at)]);
    });
  }

  async replyCounts(paperIds: readonly string[]): Promise<Map<string, number>> {
    const r = await this.pool.query<{ id: string; n: number }>(
      `SELECT p.paper_id AS id, COUNT(*)::int AS n FROM replies r JOIN posts p ON p.message = r.thread
       WHERE p.paper_id = ANY($1::text[]) GROUP BY p.paper_id`,
      [paperIds],
    );
    return new Map(r.rows.map((x) => [x.id, x.n]));
  }

  async activityOf(paperIds: readonly string[]): Promise<Map<string, PaperActivity>> {
    const shares = await this.pool.query<ActRow>(
      `SELECT p.paper_id AS id, p.posted_by AS user, p.channel, p.posted_at AS at,
         ${privateChannelSql('p.channel')} AS dm FROM posts p
       WHERE p.paper_id = ANY($1::text[]) AND p.posted_by IS NOT NULL AND p.kind IN (${PERSON_SHARES})
       ORDER BY p.posted_at, p.message`,
      [paperIds],
    );
    const votes = await this.pool.query<ActRow>(
      `SELECT p.paper_id AS id, r.user_ref AS user, p.channel, MIN(r.at) AS at FROM reactions r
       JOIN posts p ON p.message = r.message WHERE p.paper_id = ANY($1::text[])
       GROUP BY p.paper_id, r.user_ref, p.channel ORDER BY at, "user"`,
      [paperIds],
    );
    const replies = await this.pool.query<{ id: string; channel: string; count: number }>(
      `SELECT p.paper_id AS id, p.channel, COUNT(*)::int AS count FROM replies r
       JOIN posts p ON p.message = r.thread WHERE p.paper_id = ANY($1::text[])
       GROUP BY p.paper_id, p.channel ORDER BY p.channel`,
      [paperIds],
    );
    return groupActivity(shares.rows, votes.rows, replies.rows);
  }

  async topVoted(since: string | null, limit: number): Promise<TopEntry[]> {
    const r = await this.pool.query<{ paper_id: string; voters: string[] }>(
      `SELECT paper_id, array_agg(user_ref ORDER BY first_at) AS voters FROM (
         SELECT p.paper_id, r.user_ref, MIN(r.at) AS first_at FROM reactions r
         JOIN posts p ON p.message = r.message WHERE p.paper_id IS NOT NULL
         GROUP BY p.paper_id, r.user_ref) v
       WHERE $1::text IS NULL OR first_at >= $1
       GROUP BY paper_id ORDER BY COUNT(*) DESC, MIN(first_at) LIMIT $2`,
      [since, limit],
    );
    const out: TopEntry[] = [];
    for (const row of r.rows) {
      const paper = await this.getPaper(row.paper_id);
      if (paper) out.push({ paper, votes: row.voters.length, voters: row.voters });
    }
    return out;
  }

  async getChannelSettings(channel: ChannelRef): Promise<ChannelSettings | null> {
    const r = await this.pool.query<SettingsRow>('SELECT * FROM channel_settings WHERE channel = $1', [
      channel,
    ]);
    return r.rows[0] ? rowToSettings(r.rows[0]) : null;
  }

  async saveChannelSettings(s: ChannelSettings): Promise<void> {
    await this.pool.query(
      `INSERT INTO channel_settings (channel, enabled, time, timezone, days, size, topics, min_score, mode,
         updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (channel) DO UPDATE SET enabled = excluded.enabled, time = excluded.time,
         timezone = excluded.timezone, days = excluded.days, size = excluded.size, topics = excluded.topics,
         min_score = excluded.min_score, mode = excluded.mode, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [
        s.channel,
        s.enabled,
        s.time,
        s.timezone,
        JSON.stringify(s.days),
        s.size,
        JSON.stringify(s.topics),
        s.minScore,
        s.mode,
        s.updatedBy,
        s.updatedAt,
      ],
    );
  }

  async listChannelSettings(): Promise<ChannelSettings[]> {
    const r = await this.pool.query<SettingsRow>('SELECT * FROM channel_settings ORDER BY channel');
    return r.rows.map(rowToSettings);
  }

  async claimRoundup(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    leaseMs: number,
    options: { retryNow?: boolean } = {},
  ): Promise<boolean> {
    // Stored times are ISO text; compared as timestamptz, so the text's collation plays no part.
    const r = await this.pool.query(
      `INSERT INTO roundups (channel, local_date, state, claimed_by, claimed_at, lease_until)
       VALUES ($1, $2, 'claimed', $3, ${isoText(DB_NOW)}, ${isoText(`${DB_NOW} + ${millis('$4')}`)})
       ON CONFLICT (channel, local_date) DO UPDATE SET state = 'claimed', claimed_by = excluded.claimed_by,
         claimed_at = excluded.claimed_at, lease_until = excluded.lease_until, retry_at = NULL,
         finished_at = NULL, failures = CASE roundups.state WHEN 'failed' THEN 0 ELSE roundups.failures END
       WHERE (roundups.state = 'claimed'
           AND (roundups.lease_until IS NULL OR roundups.lease_until::timestamptz < ${DB_NOW}))
         OR (roundups.state = 'waiting' AND ($5::boolean OR roundups.retry_at::timestamptz <= ${DB_NOW}))
         OR (roundups.state = 'failed' AND $5::boolean)`,
      [channel, localDate, claimant, leaseMs, options.retryNow ?? false],
    );
    return r.rowCount === 1;
  }

  async renewRoundup(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    leaseMs: number,
  ): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE roundups SET lease_until = ${isoText(`${DB_NOW} + ${millis('$4')}`)}
       WHERE channel = $1 AND local_date = $2 AND state = 'claimed' AND claimed_by = $3`,
      [channel, localDate, claimant, leaseMs],
    );
    return r.rowCount === 1;
  }

  async saveRoundupPlan(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    plan: { layout: RoundupLayout; note: string | null; items: { paperId: string; key: string | null }[] },
  ): Promise<boolean> {
    return this.transaction(async (c) => {
      const planned = await c.query(
        `UPDATE roundups SET layout = $4, note = $5, planned_at = ${isoText(DB_NOW)}
         WHERE channel = $1 AND local_date = $2 AND state = 'claimed' AND claimed_by = $3 AND layout IS NULL`,
        [channel, localDate, claimant, plan.layout, plan.note],
      );
      if (planned.rowCount !== 1) return false;
      // Positions follow any items recorded before plans existed; the roundup row's lock (taken by the
      // UPDATE above) keeps two writers from numbering at once.
      await c.query(
        `INSERT INTO roundup_items (channel, local_date, position, paper_id, idem_key)
         SELECT $1, $2, base.n + x.ord - 1, x.paper_id, x.idem_key
         FROM (SELECT COALESCE(MAX(position) + 1, 0) AS n FROM roundup_items
               WHERE channel = $1 AND local_date = $2) base,
              unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(paper_id, idem_key, ord)
         ON CONFLICT DO NOTHING`,
        [channel, localDate, plan.items.map((i) => i.paperId), plan.items.map((i) => i.key)],
      );
      return true;
    });
  }

  async recordRoundupItem(
    channel: ChannelRef,
    localDate: string,
    paperId: string,
    message: MessageRef,
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO roundup_items (channel, local_date, position, paper_id, message)
       VALUES ($1, $2, (SELECT COALESCE(MAX(position) + 1, 0) FROM roundup_items
         WHERE channel = $1 AND local_date = $2), $3, $4)
       ON CONFLICT (channel, local_date, paper_id) DO UPDATE SET message = excluded.message
       WHERE roundup_items.message IS NULL`,
      [channel, localDate, paperId, message],
    );
  }

  async recordRoundupFailure(
    channel: ChannelRef,
    localDate: string,
    claimant: string,
    error: string,
    retryAfterMs: number | null,
  ): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE roundups SET failures = failures + 1, last_error = $4, lease_until = NULL,
         state = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'waiting' END,
         retry_at = CASE WHEN $5::float8 IS NULL THEN NULL ELSE ${isoText(`${DB_NOW} + ${millis('$5')}`)} END,
         finished_at = CASE WHEN $5::float8 IS NULL THEN ${isoText(DB_NOW)} ELSE NULL END
       WHERE channel = $1 AND local_date = $2 AND state = 'claimed' AND claimed_by = $3`,
      [channel, localDate, claimant, error, retryAfterMs],
    );
    return r.rowCount === 1;
  }

  async finishRoundup(
    channel: ChannelRef,
    localDate: string,
    state: Exclude<RoundupState, 'claimed' | 'waiting'>,
    note?: string,
  ) {
    await this.pool.query(
      `UPDATE roundups SET state = $1, note = COALESCE($2, note), lease_until = NULL,
         finished_at = ${isoText(DB_NOW)}
       WHERE channel = $3 AND local_date = $4`,
      [state, note ?? null, channel, localDate],
    );
  }

  async getRoundup(channel: ChannelRef, localDate: string): Promise<RoundupRecord | null> {
    const r = await this.pool.query<RoundupRow>(
      'SELECT * FROM roundups WHERE channel = $1 AND local_date = $2',
      [channel, localDate],
    );
    const row = r.rows[0];
    if (!row) return null;
    const items = await this.pool.query<RoundupItemRow>(
      `SELECT paper_id, idem_key, message FROM roundup_items WHERE channel = $1 AND local_date = $2
       ORDER BY position`,
      [channel, localDate],
    );
    return toRoundupRecord(row, items.rows);
  }

  async failedRoundups(filter: {
    channel?: ChannelRef;
    sinceLocalDate?: string;
    limit: number;
  }): Promise<RoundupSummary[]> {
    const r = await this.pool.query<RoundupRow>(
      `SELECT * FROM roundups WHERE state = 'failed' AND ($1::text IS NULL OR channel = $1)
         AND ($2::text IS NULL OR local_date >= $2)
       ORDER BY local_date DESC, channel LIMIT $3`,
      [filter.channel ?? null, filter.sinceLocalDate ?? null, filter.limit],
    );
    return r.rows.map(toRoundupSummary);
  }

  async unfinishedRoundups(filter: { sinceLocalDate: string; limit: number }): Promise<RoundupSummary[]> {
    const r = await this.pool.query<RoundupRow>(
      `SELECT * FROM roundups WHERE state IN ('claimed', 'waiting') AND local_date >= $1
       ORDER BY local_date, channel LIMIT $2`,
      [filter.sinceLocalDate, filter.limit],
    );
    return r.rows.map(toRoundupSummary);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, ${isoText(`${DB_NOW} + ${millis('$3')}`)})
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at::timestamptz < ${DB_NOW}`,
      [name, holder, ttlMs],
    );
    return r.rowCount === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async claimDelivery(platform: string, id: string, holder: string, holdMs: number): Promise<DeliveryClaim> {
    await this.pruneDeliveries();
    // One statement: the outer SELECT sees the row as it was before the INSERT, i.e. the claim in the way.
    const r = await this.pool.query<{ claimed: boolean; state: string | null }>(
      `WITH claim AS (
         INSERT INTO deliveries (platform, id, holder, state, expires_at)
         VALUES ($1, $2, $3, 'handling', ${DB_NOW} + ${millis('$4')})
         ON CONFLICT (platform, id) DO UPDATE
           SET holder = excluded.holder, state = 'handling', expires_at = excluded.expires_at
           WHERE deliveries.expires_at < ${DB_NOW}
         RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
              (SELECT state FROM deliveries WHERE platform = $1 AND id = $2) AS state`,
      [platform, id, holder, holdMs],
    );
    const row = r.rows[0];
    if (row?.claimed) return 'claimed';
    return row?.state === 'done' ? 'handled' : 'handling';
  }

  async finishDelivery(platform: string, id: string, holder: string, keepMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE deliveries SET state = 'done', expires_at = ${DB_NOW} + ${millis('$4')}
       WHERE platform = $1 AND id = $2 AND holder = $3`,
      [platform, id, holder, keepMs],
    );
  }

  async releaseDelivery(platform: string, id: string, holder: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM deliveries WHERE platform = $1 AND id = $2 AND holder = $3 AND state = 'handling'`,
      [platform, id, holder],
    );
  }

  /** When expired deliveries were last removed: at most once a minute, so a claim is one round trip. */
  private prunedAt = 0;
  private async pruneDeliveries(): Promise<void> {
    if (Date.now() - this.prunedAt < 60_000) return;
    this.prunedAt = Date.now();
    await this.pool.query(`DELETE FROM deliveries WHERE expires_at < ${DB_NOW}`);
  }

  // Watches: see WatchStore (src/store/watch-port.ts) and PostgresWatches.
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

  // Reading lists: see ReadingListStore (src/store/reading-list-port.ts) and PostgresReadingList.
  addPin: ReadingListStore['addPin'] = (...a) => this.readingList.addPin(...a);
  removePin: ReadingListStore['removePin'] = (...a) => this.readingList.removePin(...a);
  clearPins: ReadingListStore['clearPins'] = (...a) => this.readingList.clearPins(...a);
  removeFromReadingList: ReadingListStore['removeFromReadingList'] = (...a) =>
    this.readingList.removeFromReadingList(...a);
  readingLists: ReadingListStore['readingLists'] = (...a) => this.readingList.readingLists(...a);
  readingListChannels: ReadingListStore['readingListChannels'] = (...a) =>
    this.readingList.readingListChannels(...a);
  onReadingList: ReadingListStore['onReadingList'] = (...a) => this.readingList.onReadingList(...a);

  /** Nothing to read ahead: its searches keep nothing in the process. */
  async prepareForSearch(): Promise<void> {}

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private transaction<T>(run: (client: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, this.logger, run);
  }

  /** The pool, for benchmarks that measure the raw full-text floor on the same data. */
  get rawPool(): pg.Pool {
    return this.pool;
  }
}

function migrate(pool: pg.Pool, logger: Logger | undefined): Promise<void> {
  return withClient(pool, logger, async (client) => {
    // Session-level lock: instances starting together wait here, then find the migrations applied.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS paperboy_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const done = await client.query<{ version: number }>('SELECT version FROM paperboy_migrations');
      const applied = new Set(done.rows.map((r) => r.version));
      for (const m of POSTGRES_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await m.backfill?.(client);
          await client.query('INSERT INTO paperboy_migrations (version, name) VALUES ($1, $2)', [
            m.version,
            m.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

/** `host:port/database` of a connection URL, without user or password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    // Not a URL (a libpq key/value string): say nothing that could hold a password.
    return 'the configured DATABASE_URL';
  }
}
