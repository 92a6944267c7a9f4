import type Database from 'better-sqlite3';

/**
 * Pages of merged index a step writes: about 0.1 s at a million papers, so a step started while the
 * lists' build waits for its counting thread ends before that thread has filled its few pages ahead.
 */
const STEP_PAGES = 1000;

/**
 * The full-text index merged into one segment a step at a time, in whatever transaction the caller holds,
 * instead of in one `optimize`. A bulk load's finish merges the index (about 12 s at a million papers, one
 * core) and then builds the lists, whose pass keeps a counting thread busy while this thread, where it
 * counts faster, waits for it: the merge's steps fill those waits (impact-lists.ts) and the time the pairs'
 * thread needs (store.ts). The first step gathers every segment into one merge ('merge' with a negative
 * page count, as FTS5 documents it), each later step continues that merge; the finish's `optimize` ends
 * whatever is left, so the index ends as one segment whichever way the steps fell.
 */
export class IndexMerge {
  private begun = false;
  private done = false;

  constructor(private readonly stmt: (sql: string) => Database.Statement) {}

  /** Merges one step; false when no merging was left (nothing written). Call in a write transaction. */
  step(): boolean {
    if (this.done) return false;
    const changes = this.stmt('SELECT total_changes()').pluck();
    const before = changes.get() as number;
    this.stmt("INSERT INTO papers_fts(papers_fts, rank) VALUES ('merge', ?)").run(
      this.begun ? STEP_PAGES : -STEP_PAGES,
    );
    this.begun = true;
    // FTS5's own signal: a step that merged something changed two rows or more.
    if ((changes.get() as number) - before < 2) this.done = true;
    return !this.done;
  }
}
