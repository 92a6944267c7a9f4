import type { Fit } from './stats.ts';
import { lineChart } from './svg.ts';

/** One 10 s window of the soak: throughput, latency in ms, errors, and memory at its end in MB. */
export interface Row {
  /** Seconds into the run at the window's end. */
  t: number;
  commands: number;
  reactions: number;
  commandsPerS: number;
  reactionsPerS: number;
  cmdP50: number;
  cmdP99: number;
  ackP50: number;
  ackP99: number;
  errors: number;
  shed: number;
  rssMB: number;
  heapMB: number;
}

/** The table's column heads: commands answered and events acked per second, latency in ms, memory in MB. */
export const tableHeader = `${'t(s)'.padStart(5)} ${'cmd/s'.padStart(6)} ${'evt/s'.padStart(6)} ${'cmd p50'.padStart(8)} ${'cmd p99'.padStart(8)} ${'ack p50'.padStart(8)} ${'ack p99'.padStart(8)} ${'err'.padStart(4)} ${'shed'.padStart(5)} ${'RSS MB'.padStart(7)} ${'heap MB'.padStart(8)}`;
/** One row of the table, aligned under {@link tableHeader}. */
export const tableLine = (r: Row) =>
  `${String(r.t).padStart(5)} ${r.commandsPerS.toFixed(1).padStart(6)} ${r.reactionsPerS.toFixed(1).padStart(6)} ${r.cmdP50.toFixed(1).padStart(8)} ${r.cmdP99.toFixed(1).padStart(8)} ${r.ackP50.toFixed(2).padStart(8)} ${r.ackP99.toFixed(2).padStart(8)} ${String(r.errors).padStart(4)} ${String(r.shed).padStart(5)} ${r.rssMB.toFixed(1).padStart(7)} ${r.heapMB.toFixed(1).padStart(8)}`;

const minutes = (t: number) => t / 60;

/** Command latency (to the respond() call) and event ack latency, p50 and p99 per window. */
export function latencyChart(rows: readonly Row[], subtitle: string): string {
  const at = (f: (r: Row) => number) => rows.map((r) => [minutes(r.t), f(r)] as const);
  return lineChart({
    title: 'paperboy soak: latency per 10 s window',
    subtitle,
    xLabel: 'minutes into the run',
    yLabel: 'milliseconds',
    series: [
      { name: 'command p50 (to respond())', color: '#1f77b4', points: at((r) => r.cmdP50) },
      { name: 'command p99', color: '#1f77b4', dashed: true, points: at((r) => r.cmdP99) },
      { name: 'event ack p50', color: '#d62728', points: at((r) => r.ackP50) },
      { name: 'event ack p99', color: '#d62728', dashed: true, points: at((r) => r.ackP99) },
    ],
  });
}

/**
 * RSS and heap used per second (`memory`: [seconds, RSS MB, heap MB]) with the fitted RSS line drawn over
 * `fitSpan` (seconds), and `trend` naming what the fit says.
 */
export function memoryChart(
  memory: readonly (readonly [number, number, number])[],
  fit: Fit,
  fitSpan: readonly [number, number],
  trend: string,
): string {
  return lineChart({
    title: 'paperboy soak: memory, sampled every second',
    subtitle: `RSS trend over the last 80%: ${fit.slope.toFixed(2)} MB/min (${trend}); process RSS includes the load generator and fakes`,
    xLabel: 'minutes into the run',
    yLabel: 'MB',
    series: [
      { name: 'RSS', color: '#2ca02c', points: memory.map(([t, rss]) => [minutes(t), rss]) },
      { name: 'heap used', color: '#9467bd', points: memory.map(([t, , heap]) => [minutes(t), heap]) },
      {
        name: 'RSS trend (least squares)',
        color: '#555555',
        dashed: true,
        points: fitSpan.map((t) => [minutes(t), fit.intercept + fit.slope * minutes(t)]),
      },
    ],
  });
}
