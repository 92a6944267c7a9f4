import { parseDateLine } from './page-dates.ts';
import type { Para } from './page-paragraphs.ts';
import { isAbstractLike } from './page-prose.ts';

/*
 * A page's paragraphs put back into a card's parts, whatever blank lines the copy kept: a browser's copy has
 * one between a card's title, abstract and meta block; others have one after every line, or none at all.
 */

/**
 * The paragraphs as a card's parts, however the copy laid out its blank lines. A browser's copy puts a
 * blank line between a card's title, its abstract and its meta block; other copies put one between every
 * line (double-spaced text, `\r\r\n` line ends) or none at all. So a paragraph holding several cards' lone
 * `·` lines (no blank lines) is cut into its lines, and a lone `·` is joined to the paragraph before it
 * (its authors or organisation) and a date line after it, which gives back the meta block a browser's
 * copy keeps in one paragraph. Lines cut apart keep their links, and the lines of a hard-wrapped abstract
 * stay one paragraph (linesOf, goesOn). Text in its usual form passes unchanged: no paragraph of it is a lone
 * `·`, a date line after one, holds two, or is prose stopped mid-sentence with its next line after it.
 */
export function* regrouped(source: Iterable<Para>): Generator<Para> {
  let held: Para | null = null;
  for (const raw of source) {
    for (const p of cardsRunTogether(raw) || raw.cut ? linesOf(raw) : [raw]) {
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
      // `· Published on Dec 28, 2024` under a `4 authors` paragraph: a markdown copy's meta line.
      if (held && !held.oversized && !endsWithDot && isDotAndDate(p) && !held.lines.includes('·')) {
        held.lines.push(...p.lines);
        continue;
      }
      if (held && goesOn(held, p)) {
        append(held, p);
        continue;
      }
      if (held) yield held;
      held = p;
    }
  }
  if (held) yield held;
}

/** The most characters a paragraph of prose grows to by goesOn: twice the longest abstract arXiv takes. */
const MAX_PROSE_CHARS = 4000;

/**
 * Whether `p` is the next line of the prose `held` ends with, cut off it by a copy that put a blank line
 * after every line (or none at all) into a hard-wrapped abstract: `held` reads as prose and stops mid-sentence,
 * and `p` goes on in lower case with words enough to be no organisation's line (`kandinskylab Kandinsky Lab`).
 */
function goesOn(held: Para, p: Para): boolean {
  if (held.oversized || p.oversized || held.lines.includes('·')) return false;
  const last = held.lines.at(-1) as string;
  const first = p.lines[0] as string;
  if (!/^\p{Ll}/u.test(first) || /[.!?:;)\]"'”’]$/.test(last)) return false;
  const words = first.split(/\s+/).length;
  if (words < 6 && !/\.$/.test(first)) return false;
  let chars = 0;
  for (const line of held.lines) chars += line.length;
  return chars + first.length <= MAX_PROSE_CHARS && isAbstractLike(held);
}

/** `p`'s lines (and links, and where they were) added at the end of `held`. */
function append(held: Para, p: Para): void {
  const offset = held.lines.length;
  held.lines.push(...p.lines);
  if (!p.links) return;
  held.links = [...(held.links ?? []), ...p.links];
  held.linkLines = [...(held.linkLines ?? []), ...p.links.map((_, k) => offset + (p.linkLines?.[k] ?? 0))];
}

function isDotAndDate(p: Para): boolean {
  return (
    !p.oversized && p.lines.length === 2 && p.lines[0] === '·' && parseDateLine(p.lines[1] as string) !== null
  );
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

/**
 * The paragraph cut into its lines, each with the links that were on it; lines that go on on the next (a
 * hard-wrapped abstract, a link's text over several lines) stay together.
 */
function linesOf(p: Para): Para[] {
  const wraps = new Set(p.wraps);
  const pieces: Para[] = [];
  let link = 0;
  for (let start = 0, i = 0; i < p.lines.length; i++) {
    if (wraps.has(i) && i + 1 < p.lines.length) continue;
    const piece: Para = { lines: p.lines.slice(start, i + 1), line: p.line + start, cut: true };
    // linkLines only grows, so the links of lines start..i are the next ones in order.
    const from = link;
    while (link < (p.links?.length ?? 0) && (p.linkLines?.[link] ?? 0) <= i) link++;
    if (link > from) piece.links = (p.links as string[]).slice(from, link);
    pieces.push(piece);
    start = i + 1;
  }
  return pieces;
}
