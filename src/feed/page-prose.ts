import { collapseWhitespace } from '../papers/paper.ts';
import { voteOf } from './card-extras.ts';
import type { Para } from './page-paragraphs.ts';

/*
 * Telling a card's title from its abstract by how they read, and taking them apart where a copy ran them
 * (or the vote button above them) into one paragraph.
 */

/** Longer than this, a paragraph is no title: arXiv titles stay well under it. */
const TITLE_CHARS = 300;

/**
 * An abstract reads like prose: long, or a full sentence of a dozen words. Titles are short and rarely end
 * with a period. Used only to tell a missing abstract from a missing title.
 */
export function isAbstractLike(p: Para): boolean {
  if (p.oversized) return true;
  const text = collapseWhitespace(p.lines.join(' '));
  return (
    text.length > TITLE_CHARS || (text.endsWith('.') && !text.endsWith('...') && text.split(' ').length >= 12)
  );
}

/**
 * Whether `p` can be a card's title when `next` follows it. A title may be a full sentence of a dozen words
 * (`Small Models Can Learn to Reason From Very Few Examples.`), which reads like prose on its own; it is still
 * the title when the paragraph after it is longer prose, its abstract.
 */
export function readsAsTitle(p: Para, next: Para | undefined): boolean {
  if (!isAbstractLike(p)) return true;
  if (p.oversized || !next || !isAbstractLike(next)) return false;
  const length = collapseWhitespace(p.lines.join(' ')).length;
  return (
    length <= TITLE_CHARS &&
    (next.oversized !== undefined || collapseWhitespace(next.lines.join(' ')).length > length)
  );
}

/** The lines `from`…`to` of a paragraph as a paragraph of their own, with its links. */
function part(p: Para, from: number, to = p.lines.length): Para {
  const out: Para = { lines: p.lines.slice(from, to), line: p.line + from };
  if (p.links) out.links = p.links;
  return out;
}

/**
 * A vote count on the first line of a longer paragraph (`87` glued above its card's title, no blank line
 * between) as a paragraph of its own, then the rest; the paragraph alone otherwise.
 */
export function splitLeadingVote(p: Para): Para[] {
  if (p.oversized || p.lines.length < 2 || !voteOf(part(p, 0, 1))) return [p];
  return [part(p, 0, 1), part(p, 1)];
}

/**
 * A title and its abstract run into one paragraph (no blank line between): the first line and the rest, or
 * null when the paragraph does not read so. The first line is the title when it reads as one and the rest
 * as prose, unless the lines look hard-wrapped (the next line goes on in lower case, or the first line is as
 * long as the wrap), where the first line may be half a title or of the abstract itself.
 */
export function splitTitle(p: Para): [Para, Para] | null {
  if (p.oversized || p.lines.length < 2 || !isAbstractLike(p)) return null;
  const title = part(p, 0, 1);
  const abstract = part(p, 1);
  const first = p.lines[0] as string;
  const second = p.lines[1] as string;
  if (/^\p{Ll}/u.test(second) || /[-,;:]$/.test(first)) return null;
  // Hard-wrapped text fills its lines to about one width; an unwrapped title is shorter than the lines of
  // its wrapped abstract, and much shorter than an unwrapped one.
  let widest = 0;
  for (let k = 1; k < p.lines.length - 1; k++) widest = Math.max(widest, (p.lines[k] as string).length);
  if (p.lines.length >= 3 && first.length >= widest * 0.9 && !isTitleCased(first)) return null;
  if (!readsAsTitle(title, abstract) || !isAbstractLike(abstract)) return null;
  return [title, abstract];
}

/**
 * Whether a line is in title case (`Noise Consistency Training: A Native Approach for One-Step Generator`):
 * most of its longer words capitalised, as titles are and lines of prose are not. It tells a title as long
 * as the wrap from the first line of a wrapped abstract.
 */
function isTitleCased(line: string): boolean {
  const words = line.split(/\s+/).filter((w) => /^\p{L}{4,}/u.test(w));
  const capitalised = words.filter((w) => /^\p{Lu}/u.test(w)).length;
  return words.length >= 3 && capitalised >= words.length * 0.7;
}
