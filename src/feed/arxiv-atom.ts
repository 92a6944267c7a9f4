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

const xml = new XMLParser({
  // arXiv repeats xmlns on most elements and prefixes its own (`arxiv:comment`); names are read bare.
  removeNSPrefix: true,
  // Values stay strings: `parseTagValue` would turn an id such as `0307015` or a title such as `1984` into a number.
  parseTagValue: false,
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

/** Parses `text` and returns the `<feed>` element, or throws FeedFormatError saying what the text is instead. */
function readFeed(text: string): Record<string, unknown> {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new FeedFormatError('The input is empty: expected an arXiv Atom feed.');
  if (!body.startsWith('<')) throw new FeedFormatError('The input is not XML: expected an arXiv Atom feed.');
  if (/^(?:<\?xml[^>]*>\s*)?<(?:!doctype html|html)\b/i.test(body)) {
    throw new FeedFormatError('The input is an HTML page, not an arXiv Atom feed.');
  }
  let doc: unknown;
  try {
    doc = xml.parse(body);
  } catch (error) {
    throw new FeedFormatError(`The input is not well-formed XML: ${(error as Error).message}`);
  }
  const feed = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).feed : undefined;
  if (feed === undefined) {
    const root = Object.keys(doc ?? {}).find((k) => !k.startsWith('?'));
    throw new FeedFormatError(`The XML is not an Atom feed: its root element is <${root ?? 'nothing'}>.`);
  }
  // fast-xml-parser accepts unclosed elements silently, so a cut-off response would lose entries unnoticed.
  if (!/(?:<\/(?:\w+:)?feed>|<(?:\w+:)?feed\b[^>]*\/>)$/.test(body))
    throw new FeedFormatError('The Atom feed ends early (truncated?).');
  return typeof feed === 'object' && feed !== null ? (feed as Record<string, unknown>) : {};
}

/** The calendar day as written in an Atom timestamp (`2003-07-07T13:46:39-04:00` gives `2003-07-07`). */
function writtenDate(stamp: string | undefined): string | null {
  const day = stamp?.trim().slice(0, 10);
  return day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
}
