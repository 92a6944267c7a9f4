import { impact } from './bm25.ts';

/**
 * A term's best `cap` entries while a build reads the papers, by g descending, then rowid ascending.
 *
 * Not a heap: an entry that beats the floor (the worst entry kept at the last selection) is appended, and
 * when the slack past `cap` fills, one selection keeps the `cap` best and raises the floor. A build offers
 * papers in rowid order, and a heap's walk from the root on each accepted offer, two impacts computed per
 * level in lists larger together than any cache, was most of a million-paper build's time (65 s of
 * 230); a selection reads its entries once, in order, for cap/4 accepted offers.
 *
 * At 1,000,000 papers ~2,000 lists of 4,000 entries are held at once, the peak of a bulk import's memory,
 * so an entry is only what a list row needs beyond g, as small as its values allow: the rowid in 4 bytes,
 * f (a sum of small integer weights) and D (a token count) in 2 bytes each, side by side. An entry that
 * does not fit (a rowid past 2³² − 1, an f or D past 2¹⁶ − 1) widens that list to three doubles an entry.
 * g is computed again from f and D when compared: the same arithmetic on the same values as when the entry
 * was offered, so the same bits. 10 bytes an entry with the slack, against 24 with g and 8-byte rowids.
 */
export class BestImpacts {
  /** Narrow entries: [rowid, f + D·2¹⁶] a slot; null once widened. */
  private narrow: Uint32Array | null;
  /** Wide entries: [rowid, f, D] a slot; null while narrow. */
  private wide: Float64Array | null = null;
  /** Entries held: at most `cap` after a selection, up to `room` between. */
  size = 0;
  private readonly room: number;
  /** The worst entry kept by the last selection; an offer must beat it. −Infinity until the first. */
  private floorG = Number.NEGATIVE_INFINITY;
  private floorRowid = Number.POSITIVE_INFINITY;

  /** `wide`: rowids may pass 2³² − 1. */
  constructor(
    private readonly cap: number,
    private readonly avgdl: number,
    wide: boolean,
  ) {
    // The slack: a quarter of cap. Each selection reads all `room` entries, so a selection's cost per
    // accepted offer is room/slack: 5 here, 9 with an eighth (a million-paper build's offers took 19.0 s
    // of its writing thread against 23.0, for 11 MB more at its peak; half of cap saved 1 s more for 42 MB).
    this.room = cap === 0 ? 0 : cap + Math.max(8, cap >> 2);
    this.narrow = wide ? null : new Uint32Array(2 * this.room);
    if (wide) this.wide = new Float64Array(3 * this.room);
  }

  rowidAt(at: number): number {
    return this.narrow ? (this.narrow[2 * at] as number) : ((this.wide as Float64Array)[3 * at] as number);
  }

  fAt(at: number): number {
    return this.narrow
      ? (this.narrow[2 * at + 1] as number) % 0x10000
      : ((this.wide as Float64Array)[3 * at + 1] as number);
  }

  dAt(at: number): number {
    return this.narrow
      ? Math.floor((this.narrow[2 * at + 1] as number) / 0x10000)
      : ((this.wide as Float64Array)[3 * at + 2] as number);
  }

  /** The entry's impact under the build's avgdl, as `offer` was given it. */
  g(at: number): number {
    return impact(this.fAt(at), this.dAt(at), this.avgdl);
  }

  /**
   * Keeps the entry if it may be among the `cap` best (higher g, then lower rowid, is better). Returns the
   * g an offer must reach from now on (equal g goes by rowid), so a caller may keep many lists' floors in
   * one array and offer only at or above them: −Infinity until the list first fills, +Infinity for a list
   * of no entries.
   */
  offer(g: number, rowid: number, f: number, d: number): number {
    if (this.cap === 0) return Number.POSITIVE_INFINITY;
    if (g < this.floorG || (g === this.floorG && rowid > this.floorRowid)) return this.floorG;
    this.put(this.size++, rowid, f, d);
    if (this.size === this.room) this.select();
    return this.floorG;
  }

  /** Slots in the order a list is read (g descending, then rowid ascending), with each slot's g. */
  ranked(): { at: number[]; g: Float64Array } {
    if (this.size > this.cap) this.select();
    const g = new Float64Array(this.size);
    const rowid = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      g[i] = this.g(i);
      rowid[i] = this.rowidAt(i);
    }
    const at = Array.from({ length: this.size }, (_, i) => i);
    at.sort((a, b) => (g[b] as number) - (g[a] as number) || (rowid[a] as number) - (rowid[b] as number));
    return { at, g };
  }

  /** Keeps the `cap` best entries in slots 0 to cap − 1 (quickselect) and makes the worst of them the floor. */
  private select(): void {
    const n = this.size;
    const g = scratchG(n);
    const rowid = scratchRowid(n);
    for (let i = 0; i < n; i++) {
      g[i] = this.g(i);
      rowid[i] = this.rowidAt(i);
    }
    // Better: higher g, then lower rowid (rowids are distinct, so this orders every pair).
    const better = (a: number, b: number) =>
      (g[a] as number) > (g[b] as number) ||
      ((g[a] as number) === (g[b] as number) && (rowid[a] as number) < (rowid[b] as number));
    const swap = (a: number, b: number) => {
      const ga = g[a] as number;
      g[a] = g[b] as number;
      g[b] = ga;
      const ra = rowid[a] as number;
      rowid[a] = rowid[b] as number;
      rowid[b] = ra;
      this.swap(a, b);
    };
    const k = this.cap - 1;
    let lo = 0;
    let hi = n - 1;
    while (hi > lo) {
      // Median of three as the pivot, moved to hi; Lomuto partition around it.
      const mid = (lo + hi) >> 1;
      if (better(mid, lo)) swap(mid, lo);
      if (better(hi, lo)) swap(hi, lo);
      if (better(mid, hi)) swap(mid, hi);
      let store = lo;
      for (let i = lo; i < hi; i++)
        if (better(i, hi)) {
          swap(i, store);
          store++;
        }
      swap(store, hi);
      if (store === k) break;
      if (store < k) lo = store + 1;
      else hi = store - 1;
    }
    this.size = Math.min(n, this.cap);
    if (this.size === this.cap) {
      this.floorG = g[k] as number;
      this.floorRowid = rowid[k] as number;
    }
  }

  private swap(a: number, b: number): void {
    const n = this.narrow;
    if (n) {
      const r = n[2 * a] as number;
      const fd = n[2 * a + 1] as number;
      n[2 * a] = n[2 * b] as number;
      n[2 * a + 1] = n[2 * b + 1] as number;
      n[2 * b] = r;
      n[2 * b + 1] = fd;
      return;
    }
    const w = this.wide as Float64Array;
    for (let j = 0; j < 3; j++) {
      const v = w[3 * a + j] as number;
      w[3 * a + j] = w[3 * b + j] as number;
      w[3 * b + j] = v;
    }
  }

  private put(i: number, rowid: number, f: number, d: number): void {
    if (this.narrow && !(fits(rowid, 0xffff_ffff) && fits(f, 0xffff) && fits(d, 0xffff))) this.widen();
    const n = this.narrow;
    if (n) {
      n[2 * i] = rowid;
      n[2 * i + 1] = f + d * 0x10000;
      return;
    }
    const w = this.wide as Float64Array;
    w[3 * i] = rowid;
    w[3 * i + 1] = f;
    w[3 * i + 2] = d;
  }

  /** From two 4-byte words an entry to three doubles: an entry that does not fit has come. */
  private widen(): void {
    const w = new Float64Array(3 * this.room);
    for (let i = 0; i < this.size; i++) {
      w[3 * i] = this.rowidAt(i);
      w[3 * i + 1] = this.fAt(i);
      w[3 * i + 2] = this.dAt(i);
    }
    this.wide = w;
    this.narrow = null;
  }
}

function fits(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

/** One selection runs at a time (a build is synchronous): its g and rowids in scratch arrays, grown. */
let gScratch = new Float64Array(0);
let rowidScratch = new Float64Array(0);

function scratchG(n: number): Float64Array {
  if (gScratch.length < n) gScratch = new Float64Array(n);
  return gScratch;
}

function scratchRowid(n: number): Float64Array {
  if (rowidScratch.length < n) rowidScratch = new Float64Array(n);
  return rowidScratch;
}
