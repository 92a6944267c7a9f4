import { type ArxivIdReading, readArxivId } from './arxiv-id.ts';

/**
 * How people name one paper in text: an arXiv id in any of the forms it is quoted in (`2410.17243v2`,
 * `ARXIV:2410.17243`, `arXiv preprint arXiv:2410.17243`, `CoRR abs/2410.17243`, `hep-th/9901001`), or a
 * link to a page about it on arXiv or a site that names papers by their arXiv id (alphaXiv, ar5iv,
 * Hugging Face, the arXiv DOI), bare or as chat wraps it (`<https://…>`, Slack's `<https://…|label>`).
 * Every place that reads an id a person typed or linked reads it here, so all of them agree.
 */

/** A paper reference read from text. */
export interface PaperReference extends ArxivIdReading {
  /** The id as it was written (`2410.17243v0`), for a sentence saying what is wrong with it. */
  written: string;
}

/**
 * A longer word is no reference: ids are at most ~25 characters and their links a few dozen. The cap
 * also bounds the patterns a word goes through. (A share's note after the id may be of any length.)
 */
const MAX_REFERENCE_INPUT = 2048;

/**
 * Sites whose paper pages are named by the arXiv id (`/abs/…`, `/pdf/….pdf`, `/html/…`, `/papers/…`,
 * `/overview/…`): arXiv and its mirrors and subdomains (export., ar5iv.labs.), ar5iv, alphaXiv, Hugging
 * Face and its short domain, Semantic Scholar's `/arxiv/…`, and the DOI resolver, for arXiv's DOIs only.
 */
const PAPER_HOST =
  /^(?:(?:[a-z0-9-]+\.)*arxiv\.org|(?:www\.)?(?:ar5iv\.org|alphaxiv\.org|huggingface\.co|hf\.co|semanticscholar\.org|scirate\.com|arxiv-vanity\.com)|xxx\.lanl\.gov)$/;
const DOI_HOST = /^(?:dx\.)?doi\.org$/;
/** arXiv's DOIs: `10.48550/arXiv.2410.17243`. */
const ARXIV_DOI = /^\/?10\.48550\/arxiv\.(.+)$/i;

/** Citation words before an id: Google Scholar's `arXiv preprint`, `arXiv e-prints,`, DBLP's `CoRR`. */
const CITATION_LEAD = /^(?:arxiv\s+preprint|arxiv\s+e-prints?,?|corr,?)\s+/i;
/** What a citation puts after an id: its category (`[cs.CL]`) and year (`, 2024.` or `(2024)`). */
const CITATION_TAIL =
  /^(?:\s*\[[a-z-]+(?:\.[a-z-]+)?\])?(?:\s*,\s*(?:19|20)\d\d\.?|\s*\((?:19|20)\d\d\)\.?)?(?=\s|$)/i;

/**
 * The reference `text` is, whole, or null when it is none (ordinary words; a link to a page that names no
 * paper).
 */
export function readPaperReference(text: string): PaperReference | null {
  const leading = readLeadingReference(text);
  return leading && leading.rest === '' ? leading.reference : null;
}

/** What follows an id in a person's note (`/papers share 2410.17243, must read`): a category and a separator. */
const NOTE_LEAD = /^(?:\s*\[[a-z-]+(?:\.[a-z-]+)?\])?\s*[,;:–—-]?(?=\s|$)/i;

/**
 * The reference that `text` starts with and the text after it (`2410.17243 worth a read` gives the id and
 * `worth a read`), or null when it starts with none. A citation's tail after the id (`[cs.CL]`, `, 2024.`,
 * `(2024)`) is part of the reference; with `note`, the rest is a person's words, and only a category and a
 * separating comma or dash go, never a year they wrote (`2410.18538 (2019) baseline is what this beats`).
 */
export function readLeadingReference(
  text: string,
  options: { note?: boolean } = {},
): { reference: PaperReference; rest: string } | null {
  let s = text.trim().replace(CITATION_LEAD, '');
  // `arXiv: 2410.17243`, typed with a space after the colon, is one reference; `arXiv: transformers`
  // is words.
  s = s.replace(/^arxiv\s*:\s+(?=\d|[a-z-]+(?:\.[a-z-]+)?\/\d)/i, 'arXiv:');
  // Slack's link markup, whose label may hold spaces; otherwise the reference is the first word.
  const slack = /^<([^<>|\s]+)(?:\|[^<>]*)?>/.exec(s);
  // A comma ending the first word belongs to a citation's tail (`arXiv:2410.17243, 2024.`), not the id.
  const word = slack ? slack[0] : (/^\S+?(?=,?(?:\s|$))/.exec(s)?.[0] ?? '');
  const reference = readWord(slack ? (slack[1] ?? '') : word);
  if (!reference) return null;
  const after = s.slice(word.length);
  const tail = (options.note ? NOTE_LEAD : CITATION_TAIL).exec(after)?.[0] ?? '';
  return { reference, rest: after.slice(tail.length).trim() };
}

/**
 * The paper a link (`https://…`, with its scheme) points at, or null when it is no link to a paper page:
 * a bare id is no link, nor is a page of another site that happens to hold an id.
 */
export function readPaperLink(url: string): PaperReference | null {
  const text = url.trim();
  if (!/^https?:\/\//i.test(text) || text.length > MAX_REFERENCE_INPUT) return null;
  const written = readLink(text);
  return written ? reading(written, true) : null;
}

/** One word read as a reference: a link, or an id with or without its marks. */
function readWord(word: string): PaperReference | null {
  if (word.length > MAX_REFERENCE_INPUT) return null;
  // Quotes, brackets and sentence punctuation around a pasted id or link are not part of it.
  const core = word.replace(/^[<("'`“‘[]+/, '').replace(/[>)"'`”’\].,;:!?]+$/, '');
  if (core === '') return null;
  const link = readLink(core);
  if (link !== undefined) return link === null ? null : reading(link, true);
  // A route as a prefix (`abs/2410.17243`) marks an id only before one's digits: `html/css` is a word.
  const marked =
    /^(?:arxiv:|arxiv\.(?=\d)|(?:abs|pdf|html)\/(?=\d|[a-z-]+(?:\.[a-z-]+)?\/\d)|10\.48550\/arxiv\.)/i.exec(
      core,
    );
  const id = (marked ? core.slice(marked[0].length) : core).replace(/\.pdf$/i, '');
  return reading(id, marked !== null);
}

/** `written` read as an id; `strict` when the text marked it as one (a prefix, a link). */
function reading(written: string, strict: boolean): PaperReference | null {
  const read = readArxivId(written, { strict });
  if (read) return { ...read, written };
  // Marked as an id yet shaped like none (`arXiv:banana`): say so rather than search for it.
  return strict
    ? { id: null, problem: 'it is not shaped like one (2410.17243, hep-th/9901001)', written }
    : null;
}

/** Path words before an id that are routes, not an old-style archive: `/abs/0601001` is no `abs/…` id. */
const ROUTES = new Set([
  'abs',
  'pdf',
  'html',
  'papers',
  'paper',
  'overview',
  'format',
  'ps',
  'src',
  'e-print',
  'arxiv',
]);

/**
 * The id a link's path names (as written, version and all), null for a paper site's page that names no
 * paper (a listing, a search), undefined when the text is no link to a paper site.
 */
function readLink(text: string): string | null | undefined {
  const bare = !/^https?:\/\//i.test(text);
  if (bare && !/^[a-z0-9.-]+\.[a-z]{2,}\//i.test(text)) return undefined;
  let host: string;
  let path: string;
  try {
    const url = new URL(bare ? `https://${text}` : text);
    host = url.hostname;
    path = decodeURIComponent(url.pathname);
  } catch {
    // Not a URL after all (`cs.LG/0601001` looks like a host and a path, `%E0` is no escape): an id, if any.
    return undefined;
  }
  if (DOI_HOST.test(host)) return ARXIV_DOI.exec(path)?.[1] ?? null;
  if (!PAPER_HOST.test(host)) return undefined;
  const parts = path.split('/').filter(Boolean);
  // arXiv's listings (`/list/cs.LG/2410`, `/list/cs.LG/recent`) name no paper, whatever their last part.
  if (/^(?:list|catchup|year|archive)$/i.test(parts[0] ?? '')) return null;
  const [last = '', prev] = [...parts].reverse();
  const id = (
    prev &&
    !ROUTES.has(prev.toLowerCase()) &&
    /^\d/.test(last) &&
    /^[a-z]+(?:-[a-z]+)?(?:\.[a-z-]+)?$/i.test(prev)
      ? `${prev}/${last}`
      : last
  )
    .replace(/^arxiv[:.]/i, '')
    .replace(/\.pdf$/i, '');
  // A page of the site that names no paper (`/list/cs.LG/recent`, `/papers`) is no reference at all.
  return /^(?:\d{4}\.|[a-z-]+(?:\.[a-z-]+)?\/\d)/i.test(id) ? id : null;
}
