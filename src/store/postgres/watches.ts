import type pg from 'pg';
import type { Logger } from '../../log.ts';
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
import { ADD_WATCH_LOCK, CLAIM_LOCK } from './advisory-locks.ts';
import { inTransaction, type Queryable } from './pool.ts';
import { toTsQuery } from './tsquery.ts';

/**
 * Ledger times come from the database's clock, as roundup claims do: instances on several hosts compare
 * each other's leases. The statement's transaction start, as ISO text.
 */
const NOW = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const nowPlus = (param: string) =>
  `to_char((now() + ${param}::float8 * interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ITEMS = 'SELECT paper_id, watch_id, query FROM watch_matches WHERE delivery_id = $1 ORDER BY seq';

export interface PostgresWatchDeps {
  pool: pg.Pool;
  logger: Logger | undefined;
  /** The paper columns the store selects (with team votes). */
  paperColumns: string;
  /**
   * The clock papers' `first_seen_at` comes from: a watch's `created_at` is stamped by the same one, since
   * a watch matches only papers first seen after it.
   */
  now: () => Date;
}

/** Watches and their delivery ledger on PostgreSQL; see WatchStore for each method's contract. */
export class PostgresWatches implements WatchStore {
  readonly #d: PostgresWatchDeps;

  constructor(deps: PostgresWatchDeps) {
    this.#d = deps;
  }

  #tx<T>(work: (c: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.#d.pool, this.#d.logger, work);
  }

  async addWatch(owner: string, query: string, channel: string, limit: number): Promise<Watch | null> {
    return this.#tx(async (c) => {
      // One person's adds at a time, so two at once cannot both pass the limit.
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADD_WATCH_LOCK, owner]);
      const r = await c.query<WatchRow>(
        `INSERT INTO watches (owner, query, channel, created_at)
         SELECT $1, $2, $3, $5 WHERE (SELECT COUNT(*) FROM watches WHERE owner = $1) < $4
         RETURNING *`,
        [owner, query, channel, limit, this.#d.now().toISOString()],
      );
      return r.rows[0] ? rowToWatch(r.rows[0]) : null;
    });
  }

  async listWatches(owner: string): Promise<Watch[]> {
    const r = await this.#d.pool.query<WatchRow>('SELECT * FROM watches WHERE owner = $1 ORDER BY id', [
      owner,
    ]);
    return r.rows.map(rowToWatch);
  }

  async removeWatch(owner: string, id: number): Promise<boolean> {
    return this.#tx(async (c) => {
      const r = await c.query('DELETE FROM watches WHERE owner = $1 AND id = $2', [owner, id]);
      if (r.rowCount !== 1) return false;
      await c.query('DELETE FROM watch_matches WHERE owner = $1 AND watch_id = $2 AND delivery_id IS NULL', [
        owner,
        id,
      ]);
      return true;
    });
  }

  async activeWatches(): Promise<Watch[]> {
    const r = await this.#d.pool.query<WatchRow>(
      `SELECT w.* FROM watches w LEFT JOIN watchers s ON s.owner = w.owner
       WHERE s.paused IS NULL OR NOT s.paused ORDER BY w.id`,
    );
    return r.rows.map(rowToWatch);
  }

  async getWatcher(owner: string): Promise<WatcherSettings | null> {
    const r = await this.#d.pool.query<WatcherRow>('SELECT * FROM watchers WHERE owner = $1', [owner]);
    return r.rows[0] ? rowToWatcher(r.rows[0]) : null;
  }

  async saveWatcher(s: WatcherSettings): Promise<void> {
    await this.#d.pool.query(
      `INSERT INTO watchers (owner, mode, time, timezone, paused, paused_reason, dm_channel, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (owner) DO UPDATE SET mode = excluded.mode, time = excluded.time,
         timezone = excluded.timezone, paused = excluded.paused, paused_reason = excluded.paused_reason,
         dm_channel = excluded.dm_channel, updated_at = excluded.updated_at`,
      [s.owner, s.mode, s.time, s.timezone, s.paused, s.pausedReason, s.dmChannel, s.updatedAt],
    );
  }

  async updateWatcher(owner: string, patch: WatcherPatch, at: string): Promise<WatcherSettings> {
    const { row: s, columns } = watcherPatch(owner, patch, at);
    const set = columns.map((c) => `${c} = excluded.${c}`).join(', ');
    const r = await this.#d.pool.query<WatcherRow>(
      `INSERT INTO watchers (owner, mode, time, timezone, paused, paused_reason, dm_channel, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (owner) DO UPDATE SET ${set} RETURNING *`,
      [s.owner, s.mode, s.time, s.timezone, s.paused, s.pausedReason, s.dmChannel, s.updatedAt],
    );
    return rowToWatcher(r.rows[0]!);
  }

  async countMatching(query: SearchQuery): Promise<number> {
    const tsq = toTsQuery(query, 1);
    const r = await this.#d.pool.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM papers WHERE search @@ (${tsq.sql})`,
      tsq.params,
    );
    return r.rows[0]?.n ?? 0;
  }

  async watchCursor(): Promise<number> {
    const r = await this.#d.pool.query<{ seq: string }>('SELECT seq FROM watch_cursor WHERE only_row = 1');
    return Number(r.rows[0]?.seq ?? 0);
  }

  async papersAfter(seq: number, limit: number): Promise<NewPaper[]> {
    const r = await this.#d.pool.query<PaperRow & { seq: string }>(
      `SELECT papers.rowid AS seq, ${this.#d.paperColumns} FROM papers WHERE rowid > $1 ORDER BY rowid LIMIT $2`,
      [seq, limit],
    );
    return r.rows.map((row) => ({ seq: Number(row.seq), paper: rowToPaper(row) }));
  }

  async recordWatchMatches(fromSeq: number, toSeq: number, matches: readonly WatchMatch[]): Promise<boolean> {
    return this.#tx(async (c) => {
      // The row lock makes a second instance wait here, then find the cursor moved and record nothing.
      const moved = await c.query('UPDATE watch_cursor SET seq = $2 WHERE only_row = 1 AND seq = $1', [
        fromSeq,
        toSeq,
      ]);
      if (moved.rowCount !== 1) return false;
      if (matches.length > 0) {
        await c.query(
          `INSERT INTO watch_matches (owner, paper_id, watch_id, query, matched_at)
           SELECT x.owner, x.paper_id, x.watch_id, x.query, ${NOW}
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY
             AS x(owner, paper_id, watch_id, query, ord)
           ORDER BY x.ord
           ON CONFLICT DO NOTHING`,
          [
            matches.map((m) => m.owner),
            matches.map((m) => m.paperId),
            matches.map((m) => m.watchId),
            matches.map((m) => m.query),
          ],
        );
      }
      return true;
    });
  }

  async watchMatchCounts(owner: string, since: string): Promise<Map<number, number>> {
    const r = await this.#d.pool.query<{ watch_id: string; n: number }>(
      `SELECT watch_id, COUNT(*)::int AS n FROM watch_matches WHERE owner = $1 AND matched_at >= $2
       GROUP BY watch_id`,
      [owner, since],
    );
    return new Map(r.rows.map((row) => [Number(row.watch_id), row.n]));
  }

  async ownersToDeliver(): Promise<string[]> {
    const r = await this.#d.pool.query<{ owner: string }>(
      `SELECT DISTINCT m.owner FROM watch_matches m LEFT JOIN watchers s ON s.owner = m.owner
       WHERE m.delivery_id IS NULL AND (s.paused IS NULL OR NOT s.paused)
       UNION SELECT owner FROM watch_deliveries
       WHERE state = 'claimed' AND (retry_at IS NULL OR retry_at::timestamptz <= now())`,
    );
    return r.rows.map((row) => row.owner);
  }

  async claimWatchDelivery(
    owner: string,
    claimant: string,
    leaseMs: number,
    plan: WatchDeliveryPlan | null,
  ): Promise<WatchDelivery | null> {
    return this.#tx(async (c) => {
      // One claim per person at a time across instances: the check and the plan must not interleave.
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CLAIM_LOCK, owner]);
      const open = await c.query<DeliveryRow & { live: boolean; waiting: boolean }>(
        `SELECT *, (lease_until IS NOT NULL AND lease_until::timestamptz >= now()) AS live,
           (retry_at IS NOT NULL AND retry_at::timestamptz > now()) AS waiting
         FROM watch_deliveries WHERE owner = $1 AND state = 'claimed' ORDER BY id LIMIT 1`,
        [owner],
      );
      const row = open.rows[0];
      if (row) {
        // After a failed try it waits for its time; a live run elsewhere holds it.
        if (row.waiting || (row.claimed_by !== claimant && row.live)) return null;
        const r = await c.query<DeliveryRow>(
          `UPDATE watch_deliveries SET claimed_by = $2, lease_until = ${nowPlus('$3')}, retry_at = NULL
           WHERE id = $1
           RETURNING *`,
          [row.id, claimant, leaseMs],
        );
        const items = await c.query<MatchItemRow>(ITEMS, [row.id]);
        return r.rows[0] ? toDelivery(r.rows[0], items.rows, true) : null;
      }
      if (!plan) return null;
      const pending = await c.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM watch_matches WHERE owner = $1 AND delivery_id IS NULL
           AND ($2::text IS NULL OR matched_at <= $2)`,
        [owner, plan.upTo],
      );
      if ((pending.rows[0]?.n ?? 0) === 0) return null;
      if (plan.localDate !== null) {
        const done = await c.query('SELECT 1 FROM watch_deliveries WHERE owner = $1 AND local_date = $2', [
          owner,
          plan.localDate,
        ]);
        if ((done.rowCount ?? 0) > 0) return null;
      }
      const made = await c.query<DeliveryRow>(
        `INSERT INTO watch_deliveries (owner, state, claimed_by, lease_until, idem_key, planned_at, local_date)
         VALUES ($1, 'claimed', $2, ${nowPlus('$3')}, $4, ${NOW}, $5) RETURNING *`,
        [owner, claimant, leaseMs, plan.key, plan.localDate],
      );
      const delivery = made.rows[0];
      if (!delivery) return null;
      await c.query(
        `UPDATE watch_matches SET delivery_id = $1 WHERE owner = $2 AND delivery_id IS NULL
           AND ($3::text IS NULL OR matched_at <= $3)`,
        [delivery.id, owner, plan.upTo],
      );
      const items = await c.query<MatchItemRow>(ITEMS, [delivery.id]);
      return toDelivery(delivery, items.rows, false);
    });
  }

  async renewWatchDelivery(id: number, claimant: string, leaseMs: number): Promise<boolean> {
    const r = await this.#d.pool.query(
      `UPDATE watch_deliveries SET lease_until = ${nowPlus('$3')}
       WHERE id = $1 AND state = 'claimed' AND claimed_by = $2`,
      [id, claimant, leaseMs],
    );
    return r.rowCount === 1;
  }

  async finishWatchDelivery(
    id: number,
    outcome: { state: 'sent'; message: string } | { state: 'undeliverable'; note: string },
  ): Promise<void> {
    await this.#d.pool.query(
      `UPDATE watch_deliveries SET state = $2, message = $3, note = $4, lease_until = NULL,
         finished_at = ${NOW} WHERE id = $1 AND state = 'claimed'`,
      [
        id,
        outcome.state,
        outcome.state === 'sent' ? outcome.message : null,
        outcome.state === 'undeliverable' ? outcome.note : null,
      ],
    );
  }

  async recordWatchDeliveryFailure(
    id: number,
    claimant: string,
    note: string,
    retryAfterMs: number | null,
  ): Promise<boolean> {
    const r = await this.#d.pool.query(
      `UPDATE watch_deliveries SET attempts = attempts + 1, note = $3, lease_until = NULL,
         state = CASE WHEN $4::float8 IS NULL THEN 'undeliverable' ELSE state END,
         retry_at = CASE WHEN $4::float8 IS NULL THEN NULL ELSE ${nowPlus('$4')} END,
         finished_at = CASE WHEN $4::float8 IS NULL THEN ${NOW} ELSE NULL END
       WHERE id = $1 AND state = 'claimed' AND claimed_by = $2`,
      [id, claimant, note, retryAfterMs],
    );
    return r.rowCount === 1;
  }

  async getWatchDelivery(id: number) {
    const r = await this.#d.pool.query<DeliveryRow>('SELECT * FROM watch_deliveries WHERE id = $1', [id]);
    const row = r.rows[0];
    if (!row) return null;
    const items = await this.#d.pool.query<MatchItemRow>(ITEMS, [id]);
    const { resumed: _, ...delivery } = toDelivery(row, items.rows, false);
    return { ...delivery, state: row.state as 'claimed' | 'sent' | 'undeliverable', message: row.message };
  }
}
