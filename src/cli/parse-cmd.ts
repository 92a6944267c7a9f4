import { parseArgs } from 'node:util';
import { type FeedFormat, parseFeed } from '../feed/detect.ts';
import { type CliIo, dayOption, isoDay, UsageError } from './io.ts';
import { readInput } from './read-input.ts';

export const FORMATS: readonly FeedFormat[] = ['hf-json', 'hf-text', 'arxiv-atom'];

/** Shared by `parse` and `ingest`: reads the input and parses it in the given or detected format. */
export async function readAndParse(args: string[], io: CliIo, command: string) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, 'as-of': { type: 'string' } },
  });
  const source = positionals[0];
  if (!source || positionals.length > 1)
    throw new UsageError(
      `Usage: paperboy ${command} <file|url> [--format hf-json|hf-text|arxiv-atom] [--as-of YYYY-MM-DD]`,
    );
  const format = values.format as FeedFormat | undefined;
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}".`);
  }
  const asOf = dayOption('--as-of', values['as-of'], isoDay(io.now()));
  const text = await readInput(source);
  return { source, ...parseFeed(text, format, { asOf }) };
}

/** `paperboy parse`: prints the parsed papers as a JSON array; stores nothing. Skipped items go to stderr. */
export async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = await readAndParse(args, io, 'parse');
  io.stdout.write(`${JSON.stringify(parsed.papers, null, 2)}\n`);
  for (const s of parsed.skipped) io.stderr.write(`skipped ${s.where}: ${s.reason}\n`);
  return 0;
}
