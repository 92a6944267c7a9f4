import { z } from 'zod';
import {
  collapseWhitespace,
  FeedFormatError,
  isoDate,
  normalizeArxivId,
  type Paper,
  type ParseResult,
  paperSchema,
  type SkippedItem,
  titleKeyId,
} from '../papers/paper.ts';
import { scanJsonValue, skipJsonWhitespace } from './json-scan.ts';
import { firstKept, MAX_ITEMS, tooManyItems } from './limits.ts';

/*
 * Schemas for the parts of the Hugging Face papers API we read. Objects are loose because HF adds keys over
 * time; every field is optional or nullish because the 2024 and 2026 shapes differ and the flat
 * `/api/papers/{id}` object lacks the outer fields. A field that is present with the wrong type fails the item.
 */

/** An ISO 8601 timestamp or date; `Date.parse` alone would also accept strings such as `"1"`. */
const timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, 'expected an ISO timestamp')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a real date');
const count = z.number().int().nonnegative();
const organization = z.looseObject({ name: z.string().min(1), fullname: z.string().nullish() });

const hfPaper = z.looseObject({
  id: z.string().nullish(),
  title: z.string().nullish(),
  summary: z.string().nullish(),
  // `hidden: true` only hides the author's HF profile link on the page; the name is still the author's.
  authors: z.array(z.looseObject({ name: z.string() })).nullish(),
  publishedAt: timestamp.nullish(),
  submittedOnDailyAt: timestamp.nullish(),
  upvotes: count.nullish(),
  ai_summary: z.string().nullish(),
  ai_keywords: z.array(z.string()).nullish(),
  githubRepo: z.string().nullish(),
  githubStars: count.nullish(),
  projectPage: z.string().nullish(),
  organization: organization.nullish(),
});

/** An item of `/api/daily_papers` and `/api/papers/search`: the paper plus feed-level fields. */
const hfItem = z.looseObject({
  paper: hfPaper,
  title: z.string().nullish(),
  summary: z.string().nullish(),
  /**
   * Never used for the feed day: in late-2024 captures it is the submission time, but an evening (UTC)
   * submission is listed in the next day's feed; from March 2025 on it is the arXiv time minus a few hours.
   */
  publishedAt: timestamp.nullish(),
  numComments: count.nullish(),
  thumbnail: z.string().nullish(),
  organization: organization.nullish(),
});

type HfItem = z.infer<typeof hfItem>;

/**
 * The most values one item (or a lone paper object) may hold. A paper with a few thousand authors holds tens
 * of thousands; more is not a paper, and JSON.parse would spend tens of bytes on each.
 */
export const MAX_ITEM_VALUES = 250_000;

export interface HfJsonOptions {
  /**
   * The day (`YYYY-MM-DD`) a `GET /api/daily_papers?date=D` response was requested for. Every paper gets it
   * as its feed day: Hugging Face listed them on that day, whatever their timestamps say.
   */
  feedDate?: string | undefined;
}

/**
 * Parses the body of `GET /api/daily_papers`, `GET /api/papers/search?q=` (arrays of items) or
 * `GET /api/papers/{id}` (one flat paper). Bad or withdrawn items land in `skipped`; the rest still parse.
 * A paper's `feedDate` is `options.feedDate` when given, else the UTC day of `paper.submittedOnDailyAt`,
 * else null (older shapes carry no field that says which day's feed listed the paper).
 * Throws FeedFormatError when the text is not JSON, is an HF error object, or is not an array or object, and
 * when an array holds more than MAX_ITEMS items; RangeError when `options.feedDate` is not `YYYY-MM-DD`.
 */
export function parseHfJson(text: string, options: HfJsonOptions = {}): ParseResult {
  const feedDate = options.feedDate;
  if (feedDate !== undefined && !isCalendarDay(feedDate)) {
    throw new RangeError(`"${feedDate}" is not a date as YYYY-MM-DD`);
  }
  // A byte order mark (editors on Windows add one) is not JSON, but detectFormat accepts it.
  const start = skipJsonWhitespace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text.charCodeAt(start) === 0x5b) return parseItems(text, start, feedDate);
  const span = start < text.length ? scanJsonValue(text, start) : null;
  // Refused before JSON.parse, which would build everything up to the cut or the last value first.
  if (!span) throw notJson(text, 'Unexpected end of JSON input');
  if (span.values > MAX_ITEM_VALUES) {
    throw new FeedFormatError(
      `The JSON holds more than ${MAX_ITEM_VALUES} values in one object, far more than any paper.`,
    );
  }
  const value = parseJson(text);
  if (isRecord(value)) {
    // The Daily Papers page's own data (its `data-props` attribute): the same items under `dailyPapers`.
    if (Array.isArray(value.dailyPapers)) return parseParsedItems(value.dailyPapers, feedDate);
    if (typeof value.error === 'string' && value.title === undefined && value.paper === undefined) {
      throw new FeedFormatError(`Hugging Face answered with an error: "${value.error}"`);
    }
    const out = convertItem(value, feedDate);
    if ('paper' in out) return { papers: [out.paper], skipped: [] };
    // A lone object has no other items to fall back on, so a broken one means the input is not a paper.
    if (out.reason !== 'withdrawn') {
      throw new FeedFormatError(`The JSON object is not a Hugging Face paper: ${out.reason}.`);
    }
    return { papers: [], skipped: [{ where: 'item 0', reason: out.reason }] };
  }
  throw new FeedFormatError(
    `The JSON holds ${value === null ? 'null' : `a ${typeof value}`}, not a list of papers or a paper object.`,
  );
}

/**
 * Parses the array whose `[` is at `open` one item at a time: memory holds the papers so far and one item,
 * never the whole document. Any syntax error fails the whole input, as JSON.parse of the whole would.
 */
function parseItems(text: string, open: number, feedDate: string | undefined): ParseResult {
  const papers: Paper[] = [];
  const skipped: SkippedItem[] = [];
  let i = skipJsonWhitespace(text, open + 1);
  if (text.charCodeAt(i) === 0x5d) return endOfArray(text, i, { papers, skipped });
  // Items are numbered from 1 in what is reported, as a person counts them (and page text numbers lines).
  for (let index = 0; ; index++) {
    const span = i < text.length ? scanJsonValue(text, i) : null;
    if (!span) throw notJson(text, 'Unexpected end of JSON input');
    if (index >= MAX_ITEMS) throw tooManyItems('items');
    if (span.values > MAX_ITEM_VALUES) {
      // Skipped unread: parsing it is the cost this guards against.
      skipped.push({
        where: `item ${index + 1}`,
        reason: `holds more than ${MAX_ITEM_VALUES} values, far more than any paper`,
      });
    } else {
      const out = convertItem(parseJsonSlice(text, span.start, span.end), feedDate);
      if ('paper' in out) papers.push(out.paper);
      else skipped.push({ where: `item ${index + 1}`, reason: out.reason });
    }
    i = skipJsonWhitespace(text, span.end);
    const c = text.charCodeAt(i);
    if (c === 0x5d) return endOfArray(text, i, { papers, skipped });
    if (c !== 0x2c) {
      throw notJson(
        text,
        i >= text.length
          ? 'Unexpected end of JSON input'
          : `Expected ',' or ']' after array element in JSON at position ${i}`,
      );
    }
    i = skipJsonWhitespace(text, i + 1);
  }
}

/** Items already parsed (a list inside an object), each converted or skipped with its reason, as in a list. */
function parseParsedItems(items: unknown[], feedDate: string | undefined): ParseResult {
  if (items.length > MAX_ITEMS) throw tooManyItems('items');
  const papers: Paper[] = [];
  const skipped: SkippedItem[] = [];
  for (const [index, item] of items.entries()) {
    const out = convertItem(item, feedDate);
    if ('paper' in out) papers.push(out.paper);
    else skipped.push({ where: `item ${index + 1}`, reason: out.reason });
  }
  return { papers, skipped };
}

/** Checks that only whitespace follows the array's closing `]` at `close`, then returns `result`. */
function endOfArray(text: string, close: number, result: ParseResult): ParseResult {
  const rest = skipJsonWhitespace(text, close + 1);
  if (rest < text.length)
    throw notJson(text, `Unexpected non-whitespace character after JSON at position ${rest}`);
  return result;
}

function parseJsonSlice(text: string, start: number, end: number): unknown {
  try {
    return JSON.parse(text.slice(start, end));
  } catch (error) {
    throw new FeedFormatError(explainNotJson(text, error));
  }
}

function notJson(text: string, message: string): FeedFormatError {
  return new FeedFormatError(explainNotJson(text, new SyntaxError(message)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new FeedFormatError(explainNotJson(text, error));
  }
}

/** One sentence saying why `text` failed JSON.parse, in terms of what the text looks like. */
function explainNotJson(text: string, error: unknown): string {
  // A slice, not a trimmed copy: the text may be hundreds of megabytes of whitespace.
  const head = text.slice(firstKept(text));
  const start = head.slice(0, 4096);
  if (head === '') return 'The input is empty: expected JSON from the Hugging Face API.';
  if (/[\0\uFFFD]/.test(start)) return 'The input is binary data, not JSON.';
  if (/^<(?:!doctype html|html|head|body)\b/i.test(start)) {
    return 'The input is not JSON: it looks like an HTML page (an error or login page?).';
  }
  if (head.startsWith('<')) return 'The input is not JSON: it looks like XML.';
  if (!/^[[{"\d-]|^(?:true|false|null)\b/.test(start)) {
    return `The input is not valid JSON: it starts with "${head.slice(0, 24).split('\n')[0]}".`;
  }
  if (endsEarly(head)) return 'The JSON ends early (truncated?).';
  return `The input is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`;
}

/** True when `text` ends inside a string or with brackets still open, the signature of a cut-off body. */
function endsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return inString || depth > 0;
}

type Converted = { paper: Paper } | { reason: string };

/**
 * Turns one raw item (daily shape or flat paper) into a Paper, or a reason it was skipped. `feedDate`, when
 * given, is the day whose feed listed the item.
 */
function convertItem(raw: unknown, feedDate: string | undefined): Converted {
  if (!isRecord(raw)) {
    const kind = raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw;
    return { reason: `expected an object, got ${kind}` };
  }
  if (isWithdrawn(raw) || (isRecord(raw.paper) && isWithdrawn(raw.paper))) return { reason: 'withdrawn' };
  // The daily and search shapes wrap the paper in `paper`; `/api/papers/{id}` returns it flat.
  const flat = !('paper' in raw);
  let item: HfItem;
  if (flat) {
    const parsed = hfPaper.safeParse(raw);
    if (!parsed.success) return { reason: describeIssues(parsed.error) };
    item = { paper: parsed.data };
  } else {
    const parsed = hfItem.safeParse(raw);
    if (!parsed.success) return { reason: describeIssues(parsed.error) };
    item = parsed.data;
  }
  const candidate = toPaper(item, flat, feedDate);
  if (typeof candidate === 'string') return { reason: candidate };
  // The Paper contract is checked here so that a bad value is reported per item, not thrown later.
  const checked = paperSchema.safeParse(candidate);
  return checked.success ? { paper: checked.data } : { reason: describeIssues(checked.error) };
}

/**
 * No HF API documentation or client describes how a withdrawn paper is marked, so this accepts the two
 * plausible spellings: a non-empty `withdrawnAt` or `withdrawn: true`.
 */
function isWithdrawn(o: Record<string, unknown>): boolean {
  return (o.withdrawnAt != null && o.withdrawnAt !== '' && o.withdrawnAt !== false) || o.withdrawn === true;
}

function toPaper(item: HfItem, flat: boolean, feedDate: string | undefined): Paper | string {
  const p = item.paper;
  const prefix = flat ? '' : 'paper.';
  // The outer title (daily and search items) is the arXiv title as written, LaTeX included
  // (`LLM$\times$MapReduce`); paper.title has the LaTeX stripped and garbled (`LLMtimesMapReduce`) and keeps
  // arXiv's hard wraps. The flat `/api/papers/{id}` object has only paper.title.
  const title = collapseWhitespace(nonEmpty(item.title) ?? p.title ?? '');
  if (title === '') return `${prefix}title is missing or empty`;
  const arxivId = p.id ? normalizeArxivId(p.id) : null;
  const authors = (p.authors ?? []).map((a) => collapseWhitespace(a.name)).filter((n) => n !== '');
  const org = p.organization ?? item.organization;
  // Which day's feed listed the item: the day the response was requested for, when known; otherwise
  // paper.submittedOnDailyAt, the one field that says it. The outer publishedAt is not used: its UTC day
  // is off by one for evening submissions (2024) or is not a submission time at all (2025 on).
  const feedStamp = p.submittedOnDailyAt ?? null;
  return {
    id: arxivId ?? titleKeyId(title),
    arxivId,
    title,
    abstract: collapseWhitespace(p.summary ?? item.summary ?? ''),
    authors,
    authorCount: p.authors ? authors.length : null,
    organization: org ? { id: org.name, name: org.fullname || org.name } : null,
    publishedAt: p.publishedAt ? utcDay(p.publishedAt) : null,
    feedDate: feedDate ?? (feedStamp ? utcDay(feedStamp) : null),
    upvotes: p.upvotes ?? null,
    comments: item.numComments ?? null,
    aiSummary: nonEmpty(p.ai_summary),
    ...(p.ai_keywords ? { keywords: p.ai_keywords } : {}),
    githubRepo: nonEmpty(p.githubRepo),
    githubStars: p.githubStars ?? null,
    projectPage: nonEmpty(p.projectPage),
    thumbnail: nonEmpty(item.thumbnail),
  };
}

/** True for a `YYYY-MM-DD` that names a real day (not `2024-13-01` or `2024-02-30`). */
function isCalendarDay(s: string): boolean {
  if (!isoDate.safeParse(s).success) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The UTC calendar day of an ISO timestamp (HF timestamps are `Z`, but an offset must not shift the day wrongly). */
function utcDay(stamp: string): string {
  return new Date(stamp).toISOString().slice(0, 10);
}

function nonEmpty(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

/** `paper.upvotes: expected number, received string`, naming the first bad field and counting the rest. */
function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid item';
  const path = first.path.length > 0 ? first.path.join('.') : 'item';
  const what = /received undefined$/.test(first.message) ? `${path} is missing` : `${path}: ${first.message}`;
  return rest.length > 0 ? `${what} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : what;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
