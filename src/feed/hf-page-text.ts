import {
  collapseWhitespace,
  FeedFormatError,
  type Paper,
  type ParseResult,
  paperSchema,
  type SkippedItem,
  titleKeyId,
} from '../papers/paper.ts';
import { MAX_ITEMS, tooManyItems } from './limits.ts';
import { Lookahead, type Para, paragraphs } from './page-paragraphs.ts';

/*
 * Grammar of a text rendering of a huggingface.co papers listing:
 *
 *   page   = header? pageDate? card*
 *   card   = title abstract? meta?          (paragraphs, separated by blank lines)
 *   meta   = who? "·" dateLine?             (one paragraph; the lone "·" is its anchor)
 *   who    = "• N authors" | "<org-id> <Org Name>"
 *   dateLine = "Dec 2, 2024" | "Jun 9", optionally followed by the card's comment count
 *
 * Titles and abstracts carry no marker, so cards are found by their meta blocks: the paragraphs between two
 * meta blocks are the title (and abstract) of the card the second one closes, plus any earlier cards that
 * had no meta block. Nothing depends on fixed positions, so missing header lines, a missing abstract, a
 * card without meta or a title that looks like a date or a number still parse.
 *
 * The text is read in one pass, a paragraph at a time, holding a window of at most three paragraphs plus
 * the cards found: blank lines cost nothing, and no paragraph holds more than MAX_PARA_CHARS characters.
 */

interface MonthDay {
  month: number;
  day: number;
  year: number | null;
}

interface Meta {
  line: number;
  authorCount: number | null;
  organization: { id: string; name: string } | null;
  date: MonthDay | null;
  comments: number | null;
}

/** A calendar day with every part known. */
type Ymd = { year: number; month: number; day: number };

type Block = { kind: 'text'; para: Para } | { kind: 'meta'; meta: Meta };

/** Lines of the page chrome above the first card; matched case-insensitively, each may be missing. */
const HEADER_LINES = new Set([
  'new',
  'get trending papers in your email inbox!',
  'subscribe',
  'daily papers',
  'byak and the research community',
]);
const AUTHORS = /^(?:[•‣*-]\s*)?(\d+)\s+authors?$/i;
/** `Dec 2, 2024`, `Jun 9`, `Sept. 3`; trending and single-paper pages say `Published on Oct 4, 2026`. */
const DATE =
  /^(?:(?:published|submitted)\s+on\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:,\s*(\d{4}))?(?:\s+(\d+))?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * Parses the text of a Hugging Face papers listing. Dates shown without a year are resolved against the
 * page date, whose own year comes from `asOf` (the day the page was captured, `YYYY-MM-DD`).
 * Throws FeedFormatError when the text holds no paper cards.
 */
export function parseHfPageText(text: string, opts: { asOf: string }): ParseResult {
  const asOf = parseAsOf(opts.asOf);
  const paras = new Lookahead(regrouped(paragraphs(text)));
  const headerSeen = stripHeader(paras);
  const pageDate = takePageDate(paras, headerSeen);
  // The page date is in asOf's year unless that would put it after asOf (a page from late last year).
  const ref = pageDate ? resolveYear(pageDate, asOf) : asOf;
  const cards = new CardAssembler(ref);
  for (let p = paras.shift(); p; p = paras.shift()) for (const block of toBlocks(p)) cards.add(block);
  const result = cards.finish();
  if (!cards.sawMeta) {
    throw new FeedFormatError(
      'no paper cards found: no paragraph holds the lone "·" line that separates a card\'s authors from its date.',
    );
  }
  if (result.papers.length === 0) {
    throw new FeedFormatError(
      `no paper cards found: all ${result.skipped.length} candidate cards were unreadable.`,
    );
  }
  return result;
}

function parseAsOf(asOf: string): Ymd {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  if (!m) throw new RangeError(`asOf must be a date as YYYY-MM-DD, got "${asOf}"`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Removes the known header lines at the top; returns whether any were there. */
function stripHeader(paras: Lookahead): boolean {
  let seen = false;
  for (let p = paras.peek(0); p; p = paras.peek(0)) {
    while (p.lines[0] !== undefined && HEADER_LINES.has(p.lines[0].toLowerCase())) {
      p.lines.shift();
      p.line++;
      seen = true;
    }
    if (p.lines.length > 0 || p.oversized) break;
    paras.shift();
  }
  return seen;
}

/**
 * Removes and returns the page date (`Nov 12`) when the first line is one, in place. A first card's title can
 * also look like a date, so the line counts as the page date only when a card still follows it before the
 * first meta block (two paragraphs, or one that reads like a title rather than an abstract), or, when
 * nothing follows it, when the header was there.
 */
function takePageDate(paras: Lookahead, headerSeen: boolean): MonthDay | null {
  const first = paras.peek(0);
  const date = first?.lines[0] !== undefined ? parseDateLine(first.lines[0]) : null;
  if (!first || !date || date.comments !== null) return null;
  // Where the first meta block is, looking no further than three paragraphs: the rule below only tells
  // none, one, and two or more apart.
  let metaAt = 0;
  for (let p = paras.peek(0); p && metaAt < 3 && !isMetaPara(p); p = paras.peek(metaAt)) metaAt++;
  const glued = first.lines.length > 1;
  // Paragraphs between the date line and the first meta block, and the first of them.
  const after = metaAt - (glued ? 0 : 1);
  const next = glued ? { lines: first.lines.slice(1), line: first.line + 1 } : paras.peek(1);
  // One paragraph after it: a title means this is the page date; an abstract means this is a date-like title.
  const isPageDate = after >= 2 || (after === 1 && next ? !isAbstractLike(next) : headerSeen);
  if (!isPageDate) return null;
  first.lines.shift();
  first.line++;
  if (first.lines.length === 0) paras.shift();
  return date.date;
}

/**
 * The paragraphs as a card's parts, however the copy laid out its blank lines. A browser's copy puts a
 * blank line between a card's title, its abstract and its meta block; other copies put one between every
 * line (double-spaced text, `\r\r\n` line ends) or none at all. So a paragraph holding several cards' lone
 * `·` lines (no blank lines) is cut into its lines, and a lone `·` is joined to the paragraph before it
 * (its authors or organisation) and a date line after it, which gives back the meta block a browser's
 * copy keeps in one paragraph. Text in its usual form passes unchanged: no paragraph of it is a lone `·`,
 * a date line after one, or holds two.
 */
function* regrouped(source: Iterable<Para>): Generator<Para> {
  let held: Para | null = null;
  for (const raw of source) {
    for (const p of cardsRunTogether(raw) ? linesOf(raw) : [raw]) {
      // One `·` and one date line at most join a paragraph (a meta block holds one of each), so a run of
      // lone dots or dates stays a run of paragraphs and this stays linear in the text.
      const endsWithDot = held !== null && !held.oversized && held.lines.at(-1) === '·';
      if (held && !held.oversized && !endsWithDot && isLoneDot(p)) {
        held.lines.push('·');
        continue;
      }
      if (held && endsWithDot && p.lines.length === 1 && parseDateLine(p.lines[0] as string)) {
        held.lines.push(p.lines[0] as string);
        continue;
      }
      if (held) yield held;
      held = p;
    }
  }
  if (held) yield held;
}

function isLoneDot(p: Para): boolean {
  return !p.oversized && p.lines.length === 1 && p.lines[0] === '·';
}

/** Whether a paragraph holds more than one card's `·` line: cards copied without blank lines. */
function cardsRunTogether(p: Para): boolean {
  if (p.oversized) return false;
  let dots = 0;
  for (const line of p.lines) if (line === '·' && ++dots > 1) return true;
  return false;
}

function linesOf(p: Para): Para[] {
  return p.lines.map((line, i) => ({ lines: [line], line: p.line + i }));
}

function isMetaPara(p: Para): boolean {
  return p.lines.includes('·') || AUTHORS.test(p.lines[0] ?? '');
}

/**
 * A paragraph is a text block, or holds a meta block: lines around the lone `·` (or, when the page was cut
 * short, a leading `• N authors` line). Text glued to the meta block without a blank line is split off.
 */
function toBlocks(p: Para): Block[] {
  if (p.oversized) return [{ kind: 'text', para: p }];
  const dot = p.lines.indexOf('·');
  let whoEnd: number;
  if (dot >= 0) whoEnd = dot;
  else if (AUTHORS.test(p.lines[0] ?? '')) whoEnd = 1;
  else return [{ kind: 'text', para: p }];

  let whoStart = whoEnd;
  let authorCount: number | null = null;
  let organization: Meta['organization'] = null;
  // Walk back from the anchor over at most one author-count line and one organisation line.
  while (whoStart > 0) {
    const line = p.lines[whoStart - 1] ?? '';
    const count = AUTHORS.exec(line);
    if (count && authorCount === null) authorCount = Number(count[1]);
    else if (!count && organization === null && isOrgLine(line) && dot >= 0) organization = parseOrg(line);
    else break;
    whoStart--;
  }
  const afterWho = dot >= 0 ? dot + 1 : whoEnd;
  const dateLine = p.lines[afterWho];
  const parsed = dateLine === undefined ? null : parseDateLine(dateLine);
  const rest = parsed ? afterWho + 1 : afterWho;

  const blocks: Block[] = [];
  if (whoStart > 0) blocks.push({ kind: 'text', para: { lines: p.lines.slice(0, whoStart), line: p.line } });
  blocks.push({
    kind: 'meta',
    meta: {
      line: p.line + whoStart,
      authorCount,
      organization,
      date: parsed?.date ?? null,
      comments: parsed?.comments ?? null,
    },
  });
  if (rest < p.lines.length)
    blocks.push({ kind: 'text', para: { lines: p.lines.slice(rest), line: p.line + rest } });
  return blocks;
}

/**
 * An organisation line is `<hf-org-id> <Display Name>`: a handful of words with no sentence punctuation, and
 * not itself a date. The limits keep the last line of an abstract glued to the meta block from passing as one.
 */
function isOrgLine(line: string): boolean {
  return (
    line.length <= 80 &&
    line.split(' ').length <= 8 &&
    /^[\w.-]+(?:\s|$)/.test(line) &&
    !/[.,;:!?]$/.test(line) &&
    parseDateLine(line) === null
  );
}

function parseOrg(line: string): { id: string; name: string } {
  const [id = line, ...name] = line.split(/\s+/);
  return { id, name: name.length > 0 ? name.join(' ') : id };
}

/** `Dec 2, 2024 2` → Dec 2 2024 with 2 comments; `Jun 9` → June 9, year unknown; anything else → null. */
function parseDateLine(line: string): { date: MonthDay; comments: number | null } | null {
  const m = DATE.exec(line);
  if (!m?.[1]) return null;
  const word = m[1].toLowerCase();
  const month = MONTHS.indexOf(word.slice(0, 3)) + 1;
  // Accept `Sep`, `Sept` and `September`, but not a word that merely starts like a month (`Marching 3`).
  if (month === 0 || !MONTH_NAMES[month - 1]?.startsWith(word)) return null;
  const day = Number(m[2]);
  if (day < 1 || day > 31) return null;
  return {
    date: { month, day, year: m[3] ? Number(m[3]) : null },
    comments: m[4] !== undefined ? Number(m[4]) : null,
  };
}

/**
 * The year of a date shown without one: the reference day's year, or the year before when the date would
 * otherwise fall after the reference day (listings only show past dates without a year).
 */
function resolveYear(d: MonthDay, ref: Ymd): Ymd {
  if (d.year !== null) return { ...d, year: d.year };
  const later = d.month > ref.month || (d.month === ref.month && d.day > ref.day);
  return { ...d, year: later ? ref.year - 1 : ref.year };
}

/** `YYYY-MM-DD`, or null for an impossible date such as Feb 30. */
function isoDay(d: Ymd): string | null {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (t.getUTCMonth() !== d.month - 1 || t.getUTCDate() !== d.day) return null;
  return t.toISOString().slice(0, 10);
}

/**
 * An abstract reads like prose: long, or a full sentence of a dozen words. Titles are short and rarely end
 * with a period. Used only to tell a missing abstract from a missing title.
 */
function isAbstractLike(p: Para): boolean {
  if (p.oversized) return true;
  const text = collapseWhitespace(p.lines.join(' '));
  return text.length > 300 || (text.endsWith('.') && !text.endsWith('...') && text.split(' ').length >= 12);
}

/**
 * Takes the blocks in order, closing a run of text paragraphs at each meta block. Cards are taken off the
 * front of a run as soon as three paragraphs wait (see takeCard), so a run never holds more than three.
 */
class CardAssembler {
  readonly papers: Paper[] = [];
  readonly skipped: SkippedItem[] = [];
  /** Whether any meta block was seen: without one the text is not a papers page at all. */
  sawMeta = false;
  private run: Para[] = [];

  constructor(private readonly ref: Ymd) {}

  add(block: Block): void {
    if (block.kind === 'meta') {
      this.sawMeta = true;
      this.close(block.meta);
      return;
    }
    if (block.para.oversized?.anchored) this.sawMeta = true;
    this.run.push(block.para);
    let i = 0;
    while (this.run.length - i >= 3) i = this.takeCard(i, null);
    if (i > 0) this.run.splice(0, i);
  }

  finish(): ParseResult {
    this.close(null);
    return { papers: this.papers, skipped: this.skipped };
  }

  /** Splits the run into cards; the last card gets `meta`. */
  private close(meta: Meta | null): void {
    if (this.run.length === 0 && meta) {
      this.skip({ where: `line ${meta.line}`, reason: 'a meta block with no title before it' });
    }
    let i = 0;
    while (i < this.run.length) i = this.takeCard(i, meta);
    this.run = [];
  }

  /**
   * Reads the card whose title is run[i] and returns where the next one starts. A paragraph after a title is
   * its abstract when it reads like one, or when it is the last before the meta block (the usual
   * title-abstract pair, whatever the abstract's length). With three or more paragraphs from i on, neither
   * the end of the run nor `meta` can matter, which is what lets `add` take cards before the run closes.
   */
  private takeCard(i: number, meta: Meta | null): number {
    const run = this.run;
    const title = run[i] as Para;
    if (title.oversized) {
      this.skip({ where: `line ${title.line}`, reason: tooLong(title.oversized) });
      return i + 1;
    }
    if (isAbstractLike(title)) {
      this.skip({
        where: `line ${title.line}`,
        reason: 'a paragraph that reads like an abstract, with no title',
      });
      return i + 1;
    }
    const next = run[i + 1];
    // The last two paragraphs before a meta block are a title and its abstract whatever they read like.
    // After the last meta block (`meta` null at the end) only prose is an abstract: the page's footer
    // or pagination (`TOS Privacy About`, `Previous 1 2 3 Next`) is no card.
    const lastPair = i + 2 === run.length && meta !== null;
    const abstract = next && (isAbstractLike(next) || lastPair) ? next : null;
    const end = abstract ? i + 2 : i + 1;
    const cardMeta = end >= run.length ? meta : null;
    if (abstract?.oversized) {
      this.skip({ where: `line ${title.line}`, reason: `its abstract is ${tooLong(abstract.oversized)}` });
    } else if (!abstract && !cardMeta) {
      this.skip({ where: `line ${title.line}`, reason: 'a title with no abstract and no meta block' });
    } else {
      const checked = paperSchema.safeParse(toPaper(title, abstract, cardMeta, this.ref));
      if (checked.success) this.keep(checked.data);
      else
        this.skip({
          where: `line ${title.line}`,
          reason: checked.error.issues[0]?.message ?? 'invalid card',
        });
    }
    return end;
  }

  private keep(paper: Paper): void {
    this.count();
    this.papers.push(paper);
  }

  private skip(item: SkippedItem): void {
    this.count();
    this.skipped.push(item);
  }

  private count(): void {
    if (this.papers.length + this.skipped.length >= MAX_ITEMS) throw tooManyItems('candidate cards');
  }
}

/** The skip reason for an oversized paragraph. */
function tooLong(size: { lines: number; chars: number }): string {
  return `a paragraph of ${size.lines} lines and ${size.chars} characters, longer than any title or abstract`;
}

function toPaper(title: Para, abstract: Para | null, meta: Meta | null, ref: Ymd): Paper {
  const t = collapseWhitespace(title.lines.join(' '));
  return {
    // Cards carry no arXiv id; the store can match them to an arXiv paper by normalised title later.
    id: titleKeyId(t),
    arxivId: null,
    title: t,
    abstract: abstract ? collapseWhitespace(abstract.lines.join(' ')) : '',
    authors: [],
    authorCount: meta?.authorCount ?? null,
    organization: meta?.organization ?? null,
    publishedAt: meta?.date ? isoDay(resolveYear(meta.date, ref)) : null,
    feedDate: null,
    upvotes: null,
    comments: meta?.comments ?? null,
  };
}
