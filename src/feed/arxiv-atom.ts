import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import {
  collapseWhitespace,
  FeedFormatError,
  normalizeArxivId,
  type Paper,
  type ParseResult,
  paperSchema,
  type SkippedItem,
} from '../papers/paper.ts';
import { MAX_ITEMS, tooManyItems } from './limits.ts';

const xml = new XMLParser({
  // arXiv repeats xmlns on most elements and prefixes its own (`arxiv:comment`); names are read bare.
  removeNSPrefix: true,
  // Values stay strings: `parseTagValue` would turn an id such as `0307015` or a title such as `1984` into a number.
  parseTagValue: false,
  // Character references (`Caf&#233;`, `&#x2014;`) are XML: without this they stayed in titles and names as
  // written. (It also knows HTML's named entities; there is no DTD, so nothing else is expanded.)
  htmlEntities: true,
  isArray: (name) => name === 'entry' || name === 'author',
});

/** The parts of an Atom `<entry>` we read; arXiv adds more (links, categories, `arxiv:*`). */
const atomEntry = z.looseObject({
  id: z.string().min(1),
  title: z.string(),
  summary: z.string().optional(),
  published: z.string().optional(),
  author: z.array(z.looseObject({ name: z.string() })).optional(),
});

/**
 * Parses an arXiv API response (Atom 1.0). Zero entries give an empty result. Throws FeedFormatError when
 * the text is not an Atom feed, is cut off, or is arXiv's error feed (whose single entry carries the message).
 */
export function parseArxivAtom(text: string): ParseResult {
  const feed = readFeed(text);
  const entries: unknown[] = Array.isArray(feed.entry) ? feed.entry : [];
  if (entries.length > MAX_ITEMS) throw tooManyItems('entries');
  const papers: Paper[] = [];
  const skipped: SkippedItem[] = [];
  entries.forEach((raw, i) => {
    const parsed = atomEntry.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      skipped.push({ where: `entry ${i}`, reason: `${issue?.path.join('.') || 'entry'}: ${issue?.message}` });
      return;
    }
    const entry = parsed.data;
    // arXiv reports a bad query as a feed whose one entry has an `api/errors#...` id and the message as summary.
    if (/\/api\/errors/.test(entry.id)) {
      throw new FeedFormatError(`arXiv API error: ${collapseWhitespace(entry.summary ?? entry.title)}`);
    }
    const arxivId = normalizeArxivId(entry.id);
    if (!arxivId) {
      skipped.push({ where: `entry ${i}`, reason: `id "${entry.id}" is not an arXiv id` });
      return;
    }
    const authors = (entry.author ?? []).map((a) => collapseWhitespace(a.name)).filter((n) => n !== '');
    const checked = paperSchema.safeParse({
      id: arxivId,
      arxivId,
      title: collapseWhitespace(entry.title),
      abstract: collapseWhitespace(entry.summary ?? ''),
      authors,
      authorCount: authors.length,
      organization: null,
      publishedAt: writtenDate(entry.published),
      feedDate: null,
      upvotes: null,
      comments: null,
    } satisfies Paper);
    if (checked.success) papers.push(checked.data);
    else skipped.push({ where: `entry ${i} (${arxivId})`, reason: checked.error.issues[0]?.message ?? '' });
  });
  return { papers, skipped };
}

/**
 * Most tags (`<`) a feed may hold. arXiv answers at most 2,000 entries of a few dozen elements each; the
 * parser keeps a few hundred bytes for every element, so millions of empty ones would take gigabytes.
 */
export const MAX_XML_TAGS = 500_000;

/**
 * Longest run of characters between two angle brackets. fast-xml-parser gathers text one character at a
 * time, which costs tens of bytes a character until the run ends; an abstract is a few thousand characters.
 */
export const MAX_XML_RUN = 1_000_000;

/** Runs of whitespace alone longer than this are cut to one space before parsing (see boundXml). */
const BLANK_RUN = 1024;

/** Parses `text` and returns the `<feed>` element, or throws FeedFormatError saying what the text is instead. */
function readFeed(text: string): Record<string, unknown> {
  // trim() returns a slice; replacing the byte order mark only copies when there is one.
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new FeedFormatError('The input is empty: expected an arXiv Atom feed.');
  if (!body.startsWith('<')) throw new FeedFormatError('The input is not XML: expected an arXiv Atom feed.');
  if (/^(?:<\?xml[^>]*>\s*)?<(?:!doctype html|html)\b/i.test(body.slice(0, 4096))) {
    throw new FeedFormatError('The input is an HTML page, not an arXiv Atom feed.');
  }
  let doc: unknown;
  try {
    doc = xml.parse(boundXml(body));
  } catch (error) {
    if (error instanceof FeedFormatError) throw error;
    throw new FeedFormatError(`The input is not well-formed XML: ${(error as Error).message}`);
  }
  const feed = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).feed : undefined;
  if (feed === undefined) {
    const root = Object.keys(doc ?? {}).find((k) => !k.startsWith('?'));
    throw new FeedFormatError(`The XML is not an Atom feed: its root element is <${root ?? 'nothing'}>.`);
  }
  // fast-xml-parser accepts unclosed elements silently, so a cut-off response would lose entries unnoticed.
  if (!endsWithFeedClose(body)) throw new FeedFormatError('The Atom feed ends early (truncated?).');
  return typeof feed === 'object' && feed !== null ? (feed as Record<string, unknown>) : {};
}

/**
 * Checks in one pass that the parser's cost stays bounded: at most MAX_XML_TAGS tags and no run between two
 * angle brackets longer than MAX_XML_RUN. Runs of whitespace alone are exempt: they are cut to one space
 * (the parser trims them anyway, and every field read is whitespace-collapsed), so an indented or padded
 * feed still parses. Returns `body`, or a copy with those runs cut.
 */
function boundXml(body: string): string {
  let tags = 0;
  let longest = 0;
  let runStart = 0;
  let blank = true;
  const cuts: number[] = [];
  for (let i = 0; i <= body.length; i++) {
    // The end of the text closes the last run as a bracket would.
    const c = i < body.length ? body.charCodeAt(i) : 0x3e;
    if (c === 0x3c || c === 0x3e) {
      if (c === 0x3c) tags++;
      const length = i - runStart;
      if (!blank) longest = Math.max(longest, length);
      else if (length > BLANK_RUN) cuts.push(runStart, i);
      runStart = i + 1;
      blank = true;
    } else if (blank && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) blank = false;
  }
  if (tags > MAX_XML_TAGS) {
    throw new FeedFormatError(`The XML holds more than ${MAX_XML_TAGS} tags, more than any arXiv response.`);
  }
  if (longest > MAX_XML_RUN) {
    throw new FeedFormatError(
      `The XML holds a run of ${longest} characters without markup, longer than any arXiv field.`,
    );
  }
  if (cuts.length === 0) return body;
  const parts: string[] = [];
  let from = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    parts.push(body.slice(from, cuts[k]), ' ');
    from = cuts[k + 1] as number;
  }
  parts.push(body.slice(from));
  return parts.join('');
}

/** Whether the last tag closes the feed (`</feed>`, or `<feed …/>` for an empty one), prefixed or not. */
function endsWithFeedClose(body: string): boolean {
  const last = body.slice(body.lastIndexOf('<'));
  return /^<\/(?:\w+:)?feed>$/.test(last) || /^<(?:\w+:)?feed\b[^>]*\/>$/.test(last);
}

/** The calendar day as written in an Atom timestamp (`2003-07-07T13:46:39-04:00` gives `2003-07-07`). */
function writtenDate(stamp: string | undefined): string | null {
  const day = stamp?.trim().slice(0, 10);
  return day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
}
