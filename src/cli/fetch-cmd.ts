import { parseArgs } from 'node:util';
import { DateNotAvailableError, HfClient } from '../feed/hf-client.ts';
import { ingestPapers } from '../papers/ingest.ts';
import { withCore } from './core.ts';
import { type CliIo, counted, dayOption, isoDay, UsageError } from './io.ts';

/** The longest range one `fetch --since` reads: a year of days is already a few hundred requests. */
const MAX_DAYS = 400;

function daysFrom(start: string, end: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) {
    days.push(isoDay(new Date(t)));
  }
  return days;
}

/**
 * `paperboy fetch`: pulls Hugging Face Daily Papers into the archive for one day (default today) or every
 * day since a date, with a progress line per day. Empty days (weekends, holidays) are reported, not errors;
 * a day that fails is reported and the rest go on (exit 1 at the end).
 */
export async function fetchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { date: { type: 'string' }, since: { type: 'string' } },
  });
  if (positionals.length > 0 || (values.date && values.since)) {
    throw new UsageError('Usage: paperboy fetch [--date YYYY-MM-DD | --since YYYY-MM-DD]');
  }
  const today = isoDay(io.now());
  const date = dayOption('--date', values.date, today);
  const since = values.since === undefined ? null : dayOption('--since', values.since, today);
  // Hugging Face answers a future day with an error: refused here, before any request, as --since is.
  if (since && since > today) throw new UsageError(`--since ${since} is in the future.`);
  if (date > today) throw new UsageError(`--date ${date} is in the future.`);
  const days = since ? daysFrom(since, today) : [date];
  if (days.length > MAX_DAYS)
    throw new UsageError(`--since covers ${days.length} days; fetch at most ${MAX_DAYS} at a time.`);

  return withCore(io, async ({ config, logger, store }) => {
    const hf = new HfClient({ baseUrl: config.hfApiUrl, token: config.hfToken, logger });
    const total = { inserted: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
    for (const [i, day] of days.entries()) {
      const progress = days.length > 1 ? `[${bar(i + 1, days.length)}] ${i + 1}/${days.length} ` : '';
      try {
        const feed = await hf.dailyPapers(day);
        const r = await ingestPapers(store, feed.papers, feed.skipped, { listedOn: feed.date });
        total.inserted += r.inserted;
        total.updated += r.updated;
        total.unchanged += r.unchanged;
        total.skipped += r.skipped.length;
        const what = feed.empty
          ? 'no papers listed (a weekend, a holiday, or too early in the day)'
          : `${counted(feed.papers.length, 'paper')}: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged`;
        io.stdout.write(`${progress}${day}: ${what}\n`);
        for (const s of r.skipped) io.stdout.write(`  skipped ${s.where}: ${s.reason}\n`);
      } catch (e) {
        total.failed++;
        const reason = e instanceof DateNotAvailableError ? e.message : (e as Error).message;
        io.stdout.write(`${progress}${day}: failed: ${reason}\n`);
      }
    }
    if (days.length > 1) {
      io.stdout.write(
        `total: ${total.inserted} new, ${total.updated} updated, ${total.unchanged} unchanged, ${total.skipped} skipped, ${counted(total.failed, 'day')} failed\n`,
      );
    }
    return total.failed > 0 ? 1 : 0;
  });
}

function bar(done: number, all: number, width = 20): string {
  const filled = Math.round((done / all) * width);
  return '#'.repeat(filled) + '.'.repeat(width - filled);
}
