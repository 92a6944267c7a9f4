import type Database from 'better-sqlite3';
import type { SearchQuery } from '../../papers/search-query.ts';
import { type PaperRow, rowToPaper } from '../rows.ts';
import type {
  NewPaper,
  Watch,
  WatchDelivery,
  WatchDeliveryPlan,
  WatcherPatch,
  WatcherSettings,
  WatchMatch,
  WatchStore,
} from '../watch-port.ts';
import {
  type DeliveryRow,
  type MatchItemRow,
  rowToWatch,
  rowToWatcher,
  toDelivery,
  type WatcherRow,
  type WatchRow,
  watcherPatch,
} from '../watch-rows.ts';
import { toFtsMatch } from './fts-match.ts';

/** What the SQLite watch tables need from their store: the handle, its clock and its statement cache. */
export interface SqliteWatchDeps {
  db: Database.Database;
  now: () => Date;
  stmt: (sql: string) => Database.Statement;
  /** The paper columns the store selects (with team votes), so new papers read like any other. */
  paperColumns: string;
}

const ITEMS = `SELECT paper_id, watch_id, query FROM watch_matches WHERE delivery_id = ?
  ORDER BY matched_at, rowid`;

/**
 * Watches and their delivery ledger on SQLite. Every multi-statement change is one IMMEDIATE transaction,
 * so processes sharing the file see each claim and cursor move whole. Times are the host's clock: the file
 * lives on one host, so every process compares times from the same clock.
 */
export class SqliteWatches implements WatchStore {
  readonly #d: SqliteWatchDeps;

  constructor(deps: SqliteWatchDeps) {
    this.#d = deps;
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#d.now().getTime() + offsetMs).toISOString();
  }

  async addWatch(owner: string, query: string, channel: string, limit: number): Promise<Watch | null> {
    const run = this.#d.db.transaction((): Watch | null => {
      const { n } = this.#d.stmt('SELECT COUNT(*) AS n FROM watches WHERE owner = ?').get(owner) as {
        n: number;
      };
      if (n >= limit) return null;
      const createdAt = this.#iso();
      const info = this.#d
        .stmt('INSERT INTO watches (owner, query, channel, created_at) VALUES (?, ?, ?, ?)')
        .run(owner, query, channel, createdAt);
      return { id: Number(info.lastInsertRowid), owner, query, channel, createdAt };
    });
    return run.immediate();
  }

  async listWatches(owner: string): Promise<Watch[]> {
    const rows = this.#d.stmt('SELECT * FROM watches WHERE owner = ? ORDER BY id').all(owner) as WatchRow[];
    return rows.map(rowToWatch);
  }

  async removeWatch(owner: string, id: number): Promise<boolean> {
    const run = this.#d.db.transaction((): boolean => {
      const info = this.#d.stmt('DELETE FROM watches WHERE owner = ? AND id = ?').run(owner, id);
      if (info.changes === 0) return false;
      this.#d
        .stmt('DELETE FROM watch_matches WHERE owner = ? AND watch_id = ? AND delivery_id IS NULL')
        .run(owner, id);
      return true;
    });
    return run.immediate();
  }

  async activeWatches(): Promise<Watch[]> {
    const rows = this.#d
      .stmt(
        `SELECT w.* FROM watches w LEFT JOIN watchers s ON s.owner = w.owner
         WHERE s.paused IS NULL OR s.paused = 0 ORDER BY w.id`,
      )
      .all() as WatchRow[];
    return rows.map(rowToWatch);
  }

  async getWatcher(owner: string): Promise<WatcherSettings | null> {
    const row = this.#d.stmt('SELECT * FROM watchers WHERE owner = ?').get(owner) as WatcherRow | undefined;
    return row ? rowToWatcher(row) : null;
  }

  async saveWatcher(s: WatcherSettings): Promise<void> {
    this.#d
      .stmt(
        `INSERT INTO watchers (owner, mode, time, timezone, paused, paused_reason, dm_channel, updated_at)
         VALUES (@owner, @mode, @time, @timezone, @paused, @pausedReason, @dmChannel, @updatedAt)
         ON CONFLICT(owner) DO UPDATE SET mode = excluded.mode, time = excluded.time,
           timezone = excluded.timezone, paused = excluded.paused, paused_reason = excluded.paused_reason,
           dm_channel = excluded.dm_channel, updated_at = excluded.updated_at`,
      )
      .run({ ...s, paused: s.paused ? 1 : 0 });
  }

  async updateWatcher(owner: string, patch: WatcherPatch, at: string): Promise<WatcherSettings> {
    const { row, columns } = watcherPatch(owner, patch, at);
    const set = columns.map((c) => `${c} = excluded.${c}`).join(', ');
    const saved = this.#d
      .stmt(
        `INSERT INTO watchers (owner, mode, time, timezone, paused, paused_reason, dm_channel, updated_at)
         VALUES (@owner, @mode, @time, @timezone, @paused, @pausedReason, @dmChannel, @updatedAt)
         ON CONFLICT(owner) DO UPDATE SET ${set} RETURNING *`,
      )
      .get({ ...row, paused: row.paused ? 1 : 0 }) as WatcherRow;
    return rowToWatcher(saved);
  }

  async countMatching(query: SearchQuery): Promise<number> {
    const row = this.#d
      .stmt('SELECT COUNT(*) AS n FROM papers_fts WHERE papers_fts MATCH ?')
      .get(toFtsMatch(query)) as { n: number };
    return row.n;
  }

  async watchCursor(): Promise<number> {
    const row = this.#d.stmt('SELECT seq FROM watch_cursor WHERE only_row = 1').get() as
      | { seq: number }
      | undefined;
    return row?.seq ?? 0;
  }

  async papersAfter(seq: number, limit: number): Promise<NewPaper[]> {
    const rows = this.#d
      .stmt(
        `SELECT papers.rowid AS seq, ${this.#d.paperColumns} FROM papers WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      )
      .all(seq, limit) as (PaperRow & { seq: number })[];
    return rows.map((r) => ({ seq: r.seq, paper: rowToPaper(r) }));
  }

  async recordWatchMatches(fromSeq: number, toSeq: number, matches: readonly WatchMatch[]): Promise<boolean> {
    const run = this.#d.db.transaction((): boolean => {
      const moved = this.#d
        .stmt('UPDATE watch_cursor SET seq = ? WHERE only_row = 1 AND seq = ?')
        .run(toSeq, fromSeq);
      if (moved.changes !== 1) return false;
      const insert = this.#d.stmt(
        `INSERT INTO watch_matches (owner, paper_id, watch_id, query, matched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      );
      const at = this.#iso();
      for (const m of matches) insert.run(m.owner, m.paperId, m.watchId, m.query, at);
      return true;
    });
    return run.immediate();
  }

  async watchMatchCounts(owner: string, since: string): Promise<Map<number, number>> {
    const rows = this.#d
      .stmt(
        `SELECT watch_id, COUNT(*) AS n FROM watch_matches WHERE owner = ? AND matched_at >= ?
         GROUP BY watch_id`,
      )
      .all(owner, since) as { watch_id: number; n: number }[];
    return new Map(rows.map((r) => [r.watch_id, r.n]));
  }

  async ownersToDeliver(): Promise<string[]> {
    const rows = this.#d
      .stmt(
        `SELECT DISTINCT m.owner FROM watch_matches m LEFT JOIN watchers s ON s.owner = m.owner
         WHERE m.delivery_id IS NULL AND (s.paused IS NULL OR s.paused = 0)
         UNION SELECT owner FROM watch_deliveries
         WHERE state = 'claimed' AND (retry_at IS NULL OR retry_at <= ?)`,
      )
      .all(this.#iso()) as { owner: string }[];
    return rows.map((r) => r.owner);
  }

  async claimWatchDelivery(
    owner: string,
    claimant: string,
    leaseMs: number,
    plan: WatchDeliveryPlan | null,
  ): Promise<WatchDelivery | null> {
    const run = this.#d.db.transaction((): WatchDelivery | null => {
      const now = this.#iso();
      const until = this.#iso(leaseMs);
      const open = this.#d
        .stmt(`SELECT * FROM watch_deliveries WHERE owner = ? AND state = 'claimed' ORDER BY id LIMIT 1`)
        .get(owner) as DeliveryRow | undefined;
      if (open) {
        // After a failed try it waits for its time; a live run elsewhere holds it; a dead one (its lease
        // run out) or one whose try failed is taken over as planned.
        if (open.retry_at !== null && open.retry_at > now) return null;
        if (open.claimed_by !== claimant && open.lease_until !== null && open.lease_until >= now) return null;
        this.#d
          .stmt('UPDATE watch_deliveries SET claimed_by = ?, lease_until = ?, retry_at = NULL WHERE id = ?')
          .run(claimant, until, open.id);
        const items = this.#d.stmt(ITEMS).all(open.id) as MatchItemRow[];
        return toDelivery({ ...open, claimed_by: claimant, lease_until: until, retry_at: null }, items, true);
      }
      if (!plan) return null;
      const pending = this.#d
        .stmt(
          `SELECT COUNT(*) AS n FROM watch_matches WHERE owner = @owner AND delivery_id IS NULL
             AND (@upTo IS NULL OR matched_at <= @upTo)`,
        )
        .get({ owner, upTo: plan.upTo }) as { n: number };
      if (pending.n === 0) return null;
      if (plan.localDate !== null) {
        const done = this.#d
          .stmt('SELECT 1 FROM watch_deliveries WHERE owner = ? AND local_date = ?')
          .get(owner, plan.localDate);
        if (done) return null;
      }
      const info = this.#d
        .stmt(
          `INSERT INTO watch_deliveries (owner, state, claimed_by, lease_until, idem_key, planned_at, local_date)
           VALUES (?, 'claimed', ?, ?, ?, ?, ?)`,
        )
        .run(owner, claimant, until, plan.key, now, plan.localDate);
      const id = Number(info.lastInsertRowid);
      this.#d
        .stmt(
          `UPDATE watch_matches SET delivery_id = @id WHERE owner = @owner AND delivery_id IS NULL
             AND (@upTo IS NULL OR matched_at <= @upTo)`,
        )
        .run({ id, owner, upTo: plan.upTo });
      const row: DeliveryRow = {
        id,
        owner,
        state: 'claimed',
        claimed_by: claimant,
        lease_until: until,
        idem_key: plan.key,
        planned_at: now,
        local_date: plan.localDate,
        message: null,
        attempts: 0,
        retry_at: null,
      };
      return toDelivery(row, this.#d.stmt(ITEMS).all(id) as MatchItemRow[], false);
    });
    return run.immediate();
  }

  async renewWatchDelivery(id: number, claimant: string, leaseMs: number): Promise<boolean> {
    const info = this.#d
      .stmt(
        `UPDATE watch_deliveries SET lease_until = ? WHERE id = ? AND state = 'claimed' AND claimed_by = ?`,
      )
      .run(this.#iso(leaseMs), id, claimant);
    return info.changes === 1;
  }

  async finishWatchDelivery(
    id: number,
    outcome: { state: 'sent'; message: string } | { state: 'undeliverable'; note: string },
  ): Promise<void> {
    this.#d
      .stmt(
        `UPDATE watch_deliveries SET state = ?, message = ?, note = ?, lease_until = NULL, finished_at = ?
         WHERE id = ? AND state = 'claimed'`,
      )
      .run(
        outcome.state,
        outcome.state === 'sent' ? outcome.message : null,
        outcome.state === 'undeliverable' ? outcome.note : null,
        this.#iso(),
        id,
      );
  }

  async recordWatchDeliveryFailure(
    id: number,
    claimant: string,
    note: string,
    retryAfterMs: number | null,
  ): Promise<boolean> {
    const giveUp = retryAfterMs === null;
    const info = this.#d
      .stmt(
        `UPDATE watch_deliveries SET attempts = attempts + 1, note = @note, lease_until = NULL,
           state = @state, retry_at = @retryAt, finished_at = @finishedAt
         WHERE id = @id AND state = 'claimed' AND claimed_by = @claimant`,
      )
      .run({
        id,
        claimant,
        note,
        state: giveUp ? 'undeliverable' : 'claimed',
        retryAt: giveUp ? null : this.#iso(retryAfterMs),
        finishedAt: giveUp ? this.#iso() : null,
      });
    return info.changes === 1;
  }

  async getWatchDelivery(id: number) {
    const row = this.#d.stmt('SELECT * FROM watch_deliveries WHERE id = ?').get(id) as
      | DeliveryRow
      | undefined;
    if (!row) return null;
    const { resumed: _, ...delivery } = toDelivery(row, this.#d.stmt(ITEMS).all(id) as MatchItemRow[], false);
    return { ...delivery, state: row.state as 'claimed' | 'sent' | 'undeliverable', message: row.message };
  }
}
