import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { normalizeArxivId, normalizeTitle, type Paper, paperSchema } from '../../papers/paper.ts';
import type { SearchQuery } from '../../papers/search-query.ts';
import { containsAll } from '../../papers/text-match.ts';
import { translateUnavailable } from '../errors.ts';
import type {
  ChannelRef,
  ChannelSettings,
  MessageRef,
  PaperStore,
  PostRecord,
  ReactionChange,
  RoundupRecord,
  RoundupState,
  SearchHit,
  StoredPaper,
  TopEntry,
  UpsertResult,
} from '../port.ts';
import {
  type PaperRow,
  paperToRow,
  rowToPaper,
  rowToSettings,
  type SettingsRow,
  toRoundupRecord,
} from '../rows.ts';
import { planUpsert } from '../upsert-plan.ts';
import { toFtsMatch } from './fts-match.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { isSqliteUnavailable } from './unavailable.ts';

type Db = Database.Database;

/** Team votes: distinct people with a reaction on any post of the paper. */
const TEAM_VOTES = `(SELECT COUNT(DISTINCT r.user_ref) FROM posts p JOIN reactions r ON r.message = p.message
  WHERE p.paper_id = papers.id) AS team_votes`;
const PAPER_COLUMNS = `papers.*, ${TEAM_VOTES}`;
/** bm25 column weights: title, abstract, authors, keywords. A title hit outweighs many abstract hits. */
const BM25 = 'bm25(papers_fts, 10.0, 1.0, 2.0, 3.0)';

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing, in ms. */
  busyTimeoutMs?: number;
  /**
   * The clock for everything the store stamps, leases and roundup claims included. A host clock is safe
   * for those here: the file lives on one host, so every process comparing the times reads the same clock.
   */
  now?: () => Date;
}

/**
 * The embedded archive: one SQLite file (WAL, so readers never block the writer), migrated on open.
 * better-sqlite3 is synchronous; the async port lets PostgreSQL implement the same interface. A write
 * that waits out the busy timeout behind another writer rejects with StoreUnavailableError.
 */
export class SqliteStore implements PaperStore {
  private readonly db: Db;
  private readonly now: () => Date;

  private constructor(db: Db, now: () => Date) {
    this.db = db;
    this.now = now;
  }

  /** Opens (creating the file and its folder if needed) and migrates. `:memory:` works for tests. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // 32 MB of page cache (default 2 MB): FTS5 segment merges during bulk ingest are the hot path.
    db.pragma('cache_size = -32768');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return translateUnavailable(
      new SqliteStore(db, options.now ?? (() => new Date())),
      'sqlite',
      isSqliteUnavailable,
    );
  }

  async upsertPapers(papers: readonly Paper[]): Promise<UpsertResult> {
    // Validate the whole batch before writing any of it: a bad paper must not leave half a batch behind.
    const valid = papers.map((p) => paperSchema.parse(p));
    const now = this.now().toISOString();
    const run = this.db.transaction((): UpsertResult => {
      const known = this.stmt(
        // Two indexed lookups: with OR, SQLite scans the whole table for every batch.
        `SELECT rowid, * FROM papers WHERE id IN (SELECT value FROM json_each(?))
         UNION SELECT rowid, * FROM papers WHERE title_key IN (SELECT value FROM json_each(?))`,
      ).all(
        JSON.stringify(valid.map((p) => p.id)),
        JSON.stringify(valid.map((p) => normalizeTitle(p.title))),
      ) as (PaperRow & {
        rowid: number;
      })[];
      const plan = planUpsert(
        known.map((r) => ({ key: r.rowid, paper: rowToPaper(r) })),
        valid,
      );
      const insert = this.stmt(
        `INSERT INTO papers (id, arxiv_id, title_key, title, abstract, authors, keywords, author_count, org_id,
          org_name, published_at, feed_date, upvotes, comments, extras, first_seen_at, updated_at)
         VALUES (@id, @arxiv_id, @title_key, @title, @abstract, @authors, @keywords, @author_count, @org_id,
          @org_name, @published_at, @feed_date, @upvotes, @comments, @extras, @now, @now)`,
      );
      for (const p of plan.inserts) insert.run({ ...paperToRow(p), now });
      for (const u of plan.updates) {
        // Text columns are assigned only when they changed, so the FTS update trigger fires only then.
        const textSet = u.textChanged
          ? 'title = @title, abstract = @abstract, authors = @authors, keywords = @keywords,'
          : '';
        this.stmt(
          `UPDATE papers SET id = @id, arxiv_id = @arxiv_id, title_key = @title_key, ${textSet}
            author_count = @author_count, org_id = @org_id, org_name = @org_name, published_at = @published_at,
            feed_date = @feed_date, upvotes = @upvotes, comments = @comments, extras = @extras, updated_at = @now
           WHERE rowid = @rowid`,
        ).run({ ...paperToRow(u.paper), now, rowid: u.key });
      }
      for (const r of plan.renames) {
        // A title-keyed paper learned its arXiv id: everything that pointed at the old id follows.
        this.stmt('UPDATE posts SET paper_id = ? WHERE paper_id = ?').run(r.to, r.from);
        this.stmt('UPDATE roundup_items SET paper_id = ? WHERE paper_id = ?').run(r.to, r.from);
      }
      return { inserted: plan.inserted, updated: plan.updated, unchanged: plan.unchanged };
    });
    return run.immediate();
  }

  async getPaper(id: string): Promise<StoredPaper | null> {
    const key = normalizeArxivId(id) ?? id;
    const row = this.stmt(`SELECT ${PAPER_COLUMNS} FROM papers WHERE id = ? OR arxiv_id = ?`).get(key, key);
    return row ? rowToPaper(row as PaperRow) : null;
  }

  async search(query: SearchQuery, limit: number): Promise<SearchHit[]> {
    // Rank on the FTS table alone first: paper rows and vote counts are read only for the top `limit`,
    // never for every match of a common term.
    const ranked = this.stmt(
      `SELECT rowid, -${BM25} AS relevance FROM papers_fts WHERE papers_fts MATCH ? ORDER BY ${BM25} LIMIT ?`,
    ).all(toFtsMatch(query), limit) as { rowid: number; relevance: number }[];
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
        ? [{ paper: rowToPaper(row), relevance: r.relevance, titleMatch: containsAll(row.title, query.must) }]
        : [];
    });
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

  async clearReactions(messages: readonly MessageRef[], emoji: string | null): Promise<number> {
    const inMessages = 'message IN (SELECT value FROM json_each(?))';
    const list = JSON.stringify(messages);
    const result =
      emoji === null
        ? this.stmt(`DELETE FROM reactions WHERE ${inMessages}`).run(list)
        : this.stmt(`DELETE FROM reactions WHERE ${inMessages} AND emoji = ?`).run(list, emoji);
    return result.changes;
  }

  private changeReaction(c: ReactionChange, add: boolean): number | null {
    const run = this.db.transaction((): number | null => {
      const post = this.stmt('SELECT paper_id FROM posts WHERE message = ?').get(c.message) as
        | { paper_id: string | null }
        | undefined;
      if (!post?.paper_id) return null;
      if (add) {
        this.stmt(
          'INSERT INTO reactions (message, user_ref, emoji, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        ).run(c.message, c.user, c.emoji, c.at);
      } else {
        this.stmt('DELETE FROM reactions WHERE message = ? AND user_ref = ? AND emoji = ?').run(
          c.message,
          c.user,
          c.emoji,
        );
      }
      const n = this.stmt(
        `SELECT COUNT(DISTINCT r.user_ref) AS n FROM posts p JOIN reactions r ON r.message = p.message
         WHERE p.paper_id = ?`,
      ).get(post.paper_id) as { n: number };
      return n.n;
    });
    return run.immediate();
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
    staleAfterMs: number,
  ): Promise<boolean> {
    const now = this.now();
    const staleBefore = new Date(now.getTime() - staleAfterMs).toISOString();
    const info = this.stmt(
      `INSERT INTO roundups (channel, local_date, state, claimed_by, claimed_at) VALUES (?, ?, 'claimed', ?, ?)
       ON CONFLICT(channel, local_date) DO UPDATE SET claimed_by = excluded.claimed_by,
         claimed_at = excluded.claimed_at
       WHERE roundups.state = 'claimed' AND roundups.claimed_at < ?`,
    ).run(channel, localDate, claimant, now.toISOString(), staleBefore);
    return info.changes === 1;
  }

  async recordRoundupItem(channel: ChannelRef, localDate: string, paperId: string, message: MessageRef) {
    this.stmt(
      `INSERT INTO roundup_items (channel, local_date, position, paper_id, message)
       VALUES (@channel, @localDate, (SELECT COUNT(*) FROM roundup_items WHERE channel = @channel
         AND local_date = @localDate), @paperId, @message)
       ON CONFLICT DO NOTHING`,
    ).run({ channel, localDate, paperId, message });
    // Each posted item renews the claim, so a long (paced, rate-limited) roundup is never taken for a
    // crashed one while it is still making progress.
    this.stmt(
      "UPDATE roundups SET claimed_at = ? WHERE channel = ? AND local_date = ? AND state = 'claimed'",
    ).run(this.now().toISOString(), channel, localDate);
  }

  async finishRoundup(
    channel: ChannelRef,
    localDate: string,
    state: Exclude<RoundupState, 'claimed'>,
    note?: string,
  ): Promise<void> {
    this.stmt('UPDATE roundups SET state = ?, note = ? WHERE channel = ? AND local_date = ?').run(
      state,
      note ?? null,
      channel,
      localDate,
    );
  }

  async getRoundup(channel: ChannelRef, localDate: string): Promise<RoundupRecord | null> {
    const row = this.stmt('SELECT * FROM roundups WHERE channel = ? AND local_date = ?').get(
      channel,
      localDate,
    ) as { state: RoundupState; claimed_by: string; claimed_at: string; note: string | null } | undefined;
    if (!row) return null;
    const items = this.stmt(
      `SELECT paper_id AS paperId, message FROM roundup_items WHERE channel = ? AND local_date = ?
       ORDER BY position`,
    ).all(channel, localDate) as { paperId: string; message: string }[];
    return toRoundupRecord(channel, localDate, row, items);
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
  get rawDatabase(): Db {
    return this.db;
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue;
    // IMMEDIATE: two processes opening a fresh file at once must not both run the same migration.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
