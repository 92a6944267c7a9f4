import type Database from 'better-sqlite3';
import type { StoredPaper } from '../port.ts';
import type { PinOutcome, ReadingListEntry, ReadingListPin, ReadingListStore } from '../reading-list-port.ts';
import { groupPins, type PinRow, SAVED_VIA } from '../reading-list-rows.ts';
import { type PaperRow, rowToPaper } from '../rows.ts';

/** What the SQLite reading list needs from its store: the handle and its statement cache. */
export interface SqliteReadingListDeps {
  db: Database.Database;
  stmt: (sql: string) => Database.Statement;
  /** The paper columns the store selects (with team votes), so listed papers read like any other. */
  paperColumns: string;
}

const COUNT = 'SELECT COUNT(*) AS n FROM reading_list WHERE channel = ? AND paper_id = ?';

/** Each channel's reading list on SQLite; see ReadingListStore for each method's contract. */
export class SqliteReadingList implements ReadingListStore {
  readonly #d: SqliteReadingListDeps;

  constructor(deps: SqliteReadingListDeps) {
    this.#d = deps;
  }

  async addPin(pin: ReadingListPin): Promise<PinOutcome> {
    const run = this.#d.db.transaction((): PinOutcome => {
      const { n } = this.#d.stmt(COUNT).get(pin.channel, pin.paperId) as { n: number };
      const inserted = this.#d
        .stmt(
          `INSERT INTO reading_list (channel, paper_id, user_ref, via, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(pin.channel, pin.paperId, pin.user, pin.via ?? SAVED_VIA, pin.at).changes;
      if (inserted === 0) return 'unchanged';
      return n === 0 ? 'added' : 'listed';
    });
    return run.immediate();
  }

  async removePin(pin: Omit<ReadingListPin, 'at'>): Promise<boolean> {
    const run = this.#d.db.transaction((): boolean => {
      this.#d
        .stmt('DELETE FROM reading_list WHERE channel = ? AND paper_id = ? AND user_ref = ? AND via = ?')
        .run(pin.channel, pin.paperId, pin.user, pin.via ?? SAVED_VIA);
      return (this.#d.stmt(COUNT).get(pin.channel, pin.paperId) as { n: number }).n > 0;
    });
    return run.immediate();
  }

  async clearPins(messages: readonly string[]): Promise<number> {
    const list = messages.filter((m) => m !== SAVED_VIA);
    return this.#d
      .stmt('DELETE FROM reading_list WHERE via IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(list)).changes;
  }

  async removeFromReadingList(channel: string, paperId: string): Promise<boolean> {
    return (
      this.#d.stmt('DELETE FROM reading_list WHERE channel = ? AND paper_id = ?').run(channel, paperId)
        .changes > 0
    );
  }

  async readingLists(channels: readonly string[], limit: number): Promise<ReadingListEntry[]> {
    if (channels.length === 0) return [];
    const rows = this.#d
      .stmt(
        `SELECT channel, paper_id, user_ref, MIN(at) AS at FROM reading_list
         WHERE channel IN (SELECT value FROM json_each(?)) GROUP BY channel, paper_id, user_ref`,
      )
      .all(JSON.stringify(channels)) as PinRow[];
    const ids = [...new Set(rows.map((r) => r.paper_id))];
    const papers = new Map<string, StoredPaper>();
    if (ids.length > 0) {
      const found = this.#d
        .stmt(`SELECT ${this.#d.paperColumns} FROM papers WHERE id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(ids)) as PaperRow[];
      for (const r of found) papers.set(r.id, rowToPaper(r));
    }
    return groupPins(channels, rows, papers, limit);
  }

  async readingListChannels(prefix: string): Promise<string[]> {
    // substr, not LIKE: a prefix holding `%` or `_` means only itself.
    const rows = this.#d
      .stmt(
        'SELECT DISTINCT channel FROM reading_list WHERE substr(channel, 1, length(?)) = ? ORDER BY channel',
      )
      .all(prefix, prefix) as { channel: string }[];
    return rows.map((r) => r.channel);
  }

  async onReadingList(channel: string, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = this.#d
      .stmt(
        `SELECT DISTINCT paper_id FROM reading_list
         WHERE channel = ? AND paper_id IN (SELECT value FROM json_each(?))`,
      )
      .all(channel, JSON.stringify(paperIds)) as { paper_id: string }[];
    return new Set(rows.map((r) => r.paper_id));
  }
}
