/**
 * The p-th percentile by nearest rank: the smallest value at least p% of the values are at or under. Of
 * 100 timings, p99 is the 99th (the slowest is `Math.max`, printed beside it where it matters); rounding
 * the rank down instead, as the benchmarks did until 2026-12-03, made p99 of 100 timings the slowest.
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
