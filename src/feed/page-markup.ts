import { definitionOf, referenceKey } from './link-references.ts';

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

/** At most this many link targets are kept per line: a card's line holds two or three. */
const MAX_LINKS = 8;
/**
 * The longest alt text read as an avatar's (an organisation id), and the farthest a link's target is looked
 * for: both bound the work per bracket, so that a line of nested or unclosed brackets stays linear.
 */
const MAX_ALT = 96;
const MAX_TARGET = 2048;

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
/** A link to an organisation's page, `https://huggingface.co/<org>` (or `/<org>`, as some copies keep it). */
const ORG_URL = /^(?:https?:\/\/huggingface\.co)?\/([\w.-]+)\/?$/;
const BARE_URL = /^<?(https?:\/\/[^\s<>]+)>?$/;
/** Words a converter's placeholder for an image uses, in the languages of the captures seen. */
const IMAGE_WORDS = /image|img|logo|avatar|icon|photo|picture|thumbnail|图片|图像|画像/i;
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
      ({ text: t, links } = unlink(unemphasized(heading), !this.awaitingUser, this.refs));
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

/** An open `[` (or `![`) on the line: where its text starts in the output. */
interface Frame {
  start: number;
  image: boolean;
  /** Where an image that opens this link's text ends, and its alt text: an org link's avatar. */
  avatarEnd: number;
  avatarAlt: string;
  /** Whether that image is a converter's `[alt]` placeholder, which stays in the output until the link ends. */
  placeholder: boolean;
}

/**
 * The line with its links replaced by their text and its images dropped, and the links' targets.
 * Output is kept as an array of pieces so that dropping an image or a bracket is a write, not a copy.
 */
function unlink(line: string, orgLines: boolean, refs: ReadonlyMap<string, string>): MarkedLine {
  const out: string[] = [];
  const links: string[] = [];
  const stack: Frame[] = [];
  const keep = (url: string) => {
    if (links.length < MAX_LINKS) links.push(url);
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '\\') {
      // `\[` is a literal bracket, `\\` a backslash; a `\` (or `\\`) that ends the line is a line break.
      const next = line[i + 1];
      if (next === '\\' && i + 2 === line.length) i += 2;
      else if (next !== undefined && /[!-/:-@[-`{-~]/.test(next)) {
        out.push(next);
        i += 2;
      } else i++;
      continue;
    }
    if (c === '!' && line[i + 1] === '[') {
      stack.push({ start: out.length, image: true, avatarEnd: -1, avatarAlt: '', placeholder: false });
      out.push('');
      i += 2;
      continue;
    }
    if (c === '[') {
      stack.push({ start: out.length, image: false, avatarEnd: -1, avatarAlt: '', placeholder: false });
      out.push('[');
      i++;
      continue;
    }
    if (c === ']') {
      const frame = stack.pop();
      const numbered = frame ? numberedLink(line, i, frame, out, refs) : null;
      if (numbered) {
        // `[32]Title`: a text-mode browser's link number goes, its target stays with the line.
        out.length = frame?.start ?? out.length;
        keep(numbered);
        i++;
        continue;
      }
      const target = referenced(line, i, frame, out, refs) ?? targetAt(line, i + 1, refs);
      if (!frame) {
        // The end of a link that opened on an earlier line: `…end.](https://…)`, `][33]`.
        if (target) {
          if (target.url) keep(target.url);
          i = target.end;
        } else {
          out.push(']');
          i++;
        }
        continue;
      }
      if (frame.image) {
        // An image: its alt text goes with it. An image that opens a link's text is an avatar, whose alt
        // text is an organisation's id on the papers pages.
        const parent = stack.at(-1);
        if (parent && parent.start === frame.start - 1 && out.length - frame.start <= MAX_ALT) {
          parent.avatarEnd = frame.start;
          parent.avatarAlt = out.slice(frame.start).join('');
        }
        out.length = frame.start;
        i = target ? target.end : i + 1;
        continue;
      }
      if (!target) {
        // Brackets that are text: `[Re]`, `[0, 1]`, or a converter's `[image]` placeholder inside a link.
        const parent = stack.at(-1);
        // A placeholder names an image (`[image]`, `[Hugging Face's logo]`, `[图片：AK]`); `[MASK] is All
        // You Need` and `[Re] Exacerbating…` open titles.
        if (
          parent &&
          parent.start === frame.start - 1 &&
          !parent.image &&
          out.length - frame.start <= MAX_ALT &&
          IMAGE_WORDS.test(out.slice(frame.start + 1).join(''))
        ) {
          parent.avatarEnd = out.length + 1;
          parent.avatarAlt = out.slice(frame.start + 1).join('');
          parent.placeholder = true;
        }
        out.push(']');
        i++;
        continue;
      }
      // The link's text stays; a space keeps it apart from text before it (`May 29[6](…#community)`).
      out[frame.start] = frame.start > 0 ? ' ' : '';
      if (target.url) keep(target.url);
      const org =
        frame.start === 0 &&
        (frame.avatarEnd > 0
          ? orgLink(out, frame, target.url)
          : orgLines && target.end === line.length && bareOrgLink(out, target.url));
      // Otherwise a placeholder goes, as an image does: `by [[image] AK](…)` is `by AK`.
      if (!org && frame.placeholder) for (let k = frame.start + 1; k < frame.avatarEnd; k++) out[k] = '';
      i = target.end;
      continue;
    }
    out.push(c);
    i++;
  }
  // A `[` that opens a line and never closes on it starts a link that ends on a later line.
  const first = stack[0];
  if (first && first.start === 0 && !first.image) out[0] = '';
  return { text: out.join('').trim(), links };
}

/**
 * An organisation's link on a card is its avatar then its name: `[![occ-ai](…)OCC](https://huggingface.co/occ-ai)`.
 * It is written as the browser copy writes it, id then name (`occ-ai OCC`), which the card grammar reads as
 * the organisation line. The id is the link's path, or the avatar's alt text when the link's target is not
 * on the line. Returns whether the link was one.
 */
function orgLink(out: string[], frame: Frame, url: string | null): boolean {
  const name = out.slice(frame.avatarEnd).join('').trim();
  if (name === '') return false;
  const fromUrl = url ? ORG_URL.exec(url)?.[1] : undefined;
  const alt = frame.avatarAlt.trim();
  const id = url ? fromUrl : /^[\w.-]+$/.test(alt) ? alt : undefined;
  if (!id || (url && fromUrl === undefined)) return false;
  out.length = frame.start;
  out.push(`${id} ${name}`);
  return true;
}

/**
 * A line that is one link to an organisation's page, without its avatar (`[KAIST AI](…/kaist-ai)`): the
 * organisation line the card grammar reads, `kaist-ai KAIST AI`. The site's own sections are no
 * organisations.
 */
function bareOrgLink(out: string[], url: string | null): boolean {
  const id = url ? ORG_URL.exec(url)?.[1] : undefined;
  const name = out.slice(1).join('').trim();
  if (!id || SITE_PATHS.has(id.toLowerCase()) || name === '' || name.includes(' · ')) return false;
  out.length = 0;
  out.push(`${id} ${name}`);
  return true;
}

/** huggingface.co's own top-level pages, which a link on a line of its own may point to. */
const SITE_PATHS = new Set([
  'papers',
  'models',
  'datasets',
  'spaces',
  'posts',
  'docs',
  'pricing',
  'login',
  'join',
  'enterprise',
  'blog',
  'learn',
  'discord',
  'search',
  'collections',
  'settings',
  'notifications',
  'new',
  'tasks',
  'chat',
  'api',
  'organizations',
  'welcome',
  'terms-of-service',
  'privacy',
]);

/**
 * The target after a link's `]`: `(url)`, `(url "title")` or a reference `[label]` (its URL when the text
 * defines the label); null when none follows. The URL runs to the first `)` or space, which is how the
 * page's links are written (they hold neither).
 */
function targetAt(
  line: string,
  at: number,
  refs: ReadonlyMap<string, string>,
): { url: string | null; end: number } | null {
  if (line[at] === '(') {
    const close = indexWithin(line, ')', at + 1, MAX_TARGET);
    if (close < 0) return null;
    const inside = line.slice(at + 1, close).trim();
    const url = inside.split(/\s/, 1)[0] ?? '';
    if (!/^(?:https?:\/\/|\/)/.test(url) && url !== '') return null;
    return { url: url === '' ? null : url, end: close + 1 };
  }
  if (line[at] === '[') {
    const close = indexWithin(line, ']', at + 1, 32);
    if (close < 0) return null;
    return { url: refs.get(referenceKey(line.slice(at + 1, close))) ?? null, end: close + 1 };
  }
  return null;
}

/**
 * The target of a link that names its reference by its own text, `[Title][]` or `[Title]`, when the text
 * defines it: converters write links so. `[Re]` and `[MASK]` stay text unless a definition names them.
 */
function referenced(
  line: string,
  close: number,
  frame: Frame | undefined,
  out: readonly string[],
  refs: ReadonlyMap<string, string>,
): { url: string; end: number } | null {
  // The text is looked up only when it is short, so that nested brackets stay linear.
  if (!frame || refs.size === 0 || out.length - frame.start > MAX_ALT) return null;
  const collapsed = line[close + 1] === '[' && line[close + 2] === ']';
  if (!collapsed && (line[close + 1] === '[' || line[close + 1] === '(')) return null;
  const url = refs.get(referenceKey(out.slice(frame.start + 1).join('')));
  return url ? { url, end: collapsed ? close + 3 : close + 1 } : null;
}

/**
 * The target of a text-mode browser's link number (`[32]` before the link's text, lynx and w3m dumps) when
 * the copy's list of references defines it; `[32](…)`, `[32][…]` and `[32]:` are other things.
 */
function numberedLink(
  line: string,
  close: number,
  frame: Frame,
  out: readonly string[],
  refs: ReadonlyMap<string, string>,
): string | null {
  if (frame.image || refs.size === 0 || out.length - frame.start > 8) return null;
  const next = line[close + 1];
  if (next === '(' || next === '[' || next === ':') return null;
  const label = out.slice(frame.start + 1).join('');
  return /^\d+$/.test(label) ? (refs.get(label) ?? null) : null;
}

/** `line.indexOf(ch, from)`, looking at no more than `max` characters. */
function indexWithin(line: string, ch: string, from: number, max: number): number {
  const end = Math.min(line.length, from + max);
  for (let i = from; i < end; i++) if (line[i] === ch) return i;
  return -1;
}
