import { definitionOf } from './link-references.ts';
import { type UnlinkedLine, unlink } from './page-links.ts';

/*
 * Markdown (and the look-alike text of reader tools) taken off the lines of a saved papers page, so that a
 * markdown dump reads like the text a browser copies: `### [Title](https://huggingface.co/papers/2412.01234)`
 * becomes `Title` with the link kept aside, images and empty list items go, and the lines a link spans over
 * (`[Abstract…` … `…end.](url)`, `[` … `][33]`) lose their brackets. Each line is read once, left to right,
 * with no regex that can backtrack, so a hostile line costs its length.
 */

/** Link syntax (`](https://`, `](/papers`, `][12]`) or a heading: what no browser copy of the page holds. */
const MARKDOWN_SIGN = /\]\((?:https?:\/\/|\/)|\]\[\d+\]|^#{1,6} /m;

/**
 * Whether the text is a markdown copy, judged by its first 64 KiB (a page's header and first cards): a
 * decision for the whole text, so that one bracket in an abstract does not switch the reading midway.
 */
export function looksLikeMarkdown(text: string): boolean {
  return MARKDOWN_SIGN.test(text.slice(0, 65_536));
}

/** A line as the page shows it, and the targets of the links on it. */
export interface MarkedLine {
  text: string;
  links: string[];
}

/**
 * How many lines a link's text may span (`[Abstract…` … `…end.](url)`) before an unclosed `[` is taken for
 * text: an abstract of arXiv's 1,920 characters hard-wrapped at 60 is 32 lines.
 */
const MAX_LINK_LINES = 40;

/** `title: …` lines of YAML front matter, and the header lines r.jina.ai puts above the page. */
const FRONT_MATTER_LINE = /^(?:[\w-]+:|\s)/;
const READER_HEADER = /^(?:Title|URL Source|Published Time|Description|Markdown Content):/;
/** Setext heading underlines, thematic breaks and code fences: `=====`, `-----`, `* * *`, ```` ```text ````. */
const RULE = /^(?:=+|-{2,}|(?:\*\s*){3,}|(?:_\s*){3,}|`{3,}\w*)$/;
/** Markdown list markers, kept off: the page's own `•` author line is read by the card grammar. */
const BULLET = /^[-*+]\s+/;
const HEADING = /^#{1,6}\s+/;
/** `[alt]` alone: the placeholder some converters write for an image without a link. */
const PLACEHOLDER = /^\[[^\][]*\]$/;
const SUBMITTED = /^(?:·\s*)?Submitted by\b/;
/** A Hugging Face user name, the line that follows a lone `Submitted by`. */
const USER_NAME = /^[\w.-]+$/;
const BARE_URL = /^<?(https?:\/\/[^\s<>]+)>?$/;
/** A heading's optional closing hashes (`## Title ##`). */
const CLOSING_HASHES = /\s+#+$/;
const MAX_EMPHASIS_LINE = 8192;
/** Bold (`**x**`, `__x__`) anywhere, with no space just inside the markers. */
const BOLD = /(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g;
/** A whole line in italics (`*x*`, `_x_`): only whole lines, as a lone `*` or `_` is common in abstracts. */
const ITALIC_LINE = /^([*_])(?=\S)(.+)(?<=\S)\1$/;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The line without markdown's emphasis markers, which a browser's copy of the page never shows. */
function unemphasized(line: string): string {
  // Bold is looked for in lines of a title's or an abstract's length only: on a long line of unclosed
  // markers the lazy match would rescan the rest of the line from each one.
  const marked = line.length <= MAX_EMPHASIS_LINE && (line.includes('**') || line.includes('__'));
  const bold = marked ? line.replace(BOLD, '$2') : line;
  return ITALIC_LINE.exec(bold)?.[2] ?? bold;
}

/** Named and numeric character references decoded; an invalid code point is left as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, dec?: string, hex?: string, name?: string) => {
    if (name) return NAMED[name] ?? whole;
    const code = dec ? Number(dec) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : whole;
  });
}

/** The heading of a text-mode browser's list of link targets (lynx: `References`, `Visible links:`). */
const REFERENCES_HEAD = /^(?:References|(?:Visible|Hidden) links):?$/i;

/** A line of HTML tags and nothing else (`<a id="section-3"></a>`), which some converters leave in. */
const TAGS_ONLY = /^(?:<\/?[a-zA-Z][^<>]*>\s*)+$/;

/**
 * Reads the lines of a page one at a time. Keeps the little state that spans lines: front matter at the
 * top, and a `Submitted by` whose user name is on a later line.
 */
export class MarkupReader {
  private atTop = true;
  private inFrontMatter = false;
  private awaitingUser = false;
  /** Whether the line before was a lone `[`: the text of a link that spans lines (`[` `-` `][31]`) follows. */
  private linkOpened = false;
  /** Lines read since a link opened that has not closed yet; 0 when none is open. */
  private linkLines = 0;
  /**
   * Whether the line just read goes on on the next one: it ends with a hard line break (`\\`), or is inside
   * a link whose text spans lines. A copy that cuts the page's text apart (a line a paragraph, or no blank
   * lines at all) keeps such lines together by it.
   */
  continues = false;

  /**
   * `markdown`: whether the text is markdown (see looksLikeMarkdown). Plain text keeps its brackets, dashes
   * and backslashes as they are: there a lone `[` or `-` is text, not markup.
   */
  constructor(
    private readonly markdown: boolean,
    private readonly refs: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The line (already trimmed) as zero or more lines of page text. */
  read(line: string): MarkedLine[] {
    this.continues = false;
    const inLink = this.linkOpened;
    this.linkOpened = line === '[';
    const bare = BARE_URL.exec(line);
    // A URL on a line of its own is the target of the text before it (text copies write links that way).
    if (bare?.[1]) return [{ text: '', links: [bare[1]] }];
    let t = line;
    let links: string[] = [];
    if (this.markdown) {
      if (this.skipTop(line) || TAGS_ONLY.test(line)) return [];
      // `[1]: https://…`: where a reference link points (see link-references.ts), no text of the page; nor
      // is the heading a text-mode browser puts above its list of them.
      if (definitionOf(line) || (this.refs.size > 0 && REFERENCES_HEAD.test(line))) return [];
      // A heading's markers first, so that emphasis wrapping its text is seen as wrapping the line.
      const heading = HEADING.test(line) ? line.replace(HEADING, '').replace(CLOSING_HASHES, '') : line;
      // After a lone `Submitted by`, a linked name is the submitter's, no organisation line.
      const unlinked = unlink(unemphasized(heading), !this.awaitingUser, this.refs);
      ({ text: t, links } = unlinked);
      this.continues = this.wraps(unlinked);
      t = t.replace(HEADING, '').trim();
      if (RULE.test(t)) return [];
      while (BULLET.test(t)) t = t.replace(BULLET, '');
      // An empty list item, or one that held only an avatar; a lone `-` with a link, or as a link's whole
      // text, is a vote button showing no votes.
      if ((t === '-' || t === '*' || t === '+') && links.length === 0 && !(inLink && t === '-')) t = '';
      if (PLACEHOLDER.test(t)) t = '';
    }
    if (this.awaitingUser && t !== '') {
      this.awaitingUser = false;
      if (USER_NAME.test(t)) return [];
    }
    if (SUBMITTED.test(t)) {
      // `Submitted by akhaliq` names who posted the paper, nothing about the paper; a lone
      // `Submitted by` has the name on the next line.
      this.awaitingUser = t.replace(SUBMITTED, '').trim() === '';
      return [];
    }
    if (t === 'Upvote') return [];
    // Entities a converter left (`&amp;`, `&#39;`): a browser's copy shows the characters.
    t = decodeEntities(t);
    // A link with nothing to show (a thumbnail, an avatar) says nothing about the card it sits in.
    if (t === '') return [];
    return splitMeta(t, links);
  }

  /** Whether a line goes on on the next one, and where a link spanning lines stands after it. */
  private wraps(line: UnlinkedLine): boolean {
    if (line.opensLink) this.linkLines = 1;
    else if (line.closesLink || this.linkLines >= MAX_LINK_LINES) this.linkLines = 0;
    else if (this.linkLines > 0) this.linkLines++;
    return line.hardBreak || this.linkLines > 0;
  }

  /** YAML front matter (`---` … `---`) and r.jina.ai's header lines, only at the top of the text. */
  private skipTop(line: string): boolean {
    if (this.inFrontMatter) {
      if (line === '---') this.inFrontMatter = false;
      else if (!FRONT_MATTER_LINE.test(line)) this.inFrontMatter = false;
      else return true;
      if (line === '---') return true;
    }
    if (!this.atTop) return false;
    if (line === '---') {
      this.inFrontMatter = true;
      return true;
    }
    if (READER_HEADER.test(line)) return true;
    this.atTop = false;
    return false;
  }
}

/**
 * A meta line the card grammar reads as three: `Kandinsky Lab · Published on Oct 4, 2026` (the trending page)
 * is `Kandinsky Lab`, `·`, `Published on Oct 4, 2026`. Only a ` · ` followed by a date is split, so titles
 * and abstracts that use the dot as punctuation stay whole.
 */
function splitMeta(text: string, links: string[]): MarkedLine[] {
  const at = text.lastIndexOf('·');
  if (at < 0 || text === '·') return [{ text, links }];
  const before = text.slice(0, at).trim();
  const after = text.slice(at + 1).trim();
  if (!/^(?:Published on |Submitted on )?[A-Z][a-z]{2,8}\.? \d{1,2}\b/.test(after)) return [{ text, links }];
  const lines: MarkedLine[] = [];
  if (before !== '') lines.push({ text: before, links });
  lines.push({ text: '·', links: before === '' ? links : [] }, { text: after, links: [] });
  return lines;
}
