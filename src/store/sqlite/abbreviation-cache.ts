import type { AbbreviationCount } from '../port.ts';

/** Keys remembered at most; past it the cache starts again (typed words are unbounded, memory is not). */
const MAX_KEYS = 10_000;

/**
 * The abbreviation counts already read, by short form and by long-form key, for as long as the archive's
 * abbreviations cannot have changed. The database keeps each pair's count in a row of its own (migration
 * 16: counting the defining rows at search time took 180 ms for llm, lm and rl at a million papers), and the
 * same words are searched again and again between two ingests: the cache spares even those reads.
 *
 * The counts are exact, never stale: the cache is emptied when this connection writes papers
 * ({@link invalidate}) and whenever SQLite's `data_version` says another connection (another process: an
 * ingest run, another bot instance) has committed anything since the last lookup.
 */
export class AbbreviationCache {
  readonly #dataVersion: () => number;
  readonly #read: (shorts: string[], longKeys: string[], minPapers: number) => AbbreviationCount[];
  readonly #entries = new Map<string, AbbreviationCount[]>();
  #version: number | null = null;

  /**
   * `dataVersion`: SQLite's `PRAGMA data_version` on the store's connection. `read`: the counts from the
   * database, every pair whose short form is in `shorts` or whose long-form key is in `longKeys`.
   */
  constructor(
    dataVersion: () => number,
    read: (shorts: string[], longKeys: string[], minPapers: number) => AbbreviationCount[],
  ) {
    this.#dataVersion = dataVersion;
    this.#read = read;
  }

  /** Forgets everything: this connection is about to change, or has changed, the abbreviations. */
  invalidate(): void {
    this.#entries.clear();
    this.#version = null;
  }

  /**
   * What `read(shorts, longKeys, minPapers)` answers now, ordered by short form then long-form key (in
   * SQLite's byte order, as its GROUP BY gives them), reading only the keys not cached.
   */
  lookup(shorts: readonly string[], longKeys: readonly string[], minPapers: number): AbbreviationCount[] {
    const version = this.#dataVersion();
    if (version !== this.#version) {
      this.#entries.clear();
      this.#version = version;
    }
    const shortKey = (s: string) => `${minPapers}\u0000s\u0000${s}`;
    const longKey = (k: string) => `${minPapers}\u0000l\u0000${k}`;
    const found: AbbreviationCount[][] = [];
    const missingShorts: string[] = [];
    const missingLongs: string[] = [];
    for (const s of new Set(shorts)) {
      const hit = this.#entries.get(shortKey(s));
      if (hit) found.push(hit);
      else missingShorts.push(s);
    }
    for (const k of new Set(longKeys)) {
      const hit = this.#entries.get(longKey(k));
      if (hit) found.push(hit);
      else missingLongs.push(k);
    }
    if (missingShorts.length > 0 || missingLongs.length > 0) {
      const rows = this.#read(missingShorts, missingLongs, minPapers);
      if (this.#entries.size + missingShorts.length + missingLongs.length > MAX_KEYS) this.#entries.clear();
      // A pair's count covers every row of the pair, whichever of its two keys brought it in.
      for (const s of missingShorts) {
        const pairs = rows.filter((r) => r.short === s);
        this.#entries.set(shortKey(s), pairs);
        found.push(pairs);
      }
      for (const k of missingLongs) {
        const pairs = rows.filter((r) => r.longKey === k);
        this.#entries.set(longKey(k), pairs);
        found.push(pairs);
      }
    }
    const byPair = new Map<string, AbbreviationCount>();
    for (const pairs of found) for (const p of pairs) byPair.set(`${p.short}\u0000${p.longKey}`, p);
    return [...byPair.values()]
      .sort((a, b) => byteOrder(a.short, b.short) || byteOrder(a.longKey, b.longKey))
      .map((p) => ({ ...p }));
  }
}

/** SQLite's BINARY collation on text: UTF-8 bytes compared (JS compares UTF-16 units, which can differ). */
function byteOrder(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
