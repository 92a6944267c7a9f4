import {
  collapseWhitespace,
  FeedFormatError,
  type Paper,
  type ParseResult,
  paperSchema,
  type SkippedItem,
  titleKeyId,
} from '../papers/paper.ts';
import { type CardExtras, commentsOf, linkedPaperId, starsOf, voteOf } from './card-extras.ts';
import { readPaperPage } from './hf-paper-page.ts';
import { MAX_ITEMS, tooManyItems } from './limits.ts';
import { isoDay, type MonthDay, parseAsOf, parseDateLine, resolveYear, type Ymd } from './page-dates.ts';
import { stripHeader } from './page-header.ts';
import { type Block, type Meta, toBlocks } from './page-meta-block.ts';
import { isMetaPara } from './page-meta-lines.ts';
import { Lookahead, type Para, paragraphs } from './page-paragraphs.ts';
import { isAbstractLike, readsAsTitle, splitLeadingVote, splitTitle } from './page-prose.ts';
import { regrouped } from './page-regroup.ts';

/*
 * Grammar of a text rendering of a huggingface.co papers listing:
 *
 *   page   = header? pageDate? card*
 *   card   = votes? title abstract? stars? meta? votes? stars?   (paragraphs, separated by blank lines)
 *   meta   = who? "·" dateLine?             (one paragraph; the lone "·" is its anchor)
 *   votes  = "87" | "-" | "Upvote 87"       (the vote button; before the title on daily pages, after on others)
 *   stars  = "GitHub 1.2k"                  (the repository button)
 *   who    = "• N authors" | "<org-id> <Org Name>"
 *   dateLine = "Dec 2, 2024" | "Jun 9", optionally followed by the card's comment count
 *
 * Titles and abstracts carry no marker, so cards are found by their meta blocks: the paragraphs between two
 * meta blocks are the title (and abstract) of the card the second one closes, plus any earlier cards that
 * had no meta block. Nothing depends on fixed positions, so missing header lines, a missing abstract, a
 * card without meta or a title that looks like a date or a number still parse.
 *
 * Markdown copies (reader tools, "save as markdown") are read as the same text once their markup is off
 * (page-markup.ts); their links add what the text lacks: the arXiv id of a title that links to its paper
 * page, and the paper a vote button is for. A copy of a single paper's page has no cards; hf-paper-page.ts
 * reads it.
 *
 * The text is read in one pass, a paragraph at a time, holding a window of at most three paragraphs plus
 * the cards found: blank lines cost nothing, and no paragraph holds more than MAX_PARA_CHARS characters.
 */

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
    const single = readPaperPage(text, asOf);
    if (single) return single;
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

/**
 * Removes and returns the page date (`Nov 12`) when the first line is one, in place. A first card's title can
 * also look like a date, so the line counts as the page date only when a card still follows it before the
 * first meta block (two paragraphs, or one that reads like a title rather than an abstract), or, when
 * nothing follows it, when the header was there.
 */
function takePageDate(paras: Lookahead, headerSeen: boolean): MonthDay | null {
  const first = paras.peek(0);
  const date = first?.lines[0] !== undefined ? parseDateLine(first.lines[0]) : null;
  // A page's own date never shows its year; a first line that does is a card's, the copy started there.
  if (!first || !date || date.comments !== null || date.date.year !== null) return null;
  // Where the first meta block is, looking no further than three paragraphs: the rule below only tells
  // none, one, and two or more apart.
  let metaAt = 0;
  for (let p = paras.peek(0); p && metaAt < 3 && !isMetaPara(p); p = paras.peek(metaAt)) metaAt++;
  const glued = first.lines.length > 1;
  // Paragraphs between the date line and the first meta block, and the first of them.
  const after = metaAt - (glued ? 0 : 1);
  const next = glued ? { lines: first.lines.slice(1), line: first.line + 1 } : paras.peek(1);
  // One paragraph after it: a title (alone or with its abstract run into it) means this is the page date; an
  // abstract means this is a date-like title.
  const isPageDate =
    after >= 2 || (after === 1 && next ? !isAbstractLike(next) || splitTitle(next) !== null : headerSeen);
  if (!isPageDate) return null;
  first.lines.shift();
  first.line++;
  if (first.lines.length === 0) paras.shift();
  return date.date;
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
  /** Vote counts whose card has not been read yet, by arXiv id; a vote button sits next to its card. */
  private readonly votes = new Map<string, number>();
  /** The paper whose card was just closed when its vote button follows it (a trending page's). */
  private votesFor: Paper | null = null;
  /** Ids of the papers kept: trending pages show every card twice (a narrow and a wide layout). */
  private readonly seen = new Set<string>();

  constructor(private readonly ref: Ymd) {}

  add(block: Block): void {
    if (block.kind === 'meta') {
      this.sawMeta = true;
      const kept = this.papers.length;
      this.close(block.meta);
      this.votesFor =
        block.meta.votesFollow && this.papers.length > kept ? (this.papers.at(-1) ?? null) : null;
      return;
    }
    for (const para of splitLeadingVote(block.para)) this.addText(para);
  }

  private addText(para: Para): void {
    if (para.oversized?.anchored) this.sawMeta = true;
    const vote = voteOf(para);
    if (vote?.id) {
      this.vote(vote.id, vote.count);
      return;
    }
    // A count alone after a trending page's card is its vote button; the `GitHub` button may come between.
    const follows = this.votesFor;
    if (!(para.lines.length === 1 && starsOf(para.lines[0] as string, undefined))) this.votesFor = null;
    if (vote && follows && this.run.length === 0) {
      follows.upvotes ??= vote.count;
      return;
    }
    const comments = commentsOf(para);
    if (comments) {
      const paper = this.recent(comments.id);
      if (paper) paper.comments ??= comments.count;
      if (paper) return;
    }
    const last = para.oversized ? undefined : para.lines.at(-1);
    const stars = last === undefined ? null : starsOf(last, para.links);
    if (stars && para.lines.length === 1) {
      this.addExtras(stars);
      return;
    }
    if (stars) {
      para.lines.pop();
      para.extras = { ...para.extras, ...stars };
    }
    // Prose where a title is due (a card opens here) may be the title and abstract with no blank line between.
    const before = this.run.at(-1);
    const glued = !before || voteOf(before) || isAbstractLike(before) ? splitTitle(para) : null;
    if (glued) {
      glued[0].extras = para.extras;
      for (const p of glued) this.push(p);
    } else this.push(para);
  }

  private push(para: Para): void {
    this.run.push(para);
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

  /** A vote count for the paper `id`: its card is either read already (the count follows it) or next. */
  private vote(id: string, count: number | null): void {
    if (count === null) return;
    // The button names its paper, so its count stands over one read from a number's place on the page.
    const paper = this.recent(id);
    if (paper) {
      paper.upvotes = count;
      return;
    }
    this.votes.set(id, count);
    // Only the next card can claim it; a page of stray vote buttons holds a handful at a time.
    if (this.votes.size > 8) this.votes.delete(this.votes.keys().next().value as string);
  }

  /** One of the last few papers kept, by arXiv id. */
  private recent(id: string): Paper | undefined {
    for (let k = this.papers.length - 1; k >= 0 && k >= this.papers.length - 4; k--) {
      if (this.papers[k]?.arxivId === id) return this.papers[k];
    }
    return undefined;
  }

  /** Stars for the card being read, or for the card just closed when they follow its meta block. */
  private addExtras(extras: CardExtras): void {
    const open = this.run.at(-1);
    if (open) {
      open.extras = { ...open.extras, ...extras };
      return;
    }
    const paper = this.papers.at(-1);
    if (paper && paper.githubStars == null) Object.assign(paper, extras);
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
    // A vote count alone before a title (a daily page's card opens with its vote button): the card's upvotes.
    const vote = voteOf(title);
    const cardTitle = run[i + 1];
    if (vote && cardTitle && this.startsCard(i + 1, meta)) {
      cardTitle.extras = { ...cardTitle.extras, upvotes: vote.count };
      return i + 1;
    }
    if (!readsAsTitle(title, run[i + 1])) {
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
      if (checked.success) this.keep(checked.data, title.line);
      else
        this.skip({
          where: `line ${title.line}`,
          reason: checked.error.issues[0]?.message ?? 'invalid card',
        });
    }
    return end;
  }

  /**
   * Whether run[j] can open a card: a title (not prose) followed by its abstract, or by the meta block when
   * it is the last paragraph. A number followed by anything else is a title itself (`2048` then its
   * abstract) or pagination (`1 2 3 Next`).
   */
  private startsCard(j: number, meta: Meta | null): boolean {
    const title = this.run[j];
    const after = this.run[j + 1];
    if (!title || title.oversized || !readsAsTitle(title, after)) return false;
    return after ? isAbstractLike(after) : meta !== null;
  }

  private keep(paper: Paper, line: number): void {
    // A card without an arXiv id is known by its title, as the archive knows it.
    if (this.seen.has(paper.id)) {
      this.skip({
        where: `line ${line}`,
        reason: `the same paper as an earlier card (${paper.arxivId ?? `"${paper.title}"`})`,
      });
      return;
    }
    this.seen.add(paper.id);
    if (paper.arxivId) {
      const votes = this.votes.get(paper.arxivId);
      if (votes !== undefined) paper.upvotes = votes;
      this.votes.delete(paper.arxivId);
    }
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
  // Text cards carry no arXiv id (the store matches them to an arXiv paper by normalised title later); a
  // markdown copy's title links to the paper's page, whose address holds it.
  const arxivId = linkedPaperId(title) ?? linkedPaperId(abstract) ?? linkedPaperId(meta?.para);
  const extras: CardExtras = { ...meta?.para.extras, ...abstract?.extras, ...title.extras };
  return {
    id: arxivId ?? titleKeyId(t),
    arxivId,
    title: t,
    abstract: abstract ? collapseWhitespace(abstract.lines.join(' ')) : '',
    authors: [],
    authorCount: meta?.authorCount ?? null,
    organization: meta?.organization ?? null,
    publishedAt: meta?.date ? isoDay(resolveYear(meta.date, ref)) : null,
    feedDate: null,
    upvotes: extras.upvotes ?? null,
    comments: meta?.comments ?? null,
    ...(extras.githubStars === undefined ? {} : { githubStars: extras.githubStars }),
    ...(extras.githubRepo === undefined ? {} : { githubRepo: extras.githubRepo }),
  };
}
