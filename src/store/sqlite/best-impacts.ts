import { impact } from './bm25.ts';

/**
 * A term's best entries while a build reads the papers: a min-heap of at most `cap` entries on (g, then
 * rowid descending), so the entry a better one replaces is the lowest impact, the latest paper among equals.
 * At 1,000,000 papers ~2,000 lists of 4,000 entries are held at once, the peak of a bulk import's memory,
 * so an entry is only what a list row needs beyond g, as small as its values allow: the rowid in 4 bytes
 * (8 past 2³²), f (a sum of small integer weights) and D (a token count) in 2 bytes each until a value
 * does not fit, when that heap's array is widened. g is computed again from f and D when compared: the
 * same arithmetic on the same values as when the entry was offered, so the same bits. 8 bytes an entry,
 * against 24 with g and 8-byte rowids (190 MB at a million papers).
 */
export class BestImpacts {
  f: Uint16Array | Float64Array;
  readonly rowid: Uint32Array | Float64Array;
  d: Uint16Array | Float64Array;
  size = 0;

  /** `wide`: rowids may pass 2³² − 1. */
  constructor(
    private readonly cap: number,
    private readonly avgdl: number,
    wide: boolean,
  ) {
    this.f = new Uint16Array(cap);
    this.rowid = wide ? new Float64Array(cap) : new Uint32Array(cap);
    this.d = new Uint16Array(cap);
  }

  /** The entry's impact under the build's avgdl, as `offer` was given it. */
  g(at: number): number {
    return impact(this.f[at] as number, this.d[at] as number, this.avgdl);
  }

  /** Keeps the entry if it is among the `cap` best so far (higher g, then lower rowid, is better). */
  offer(g: number, rowid: number, f: number, d: number): void {
    if (this.size < this.cap) {
      let i = this.size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (!this.above(up, g, rowid)) break;
        this.move(up, i);
        i = up;
      }
      this.put(i, rowid, f, d);
      return;
    }
    if (this.cap === 0 || !this.lessThan(0, g, rowid)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.less(r, l) ? r : l;
      if (!this.lessThan(c, g, rowid)) break;
      this.move(c, i);
      i = c;
    }
    this.put(i, rowid, f, d);
  }

  /** Slots in the order a list is read (g descending, then rowid ascending), with each slot's g. */
  ranked(): { at: number[]; g: Float64Array } {
    const g = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) g[i] = this.g(i);
    const at = Array.from({ length: this.size }, (_, i) => i);
    const { rowid } = this;
    at.sort((a, b) => (g[b] as number) - (g[a] as number) || (rowid[a] as number) - (rowid[b] as number));
    return { at, g };
  }

  /** Whether slot a's entry is better than the entry (g, rowid): higher g, or equal g and lower rowid. */
  private above(a: number, g: number, rowid: number): boolean {
    const ga = this.g(a);
    return ga > g || (ga === g && (this.rowid[a] as number) < rowid);
  }

  /** Whether slot a's entry is worse than slot b's (lower g, or equal g and higher rowid). */
  private less(a: number, b: number): boolean {
    return this.lessThan(a, this.g(b), this.rowid[b] as number);
  }

  /** Whether slot a's entry is worse than the entry (g, rowid). */
  private lessThan(a: number, g: number, rowid: number): boolean {
    const ga = this.g(a);
    return ga < g || (ga === g && (this.rowid[a] as number) > rowid);
  }

  private move(from: number, to: number): void {
    this.f[to] = this.f[from] as number;
    this.rowid[to] = this.rowid[from] as number;
    this.d[to] = this.d[from] as number;
  }

  private put(i: number, rowid: number, f: number, d: number): void {
    if (this.f instanceof Uint16Array && !fits16(f)) this.f = Float64Array.from(this.f);
    if (this.d instanceof Uint16Array && !fits16(d)) this.d = Float64Array.from(this.d);
    this.f[i] = f;
    this.rowid[i] = rowid;
    this.d[i] = d;
  }
}

function fits16(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff;
}
