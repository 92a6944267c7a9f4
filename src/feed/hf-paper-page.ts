import {
  collapseWhitespace,
  normalizeArxivId,
  type ParseResult,
  paperSchema,
  titleKeyId,
} from '../papers/paper.ts';
import { voteOf } from './card-extras.ts';
import { isoDay, type MonthDay, parseDateLine, resolveYear, type Ymd } from './page-dates.ts';
import { type Para, paragraphs } from './page-paragraphs.ts';

/*
 * The text or markdown of one paper's page (huggingface.co/papers/<id>), which has no cards:
 *
 *   page     = chrome… "arxiv:<id>"? title "Published on <date>"? votes? "Authors:" name… "Abstract" summary? abstract
 *
 * The title is the paragraph before `Published on`, or before `Authors:` when the page shows no date; the
 * page's own title (`Paper page - <title>`) stands in when neither is there. Under `Abstract` come the
 * abstract, or the AI summary and then the abstract. Read in one pass that stops at the end of the abstract.
 */

const ARXIV_LINE = /^arxiv:\s*(\S+)$/i;
const PAGE_TITLE = /^(?:title:\s*)?Paper page - (.+)$/i;
const AUTHORS_HEAD = /^Authors:?$/i;
const ABSTRACT_HEAD = /^Abstract$/i;
/** The label the site puts after the AI summary, before the abstract itself (`AI-generated summary`). */
const SUMMARY_LABEL = /^AI[- ]generated summary$/i;
/** Most author names kept; arXiv papers with thousands of authors exist, pages of millions do not. */
const MAX_AUTHORS = 10_000;

/**
 * The paper on a single paper's page, or null when the text is not one (no title, no abstract, or a title
 * the paper schema refuses).
 * `asOf` places a date shown without its year.
 */
export function readPaperPage(text: string, asOf: Ymd): ParseResult | null {
  let prev: Para | null = null;
  let title: string | null = null;
  let pageTitle: string | null = null;
  let arxivId: string | null = null;
  let published: MonthDay | null = null;
  let upvotes: number | null = null;
  let authors: string[] | null = null;
  let section: 'head' | 'authors' | 'abstract' = 'head';
  const summary: string[] = [];

  for (const p of paragraphs(text)) {
    if (p.oversized) {
      if (section === 'abstract') break;
      prev = null;
      continue;
    }
    const joined = collapseWhitespace(p.lines.join(' '));
    if (section === 'abstract') {
      // The label says the prose above it was the summary: the abstract follows.
      if (SUMMARY_LABEL.test(joined)) continue;
      // The abstract (and the AI summary above it) are prose; the buttons after them are not.
      if (summary.length < 2 && joined.split(' ').length >= 12) {
        summary.push(joined);
        continue;
      }
      break;
    }
    const first = p.lines[0] as string;
    const id = ARXIV_LINE.exec(joined)?.[1];
    if (id) {
      arxivId ??= normalizeArxivId(id);
      continue;
    }
    const named = PAGE_TITLE.exec(joined)?.[1];
    if (named) {
      pageTitle ??= named;
      continue;
    }
    const date = p.lines.length === 1 && /^published on /i.test(first) ? parseDateLine(first) : null;
    if (date) {
      published ??= date.date;
      if (title === null && prev) title = collapseWhitespace(prev.lines.join(' '));
      continue;
    }
    const vote = voteOf(p);
    if (vote?.id) {
      arxivId ??= vote.id;
      upvotes ??= vote.count;
      continue;
    }
    if (AUTHORS_HEAD.test(joined)) {
      if (title === null && prev) title = collapseWhitespace(prev.lines.join(' '));
      section = 'authors';
      authors = [];
      continue;
    }
    if (ABSTRACT_HEAD.test(joined)) {
      section = 'abstract';
      continue;
    }
    if (section === 'authors' && authors) {
      // `Longhui Yu ,` a paragraph each; a name not linked to an account may share a line with the next.
      for (const line of p.lines)
        for (const name of line.split(','))
          if (name.trim() !== '' && authors.length < MAX_AUTHORS) authors.push(name.trim());
      continue;
    }
    prev = p;
  }

  const abstract = summary.at(-1);
  const name = title ?? pageTitle;
  if (!abstract || !name) return null;
  const checked = paperSchema.safeParse({
    id: arxivId ?? titleKeyId(name),
    arxivId,
    title: name,
    abstract,
    authors: authors ?? [],
    authorCount: authors && authors.length > 0 ? authors.length : null,
    organization: null,
    publishedAt: published ? isoDay(resolveYear(published, asOf)) : null,
    feedDate: null,
    upvotes,
    comments: null,
    ...(summary.length === 2 ? { aiSummary: summary[0] } : {}),
  });
  return checked.success ? { papers: [checked.data], skipped: [] } : null;
}
