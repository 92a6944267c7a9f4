import type { CardExtras } from './card-extras.ts';
import { isTrimmable } from './limits.ts';
import { linkReferences } from './link-references.ts';
import { looksLikeMarkdown, MarkupReader } from './page-markup.ts';

/*
 * The paragraphs of page text, read in one pass over indices: blank lines are skipped without a copy, and
 * no paragraph keeps more than MAX_PARA_CHARS characters, so memory follows the kept text, not the number of
 * lines.
 */

/**
 * The most characters (of trimmed lines) a paragraph keeps. A title or abstract is at most a few thousand
 * characters (arXiv caps abstracts at 1,920) and a whole page run together without blank lines a few hundred
 * thousand; a longer paragraph is kept only as its size, so that a file of one enormous line or millions of
 * short lines costs a few megabytes, not gigabytes.
 */
export const MAX_PARA_CHARS = 1_000_000;

/** A run of non-blank lines, trimmed, with markdown taken off (see page-markup.ts). */
export interface Para {
  lines: string[];
  /** 1-based line number of the first line, for `skipped`. */
  line: number;
  /** Where the paragraph's links point, in order: how a markdown copy says which paper a title is. */
  links?: string[];
  /** The index in `lines` of the line each of `links` was on, so that lines cut apart keep their links. */
  linkLines?: number[];
  /**
   * Indices in `lines` of the lines that go on on the next (a markdown hard line break, a link's text over
   * several lines): lines cut apart stay together across them.
   */
  wraps?: number[];
  /**
   * Set on a paragraph that ran several cards together, and on each line cut out of it: no blank line says
   * where its cards' parts begin, so it is read a line at a time.
   */
  cut?: boolean;
  /** Upvotes and GitHub stars read from lines around the paragraph, for the card it belongs to. */
  extras?: CardExtras;
  /**
   * Set, with `lines` empty, when the paragraph is longer than MAX_PARA_CHARS: it can be no card's part.
   * `anchored` records a lone `·` line in it, so that the text still counts as a papers page.
   */
  oversized?: { lines: number; chars: number; anchored: boolean };
}

/**
 * Yields the paragraphs: runs of trimmed, non-blank lines, numbered as `split(/\r\n|\r|\n/)` numbers them.
 * Works on indices, so blank lines and the text of oversized paragraphs are never copied. A line that holds
 * only markup (an image, a link's bracket) is no line; a URL on a line of its own is a link of the paragraph
 * it follows, which is how text copies write a link's target.
 */
export function* paragraphs(text: string): Generator<Para> {
  const refs = linkReferences(text);
  // Definitions say the text is markdown, wherever they are in it (converters put them at the end).
  const markup = new MarkupReader(refs.size > 0 || looksLikeMarkdown(text), refs);
  let current: Para | null = null;
  // A paragraph that ended at a blank line, held until the next line says whether it is the paragraph's URL.
  let ended: Para | null = null;
  let chars = 0;
  let lineNo = 0;
  let i = 0;
  // Whether the paragraph being read goes on from one cut off at MAX_PARA_CHARS (see below).
  let continued = false;
  // Whether the last line read goes on on the next (MarkupReader.continues): a double-spaced copy puts a
  // blank line inside a hard-wrapped abstract, which then does not end the paragraph.
  let wrapping = false;
  while (i <= text.length) {
    lineNo++;
    let end = i;
    while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
    let s = i;
    let e = end;
    while (s < e && isTrimmable(text.charCodeAt(s))) s++;
    while (e > s && isTrimmable(text.charCodeAt(e - 1))) e--;
    if (current && !current.oversized && chars + e - s > MAX_PARA_CHARS && e - s <= MAX_PARA_CHARS) {
      // A page copied without blank lines is one paragraph, and a long page (a month's listing) passes the
      // limit; such a run is read a line at a time anyway (regrouped), so it is cut between two lines and
      // read on. Only a run of cards is: anything else that long is no card's part, and stays oversized.
      if (holdsCards(current)) {
        current.cut = true;
        if (ended) yield ended;
        ended = null;
        yield current;
        current = null;
        continued = true;
      }
    }
    if (s === e) {
      if (wrapping && current && !current.oversized) {
        i = nextLine(text, end);
        continue;
      }
      if (current) {
        if (ended) yield ended;
        ended = current;
      }
      current = null;
      continued = false;
    } else if (current?.oversized) {
      chars += e - s;
      current.oversized.lines++;
      current.oversized.chars = chars;
      if (e - s === 1 && text.charCodeAt(s) === 0xb7) current.oversized.anchored = true;
    } else if ((current ? chars : 0) + e - s > MAX_PARA_CHARS) {
      // Too long for any card's part: counted by its raw length, its text never copied or read.
      if (!current) {
        if (ended) yield ended;
        ended = null;
        current = { lines: [], line: lineNo };
        chars = 0;
      }
      chars += e - s;
      const anchored = current.lines.includes('·') || (e - s === 1 && text.charCodeAt(s) === 0xb7);
      current.oversized = { lines: current.lines.length + 1, chars, anchored };
      current.lines = [];
      current.links = [];
      current.linkLines = [];
      current.wraps = [];
    } else {
      let added = false;
      for (const marked of markup.read(text.slice(s, e))) {
        if (marked.text === '') {
          const owner = current ?? ended;
          if (owner) addLinks(owner, marked.links, owner.lines.length - 1);
          continue;
        }
        if (!current) {
          if (ended) yield ended;
          ended = null;
          current = continued ? { lines: [], line: lineNo, cut: true } : { lines: [], line: lineNo };
          chars = 0;
        }
        addLinks(current, marked.links, current.lines.length);
        current.lines.push(marked.text);
        added = true;
      }
      if (current) chars += e - s;
      // A line that adds no text (a link's closing `](url)`, a skipped line) leaves the wrap as it was, unless
      // it ended it.
      wrapping = markup.continues && (added || wrapping);
      if (added && wrapping && current) {
        current.wraps ??= [];
        current.wraps.push(current.lines.length - 1);
      }
    }
    i = nextLine(text, end);
  }
  if (ended) yield ended;
  if (current) yield current;
}

/** Whether a paragraph runs several cards together: it holds more than one card's lone `·` line. */
function holdsCards(p: Para): boolean {
  let dots = 0;
  for (const line of p.lines) if (line === '·' && ++dots > 1) return true;
  return false;
}

/** Where the line after the one ending at `end` starts: `\r\n` ends one line, as a lone `\r` or `\n` does. */
function nextLine(text: string, end: number): number {
  return text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
}

/**
 * Adds a line's links (at most 8 each, page-links.ts) with the line they were on. Not capped per paragraph:
 * a page copied without blank lines is one paragraph of every card's links, and a URL is a part of the
 * line's text, which MAX_PARA_CHARS bounds.
 */
function addLinks(p: Para, links: string[], line: number): void {
  if (links.length === 0 || p.oversized) return;
  p.links ??= [];
  p.linkLines ??= [];
  for (const url of links) {
    p.links.push(url);
    p.linkLines.push(Math.max(line, 0));
  }
}

/** Paragraphs pulled one at a time, with a look at the next few: the page head needs three at most. */
export class Lookahead {
  private readonly ahead: Para[] = [];
  constructor(private readonly source: Iterator<Para>) {}

  /** The paragraph `n` places ahead (0 is the next one), or undefined past the end. */
  peek(n: number): Para | undefined {
    while (this.ahead.length <= n) {
      const next = this.source.next();
      if (next.done) return undefined;
      this.ahead.push(next.value);
    }
    return this.ahead[n];
  }

  /** Removes and returns the next paragraph. */
  shift(): Para | undefined {
    return this.peek(0) && this.ahead.shift();
  }
}
