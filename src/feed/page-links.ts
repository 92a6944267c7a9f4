import { referenceKey } from './link-references.ts';

/*
 * The links of one markdown line taken off it: `[text](url)`, `[text][1]`, a text-mode browser's `[1]text`,
 * images and their alt text, and an organisation's avatar link, which the card grammar reads as the
 * organisation line. Each line is read once, left to right, with no regex that can backtrack, so a hostile
 * line costs its length.
 */

/** A line's text with its links taken off, and where they pointed. */
export interface UnlinkedLine {
  text: string;
  links: string[];
  /**
   * Whether the line ends with markdown's hard line break (`\\` or `\`): converters write arXiv's
   * hard-wrapped titles and abstracts so, and the next line goes on with the same text.
   */
  hardBreak: boolean;
  /** Whether the line opens a link that it does not close: the link's text goes on on the next lines. */
  opensLink: boolean;
  /** Whether the line closes a link that opened on an earlier line (`…end.](https://…)`, `][33]`). */
  closesLink: boolean;
}

/** At most this many link targets are kept per line: a card's line holds two or three. */
const MAX_LINKS = 8;
/**
 * The longest alt text read as an avatar's (an organisation id), and the farthest a link's target is looked
 * for: both bound the work per bracket, so that a line of nested or unclosed brackets stays linear.
 */
const MAX_ALT = 96;
const MAX_TARGET = 2048;
/** A link to an organisation's page, `https://huggingface.co/<org>` (or `/<org>`, as some copies keep it). */
const ORG_URL = /^(?:https?:\/\/huggingface\.co)?\/([\w.-]+)\/?$/;
/** Words a converter's placeholder for an image uses, in the languages of the captures seen. */
const IMAGE_WORDS = /image|img|logo|avatar|icon|photo|picture|thumbnail|图片|图像|画像/i;

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
export function unlink(line: string, orgLines: boolean, refs: ReadonlyMap<string, string>): UnlinkedLine {
  const out: string[] = [];
  const links: string[] = [];
  const stack: Frame[] = [];
  const keep = (url: string) => {
    if (links.length < MAX_LINKS) links.push(url);
  };
  let i = 0;
  let hardBreak = false;
  let closesLink = false;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '\\') {
      // `\[` is a literal bracket, `\\` a backslash; a `\` (or `\\`) that ends the line is a line break.
      const next = line[i + 1];
      if (next === '\\' && i + 2 === line.length) {
        hardBreak = true;
        i += 2;
      } else if (next !== undefined && /[!-/:-@[-`{-~]/.test(next)) {
        out.push(next);
        i += 2;
      } else {
        if (next === undefined) hardBreak = true;
        i++;
      }
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
          closesLink = true;
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
  const opensLink = first !== undefined && first.start === 0 && !first.image;
  if (opensLink) out[0] = '';
  return { text: out.join('').trim(), links, hardBreak, opensLink, closesLink };
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
