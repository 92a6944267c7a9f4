/** Where progress goes: stderr, redrawn in place on a terminal, plain periodic lines otherwise. */
export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress line for a long task, on stderr so stdout keeps only results. On a terminal it redraws one bar
 * at most ten times a second; elsewhere (a log, CI) it writes a plain line every `plainEveryMs` and at the
 * end, so a log holds a few lines rather than thousands.
 */
export function progressReporter(
  sink: ProgressSink,
  label: string,
  unit: string,
  options: { now?: () => number; plainEveryMs?: number } = {},
) {
  const now = options.now ?? (() => performance.now());
  const every = sink.isTTY ? 100 : (options.plainEveryMs ?? 10_000);
  const started = now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const line = (done: number, total: number) => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const eta = rate > 0 && total > done ? `, ${Math.ceil((total - done) / rate)} s left` : '';
    const counts = `${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}`;
    if (!sink.isTTY)
      return `${label}: ${counts} (${Math.floor(share * 100)}%), ${rate.toLocaleString('en')}/s${eta}`;
    const width = 24;
    const filled = Math.round(share * width);
    return `${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor(share * 100)}% ${counts}, ${rate.toLocaleString('en')}/s${eta}`;
  };
  return {
    /** Reports `done` of `total`; drawn only when the interval has passed. */
    update(done: number, total: number): void {
      const t = now();
      if (t - last < every) return;
      last = t;
      drawn = true;
      sink.write(sink.isTTY ? `\r\x1b[2K${line(done, total)}` : `${line(done, total)}\n`);
    },
    /** The final state, always written; ends the terminal's redrawn line. */
    finish(done: number, total: number): void {
      sink.write(sink.isTTY ? `\r\x1b[2K${line(done, total)}\n` : `${line(done, total)}\n`);
      drawn = false;
    },
    /** Ends a redrawn line before other output, so the two never share a line. */
    interrupt(): void {
      if (sink.isTTY && drawn) sink.write('\n');
      drawn = false;
    },
  };
}
