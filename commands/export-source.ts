import type { ChannelRef } from '../src/chat/platform.ts';
import { EXPORT_FORMATS, type ExportFormat, type ExportPaper } from '../src/papers/paper-export.ts';
import { searchPapers } from '../src/papers/search.ts';
import type { PaperStore } from '../src/store/port.ts';
import { isoDay } from './dates.ts';
import { echo } from './parse.ts';
import { TOP_PERIODS } from './top.ts';

/** The most papers one export holds: a leaderboard or a search's results, never the whole archive. */
export const EXPORT_LIMIT = 200;

export type TopPeriod = 'week' | 'month' | 'all';

/**
 * What an export is of: the channel's reading list, the team's most upvoted over a window, or a search.
 * A new source is a member here, a branch in {@link parseExportSource} and one in {@link exportPapers}.
 */
export type ExportSource =
  | { kind: 'list' }
  | { kind: 'top'; period: TopPeriod }
  | { kind: 'search'; query: string };

/** How a source is typed, for usage errors. */
export const EXPORT_SOURCES_USAGE = 'list, top week|month|all, or search words';

/** What choosing an export's papers needs: the archive, the clock, and the channel it was asked in. */
export interface ExportContext {
  store: PaperStore;
  now: () => Date;
  /** The channel asked in (the reading list is a channel's); absent on the command line. */
  channel?: ChannelRef;
}

/** The papers of an export, with a heading for them and a base for the file's name. */
export interface ExportSelection {
  title: string;
  base: string;
  papers: ExportPaper[];
}

/** The file extensions of the formats, which people type for them (`export top month md`). */
const FORMAT_ALIASES: Readonly<Record<string, ExportFormat>> = { bib: 'bibtex', md: 'markdown' };

/**
 * Formats people ask for that no export writes. As a last word they are refused, not searched for:
 * `export unlearning pdf` means a PDF, and a file of papers matching "unlearning pdf" would be a surprise.
 */
const OTHER_FORMATS = new Set(['pdf', 'json', 'xml', 'html', 'txt', 'ris', 'docx', 'xlsx', 'tsv', 'yaml']);

/** An export as typed: what it is of, and the format when the text named one. */
export interface ExportRequest {
  source: ExportSource;
  format: ExportFormat | undefined;
}

/**
 * Reads an export typed as text (a chat line, the command line's words). Without a format given apart
 * (`format`: Discord's option, `--format`), a last word naming a format is the format, so
 * `export top month csv` reads as Discord's two options do; a last word naming a format no export writes
 * is refused. The rest is the source ({@link parseExportSource}).
 */
export function parseExportRequest(
  text: string,
  format: ExportFormat | undefined,
): ExportRequest | { error: string } {
  let words = text.trim();
  let chosen = format;
  const last = /(?:^|\s)([^\s"“”]+)$/.exec(words);
  const word = last?.[1]?.toLowerCase() ?? '';
  if (chosen === undefined && last) {
    const named = EXPORT_FORMATS.find((f) => f === word) ?? FORMAT_ALIASES[word];
    if (named) {
      chosen = named;
      words = words.slice(0, words.length - last[0].length).trim();
    } else if (OTHER_FORMATS.has(word) && words.length > word.length) {
      return {
        error: `I can export ${FORMAT_LIST}, not ${word.toUpperCase()}. To search for the word "${echo(last[1] ?? '')}", put it in quotes.`,
      };
    }
  }
  const source = parseExportSource(words);
  return 'error' in source ? source : { source, format: chosen };
}

const FORMAT_LIST = `${EXPORT_FORMATS.slice(0, -1).join(', ')} or ${EXPORT_FORMATS.at(-1)}`;

/**
 * Reads a source as typed: `list`, `top [week|month|all]` (default week), or any other words as a search.
 * A bare first word `list` or `top` names that source, as `/papers list` and `/papers top` do, so what
 * follows it must fit (`top year` is refused as `/papers top year` is); a search starting with one of
 * those words puts them in quotes (`"top k" sampling`), as a search with `/papers` does.
 */
export function parseExportSource(text: string): ExportSource | { error: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, second, ...more] = words.map((w) => w.toLowerCase());
  if (!first) return { error: `Say what to export: ${EXPORT_SOURCES_USAGE}.` };
  const quoteHint = `to export a search starting with "${first}", put the words in quotes ("${echo(text.trim())}").`;
  if (first === 'list') {
    if (words.length === 1) return { kind: 'list' };
    return { error: `An export of the list takes nothing after "list"; ${quoteHint}` };
  }
  if (first === 'top') {
    if (second === undefined) return { kind: 'top', period: 'week' };
    if ((second === 'week' || second === 'month' || second === 'all') && more.length === 0)
      return { kind: 'top', period: second };
    return {
      error: `After "top" give week, month or all, not "${echo(words.slice(1).join(' '))}"; ${quoteHint}`,
    };
  }
  return { kind: 'search', query: text.trim() };
}

/** The papers a source names, best first, at most {@link EXPORT_LIMIT}; a sentence when there are none. */
export async function exportPapers(
  ctx: ExportContext,
  source: ExportSource,
): Promise<ExportSelection | { error: string }> {
  switch (source.kind) {
    case 'list':
      return readingList(ctx);
    case 'top':
      return topVoted(ctx, source.period);
    case 'search':
      return searched(ctx, source.query);
  }
}

/** The channel's reading list, newest first, as `/papers list` shows it. */
async function readingList(ctx: ExportContext): Promise<ExportSelection | { error: string }> {
  // A reading list belongs to a channel; the command line has none unless it names one.
  if (!ctx.channel)
    return { error: "A reading list is a channel's: name it with --channel (e.g. slack:C123)." };
  const entries = await ctx.store.readingLists([ctx.channel], EXPORT_LIMIT);
  if (entries.length === 0)
    return { error: `This channel's reading list is empty, so there is nothing to export.` };
  return {
    title: 'Reading list',
    base: `reading-list-${isoDay(ctx.now())}`,
    papers: entries.map((e) => e.paper),
  };
}

async function topVoted(ctx: ExportContext, period: TopPeriod): Promise<ExportSelection | { error: string }> {
  const window = TOP_PERIODS[period] ?? { days: 7, label: 'this week' };
  const now = ctx.now();
  const since =
    window.days === null ? null : new Date(now.getTime() - window.days * 86_400_000).toISOString();
  const top = await ctx.store.topVoted(since, EXPORT_LIMIT);
  if (top.length === 0) return { error: `No votes ${window.label} yet, so there is nothing to export.` };
  return {
    title: `Top papers ${window.label}`,
    base: `top-${period}-${isoDay(now)}`,
    // The votes of the window, as /papers top shows them.
    papers: top.map((t) => ({ ...t.paper, teamVotes: t.votes })),
  };
}

async function searched(ctx: ExportContext, query: string): Promise<ExportSelection | { error: string }> {
  const outcome = await searchPapers(ctx.store, query, { limit: EXPORT_LIMIT, today: isoDay(ctx.now()) });
  if (!outcome.ok) return { error: outcome.error };
  if (outcome.results.length === 0)
    return { error: `No papers match "${echo(query)}", so there is nothing to export.` };
  return {
    title: `Papers matching "${echo(query)}"`,
    base: `search-${query}-${isoDay(ctx.now())}`,
    papers: outcome.results.map((r) => r.paper),
  };
}
