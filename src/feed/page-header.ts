import { collapseWhitespace } from '../papers/paper.ts';
import { parseDateLine } from './page-dates.ts';
import { isMetaPara } from './page-meta-lines.ts';
import type { Lookahead } from './page-paragraphs.ts';
import { isAbstractLike } from './page-prose.ts';

/*
 * What stands above a papers page's first card: a capture tool's notes, the site's menu, and the page's own
 * header (`Daily Papers`, `by AK and the research community`, the search box, `Daily Weekly Monthly`).
 */

/** Lines of the page chrome above the first card; matched case-insensitively, each may be missing. */
const HEADER_LINES = new Set([
  'new',
  'get trending papers in your email inbox!',
  'get trending papers in your email inbox once a day!',
  'subscribe',
  'daily papers',
  'trending papers',
  'byak and the research community',
  'by ak and the research community',
  'daily',
  'weekly',
  'monthly',
  // The site's navigation, which markdown copies keep above the page.
  'hugging face',
  'models',
  'datasets',
  'spaces',
  'posts',
  'buckets new',
  'docs',
  'enterprise',
  'pricing',
  'log in',
  'sign up',
]);
/** Removes the known header lines at the top; returns whether any were there. */
export function stripHeader(paras: Lookahead): boolean {
  let seen = dropPreamble(paras);
  for (let p = paras.peek(0); p; p = paras.peek(0)) {
    while (p.lines[0] !== undefined && isHeaderLine(p.lines[0])) {
      p.lines.shift();
      p.line++;
      seen = true;
    }
    if (p.lines.length > 0 || p.oversized) break;
    paras.shift();
  }
  if (seen) dropHeaderRest(paras);
  return seen;
}

/** How far below the header's known lines the page date is looked for. */
const HEADER_REST_PARAS = 12;

/**
 * Drops the rest of the page's header, which copies split into pieces no line list can name (`by`, `AK`,
 * `and the research community`, the search box's query, a date link's empty text), when the page date
 * (`Mar 25`, a paragraph of its own) follows within a few short paragraphs: cards start below it. Nothing is
 * dropped when prose or a meta block comes first, which would be a card's.
 */
function dropHeaderRest(paras: Lookahead): void {
  for (let k = 0; k < HEADER_REST_PARAS; k++) {
    const p = paras.peek(k);
    if (!p || p.oversized || isMetaPara(p) || isAbstractLike(p)) return;
    const date = p.lines.length === 1 ? parseDateLine(p.lines[0] as string) : null;
    if (!date || date.date.year !== null || date.comments !== null) continue;
    for (let j = 0; j < k; j++) paras.shift();
    return;
  }
}

function isHeaderLine(line: string): boolean {
  return HEADER_LINES.has(collapseWhitespace(line).toLowerCase());
}

/** The lines that open the page itself, below the site's navigation. */
const PAGE_START = new Set([
  'get trending papers in your email inbox!',
  'get trending papers in your email inbox once a day!',
  'daily papers',
  'trending papers',
]);
/**
 * How far down the page's own header is looked for: past a capture tool's notes and the site's menu, which
 * an export that writes each link's text and target as paragraphs of their own spreads over 30 paragraphs,
 * and a copy with a line a paragraph (double-spaced, or cut apart for want of blank lines) over 40.
 */
const PREAMBLE_PARAS = 64;

/**
 * Drops what a capture puts above the page (the tool's own title and notes, the site's menu) when the
 * page's header follows within a few paragraphs: such notes can read like a title and its abstract.
 * The header is the last of its opening lines before a card's meta block: the menu has a `Daily Papers`
 * item of its own, which a copy with a line a paragraph puts in a paragraph of its own above the menu's rest.
 * Nothing is dropped when a card's meta block comes first, or when no header is there.
 */
function dropPreamble(paras: Lookahead): boolean {
  let start = -1;
  for (let k = 0; k < PREAMBLE_PARAS; k++) {
    const p = paras.peek(k);
    if (!p || p.oversized || isMetaPara(p)) break;
    if (PAGE_START.has(collapseWhitespace(p.lines[0] ?? '').toLowerCase())) start = k;
  }
  for (let j = 0; j < start; j++) paras.shift();
  return start > 0;
}
