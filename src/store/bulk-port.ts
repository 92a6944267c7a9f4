import type { UpsertResult } from './port.ts';

/**
 * Papers made ready for a bulk load, off the thread that writes them (see src/cli/bulk-reader.ts): validated,
 * completed as the upsert completes them, turned into rows, with what is derived from their text. The rows
 * and derived facts are JSON as UTF-8 bytes: a batch moves to another thread without a copy (its buffers
 * are transferred), SQLite reads the JSON itself (json_each), and the writing thread never builds an object
 * per paper nor converts text to UTF-8.
 */
export interface BulkBatch {
  /** How many papers. */
  count: number;
  /** JSON array of the papers' rows, each an array in BULK_COLUMNS (bulk-batch.ts) order. */
  rows: Uint8Array;
  /**
   * Positions of papers that may merge with another paper of the batch (the same id, or the same normalised
   * title where one has no arXiv id): they take the ordinary upsert, in their order, never the fast insert.
   */
  merging: number[];
  /**
   * How many of the papers have no arXiv id. Such a paper may match a stored paper of its title whatever
   * that paper holds, which only the index of every title finds (SQLite builds that index during a bulk
   * load only once a batch needs it).
   */
  withoutArxivId: number;
  /** JSON array of `[position, short, long_key, long]`: the abbreviations each paper defines. */
  abbreviations: Uint8Array;
  /** JSON array of `[word, papers]`: the spelling vocabulary's words over the whole batch, counted once a paper. */
  words: Uint8Array;
  /** The day whose requested feed these papers are (UpsertOptions.listedOn), or null. */
  listedOn: string | null;
}

/** Loading many papers at once (`paperboy ingest <dir>`): what each store does faster than batch upserts. */
export interface BulkLoadStore {
  /**
   * Stores prepared batches (src/store/bulk-batch.ts) exactly as `upsertPapers` would store their papers,
   * batch after batch in order: a paper the archive already holds (by id, arXiv id or normalised title),
   * or that merges with another of its batch, takes the ordinary upsert; new papers are inserted in bulk.
   * Every transaction leaves the archive complete and searchable, so a load killed part-way keeps what it
   * committed and a re-run adds what is missing.
   */
  bulkUpsert(batches: readonly BulkBatch[]): Promise<UpsertResult>;
  /**
   * Called once a bulk load has stored its last batch: the one place where what a bulk load leaves behind
   * is tidied and indexes derived from the whole archive are refreshed (SQLite merges its full-text index
   * into one segment, PostgreSQL refreshes the planner's statistics). Every transaction before it was
   * complete and searchable on its own; a load killed before this point only skips the tidying, which its
   * re-run does.
   */
  finishBulkLoad(): Promise<void>;
  /** The archive's size on disk, in bytes (SQLite: its pages, as the file holds them once checkpointed). */
  databaseBytes(): Promise<number>;
}
