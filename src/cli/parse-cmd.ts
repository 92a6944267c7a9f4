import { parseArgs } from 'node:util';
import { captureDateOf } from '../feed/capture-date.ts';
import { type FeedFormat, parseFeed } from '../feed/detect.ts';
import { type CliIo, dayOption, isoDay, UsageError } from './io.ts';
import { readInput } from './read-input.ts';

export const FORMATS: readonly FeedFormat[] = ['hf-json', 'hf-text', 'arxiv-atom'];

/** The options line shared by `parse` and `ingest` usage messages. */
export const PARSE_OPTIONS =
  '[--format hf-json|hf-text|arxiv-atom] [--as-of YYYY-MM-DD] [--feed-date YYYY-MM-DD]';

/**
 * Shared by `parse` and `ingest`: reads the input and parses it in the given or detected format.
 * `--as-of` is the day page text was captured: by default the day the copy names at its top, else today.
 * `--feed-date` is the day a saved `/api/daily_papers?date=` response was requested for: every paper in it
 * was listed in that day's feed. Without it a paper's feed day is its `submittedOnDailyAt` day, or none.
 */
export async function readAndParse(args: string[], io: CliIo, command: string) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, 'as-of': { type: 'string' }, 'feed-date': { type: 'string' } },
  });
  const source = positionals[0];
  if (!source || positionals.length > 1)
    throw new UsageError(`Usage: paperboy ${command} <file|url> ${PARSE_OPTIONS}`);
  const format = values.format as FeedFormat | undefined;
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}".`);
  }
  const givenAsOf = dayOption('--as-of', values['as-of'], isoDay(io.now()));
  const feedDate =
    values['feed-date'] === undefined ? undefined : dayOption('--feed-date', values['feed-date'], '');
  if (feedDate !== undefined && format !== undefined && format !== 'hf-json') {
    throw new UsageError(
      `--feed-date applies to Hugging Face JSON (a daily_papers response), not ${format}.`,
    );
  }
  const text = await readInput(source);
  // Without --as-of, a saved copy is read as of the day it says it was captured (its front matter or its
  // capture tool's note), not today: a copy from last December read in March would put its "Dec 2" in the
  // wrong year.
  const asOf = values['as-of'] === undefined ? (captureDateOf(text) ?? givenAsOf) : givenAsOf;
  const parsed = parseFeed(text, format, { asOf, feedDate });
  // Checked again after detection: a feed day given for page text or Atom would be silently ignored.
  if (feedDate !== undefined && parsed.format !== 'hf-json') {
    throw new UsageError(
      `--feed-date applies to Hugging Face JSON (a daily_papers response), but ${source} is ${parsed.format}.`,
    );
  }
  return { source, feedDate, ...parsed };
}

/** `paperboy parse`: prints the parsed papers as a JSON array; stores nothing. Skipped items go to stderr. */
export async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = await readAndParse(args, io, 'parse');
  io.stdout.write(`${JSON.stringify(parsed.papers, null, 2)}\n`);
  for (const s of parsed.skipped) io.stderr.write(`skipped ${s.where}: ${s.reason}\n`);
  return 0;
}
