import {
  type ColumnMemory,
  type ColumnPostings,
  columnMemoryBytes,
  freshColumnMemory,
} from './word-columns.ts';

/**
 * The word columns a search keeps in memory for the next ones (impact-lists.ts), all in one buffer that is
 * reused for as long as the process runs.
 *
 * Why one buffer: a column read from the archive used to get arrays of its own, and a cache that drops and
 * reads columns gives the memory back and asks for it again all day. Memory the process has not touched
 * costs a page fault on first use. On the benchmark's virtual machine that is about 3 ms a MB: 60-90 ms
 * for the three columns of a query like `data with language`, more than the search itself. Memory that
 * is used again costs nothing more.
 *
 * How: the buffer is filled as a ring. A column read goes at the write position, or at the start when it
 * does not fit before the end. Every column held where it lands is dropped, so the oldest read goes
 * first (not the least recently used: that would need moving columns, and so new views of them). A
 * column is never dropped while the search that took it runs (`startSearch` ends that): a column that
 * would land on one, or is larger than the buffer, gets memory of its own and is not kept.
 * The buffer is taken on first use, no larger than the archive's columns need (`wanted`: every column at
 * once, with room to spare). Its pages are faulted in as columns first fill them, once each, so the
 * process holds only as much of it as the columns read so far have used, at most `bytes`. (Touching them
 * all when it is taken cost one search 150-200 ms at 48 MB, and held the whole buffer in a server that
 * had needed a few columns: its peak RSS rose from 218 to 290 MB at 100,000 papers.)
 */
export class ColumnCache {
  private memory: ArrayBuffer | undefined;
  /** Where the next column goes. */
  private head = 0;
  /** Columns held, by term id, with the bytes of the buffer they take, [start, end). */
  private readonly held = new Map<number, { column: ColumnPostings; start: number; end: number }>();
  /** Term ids the running search took: their columns stay until it ends. */
  private readonly inUse = new Set<number>();
  /** Cleared since the buffer was taken: its size is decided again when next needed. */
  private cleared = false;

  /**
   * `bytes`: the most the buffer takes. `wanted`: bytes the archive's columns take now (all of them, read
   * at once), asked when the buffer is taken.
   */
  constructor(
    private readonly bytes: number,
    private readonly wanted: () => number,
  ) {}

  /** A held column, kept for the running search. */
  get(id: number): ColumnPostings | undefined {
    const entry = this.held.get(id);
    if (!entry) return undefined;
    this.inUse.add(id);
    return entry.column;
  }

  has(id: number): boolean {
    return this.held.has(id);
  }

  /** A new search: the columns the last one took may now be dropped for others. */
  startSearch(): void {
    this.inUse.clear();
  }

  /**
   * Drops every column (the archive changed). The buffer stays, for the next ones, unless it was taken
   * for fewer columns than the archive has when it is next needed (after a build, say: the build clears
   * first) and could be larger: then a larger one is taken. Never while a search runs: a search reads in
   * one transaction, so the archive cannot change under it, and its columns must stay where they are.
   */
  clear(): void {
    this.held.clear();
    this.inUse.clear();
    this.head = 0;
    this.cleared = true;
  }

  /** The buffer's size for the archive's columns now: all of them with a quarter to spare, up to `bytes`. */
  private sized(): number {
    return Math.min(this.bytes, Math.ceil((this.wanted() * 1.25) / 8) * 8);
  }

  /** The buffer, taken (or taken larger, after a clear, if the archive's columns have grown) as needed. */
  private buffer(): ArrayBuffer {
    if (!this.memory || (this.cleared && this.memory.byteLength < this.bytes)) {
      const size = this.sized();
      if (!this.memory || size > this.memory.byteLength) this.memory = new ArrayBuffer(size);
    }
    this.cleared = false;
    return this.memory;
  }

  /**
   * A column read by `read` into memory from the buffer (or memory of its own when it cannot go there),
   * held for later searches when it went there. `read` may return undefined (no column) or throw: nothing
   * is then held, though the columns its place held are gone.
   */
  load(id: number, read: (memory: ColumnMemory) => ColumnPostings | undefined): ColumnPostings | undefined {
    let placed: { start: number; end: number } | undefined;
    let asked = false;
    const memory: ColumnMemory = (papers, narrowF) => {
      // Held is the one region placed: a second would leave the first unguarded while its column is used.
      if (asked) throw new Error('a column read asks for its memory once');
      asked = true;
      const size = columnMemoryBytes(papers, narrowF);
      const buffer = this.buffer();
      const start = this.place(size, buffer.byteLength);
      if (start === undefined) return freshColumnMemory(papers, narrowF);
      placed = { start, end: start + size };
      const fAt = start + 4 * papers;
      return {
        rowids: new Uint32Array(buffer, start, papers),
        f: narrowF ? new Uint8Array(buffer, fAt, papers) : new Uint16Array(buffer, fAt, papers),
      };
    };
    const column = read(memory);
    if (column && placed) {
      this.held.set(id, { column, ...placed });
      this.inUse.add(id);
    }
    return column;
  }

  /**
   * Where `size` bytes go (8-aligned, as every size is), dropping the columns held there; undefined when
   * they do not fit in the buffer, or would land on a column the running search uses.
   */
  private place(size: number, capacity: number): number | undefined {
    if (size > capacity) return undefined;
    const start = this.head + size <= capacity ? this.head : 0;
    const end = start + size;
    const overlapping = [...this.held].filter(([, e]) => e.start < end && start < e.end);
    if (overlapping.some(([id]) => this.inUse.has(id))) return undefined;
    for (const [id] of overlapping) this.held.delete(id);
    this.head = end;
    return start;
  }
}
