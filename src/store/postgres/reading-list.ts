import type pg from 'pg';
import type { StoredPaper } from '../port.ts';
import type { PinOutcome, ReadingListEntry, ReadingListPin, ReadingListStore } from '../reading-list-port.ts';
import { groupPins, type PinRow, SAVED_VIA } from '../reading-list-rows.ts';
import { type PaperRow, rowToPaper } from '../rows.ts';

/** What the PostgreSQL reading list needs from its store. */
export interface PostgresReadingListDeps {
  pool: pg.Pool;
  /** The paper columns the store selects (with team votes). */
  paperColumns: string;
}

/** Each channel's reading list on PostgreSQL; see ReadingListStore for each method's contract. */
export class PostgresReadingList implements ReadingListStore {
  readonly #d: PostgresReadingListDeps;

  constructor(deps: PostgresReadingListDeps) {
    this.#d = deps;
  }

  async addPin(pin: ReadingListPin): Promise<PinOutcome> {
    // One statement: the count is read from the snapshot before the insert, the insert is atomic.
    const r = await this.#d.pool.query<{ before: number; inserted: number }>(
      `WITH ins AS (
         INSERT INTO reading_list (channel, paper_id, user_ref, via, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT (SELECT COUNT(*)::int FROM reading_list WHERE channel = $1 AND paper_id = $2) AS before,
              (SELECT COUNT(*)::int FROM ins) AS inserted`,
      [pin.channel, pin.paperId, pin.user, pin.via ?? SAVED_VIA, pin.at],
    );
    const row = r.rows[0];
    if (!row || row.inserted === 0) return 'unchanged';
    return row.before === 0 ? 'added' : 'listed';
  }

  async removePin(pin: Omit<ReadingListPin, 'at'>): Promise<boolean> {
    const r = await this.#d.pool.query<{ remaining: number }>(
      `WITH del AS (
         DELETE FROM reading_list WHERE channel = $1 AND paper_id = $2 AND user_ref = $3 AND via = $4
         RETURNING 1)
       SELECT (SELECT COUNT(*)::int FROM reading_list WHERE channel = $1 AND paper_id = $2)
            - (SELECT COUNT(*)::int FROM del) AS remaining`,
      [pin.channel, pin.paperId, pin.user, pin.via ?? SAVED_VIA],
    );
    return (r.rows[0]?.remaining ?? 0) > 0;
  }

  async clearPins(messages: readonly string[]): Promise<number> {
    const list = messages.filter((m) => m !== SAVED_VIA);
    const r = await this.#d.pool.query('DELETE FROM reading_list WHERE via = ANY($1::text[])', [list]);
    return r.rowCount ?? 0;
  }

  async removeFromReadingList(channel: string, paperId: string): Promise<boolean> {
    const r = await this.#d.pool.query('DELETE FROM reading_list WHERE channel = $1 AND paper_id = $2', [
      channel,
      paperId,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async readingLists(channels: readonly string[], limit: number): Promise<ReadingListEntry[]> {
    if (channels.length === 0) return [];
    const rows = await this.#d.pool.query<PinRow>(
      `SELECT channel, paper_id, user_ref, MIN(at) AS at FROM reading_list
       WHERE channel = ANY($1::text[]) GROUP BY channel, paper_id, user_ref`,
      [channels],
    );
    const ids = [...new Set(rows.rows.map((r) => r.paper_id))];
    const papers = new Map<string, StoredPaper>();
    if (ids.length > 0) {
      const found = await this.#d.pool.query<PaperRow>(
        `SELECT ${this.#d.paperColumns} FROM papers WHERE id = ANY($1::text[])`,
        [ids],
      );
      for (const r of found.rows) papers.set(r.id, rowToPaper(r));
    }
    return groupPins(channels, rows.rows, papers, limit);
  }

  async readingListChannels(prefix: string): Promise<string[]> {
    const r = await this.#d.pool.query<{ channel: string }>(
      `SELECT channel FROM reading_list WHERE left(channel, length($1)) = $1
       GROUP BY channel ORDER BY channel COLLATE "C"`,
      [prefix],
    );
    return r.rows.map((x) => x.channel);
  }

  async onReadingList(channel: string, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const r = await this.#d.pool.query<{ paper_id: string }>(
      'SELECT DISTINCT paper_id FROM reading_list WHERE channel = $1 AND paper_id = ANY($2::text[])',
      [channel, paperIds],
    );
    return new Set(r.rows.map((x) => x.paper_id));
  }
}
