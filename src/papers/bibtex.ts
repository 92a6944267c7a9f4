import { latexToText } from './latex-text.ts';
import { type Paper, paperLinks } from './paper.ts';

/**
 * BibTeX entries for papers, in the form arXiv's own "Export BibTeX citation" gives (`@misc` with `eprint`,
 * `archivePrefix`, `primaryClass` and `url`), safe for BibTeX and biber whatever a title or name holds.
 *
 * Text is written from what people read (the title rendered by latexToText, as every platform shows it),
 * never from the authors' LaTeX passed through: a feed title may hold unbalanced braces or a stray `$`,
 * which would break the whole file. Every character BibTeX or LaTeX treats specially becomes a command
 * whose braces are balanced (`\textbraceleft{}` rather than `\{`, which classic BibTeX still counts as a
 * brace), and non-ASCII text stays UTF-8: biber reads it natively and LaTeX has read UTF-8 input by
 * default since 2018, while a table of LaTeX accent escapes would lose every character it does not list.
 */

/** What one entry needs of a paper; `primaryClass` only where the arXiv category is known. */
export type CitedPaper = Pick<Paper, 'id' | 'arxivId' | 'title' | 'authors' | 'publishedAt' | 'feedDate'> & {
  primaryClass?: string | null;
};

/** Characters BibTeX or LaTeX read specially, each as text that prints the character and balances. */
const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\textbraceleft{}',
  '}': '\\textbraceright{}',
  '%': '\\%',
  '&': '\\&',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
};

/** A UTF-16 surrogate without its partner: not text, and no UTF-8 encoder can write it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Plain text as the inside of a braced BibTeX value: specials escaped, whitespace on one line. */
export function escapeBibtex(text: string): string {
  return escapeChars(text.replace(/\s+/g, ' ').trim());
}

/** Each special character escaped, nothing else changed. */
function escapeChars(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(/[\\{}%&$#_^~]/g, (c) => SPECIAL[c] ?? c);
}

/**
 * Whether a title word must keep its capitals: bibliography styles lowercase titles, which would turn
 * `BERT` into `bert` and `MapReduce` into `mapreduce`. A capital after the first letter, or a capital
 * with a digit (`T5`, `GPT4o`), marks a name or an acronym; a plain capitalised word may be lowercased.
 */
function keepsCase(word: string): boolean {
  return /^.+\p{Lu}/su.test(word) || (/^\p{Lu}/u.test(word) && /\p{N}/u.test(word));
}

/** A title as a BibTeX value: escaped, acronyms and names braced against case changes. */
export function bibtexTitle(title: string): string {
  const text = latexToText(title).replace(/\s+/g, ' ').trim();
  return text
    .split(/([\p{L}\p{M}\p{N}]+)/u)
    .map((part, i) => (i % 2 === 1 && keepsCase(part) ? `{${escapeChars(part)}}` : escapeChars(part)))
    .join('');
}

/**
 * One author as BibTeX reads a name list. A name holding a comma or the word `and` would be split or
 * reordered by BibTeX, so it is braced whole (read as one literal name, like an organisation's).
 */
function bibtexName(name: string): string {
  const escaped = escapeBibtex(latexToText(name));
  return /,|\band\b/i.test(escaped) ? `{${escaped}}` : escaped;
}

/** Title words a citation key skips, as arXiv's and Google Scholar's keys do. */
const STOPWORDS = new Set(
  'a an the on of in for to and or with without towards toward via from is are do does can what how why when we our your at by as into beyond not no be its it this that'.split(
    ' ',
  ),
);

/** Letters that do not decompose into ASCII plus an accent. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lowercase ASCII letters and digits only: accents dropped, `ß` as `ss`, anything else left out. */
export function asciiFold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? '')
    .replace(/[^a-z0-9]/g, '');
}

/** Name suffixes that are not a family name. */
const SUFFIX = /^(?:jr|sr|ii|iii|iv|phd|md)\.?$/i;

/** The family name of a `First Last` or `Last, First` name: the part before a comma, else the last word. */
function familyName(name: string): string {
  const plain = latexToText(name).trim();
  if (plain.includes(',')) return plain.slice(0, plain.indexOf(','));
  const words = plain.split(/\s+/).filter((w) => !SUFFIX.test(w));
  return words.at(-1) ?? '';
}

/** The year a citation gives: published, else listed on Hugging Face, else the arXiv id's `YYMM`. */
export function citationYear(paper: CitedPaper): string | null {
  const day = paper.publishedAt ?? paper.feedDate;
  if (day) return day.slice(0, 4);
  const yymm = /^(\d{2})(\d{2})\.\d{4,5}$/.exec(paper.arxivId ?? '');
  return yymm ? `20${yymm[1]}` : null;
}

/**
 * The citation key: the first author's family name, the year and the title's first significant word,
 * ASCII-folded and lowercase (`vaswani2017attention`). Deterministic: the same paper gives the same key
 * in every export. `anon` stands in for a family name with no ASCII letters (or no author).
 */
export function citationKey(paper: CitedPaper): string {
  const first = paper.authors[0];
  const family = first === undefined ? '' : asciiFold(familyName(first));
  const words = latexToText(paper.title)
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .map((w) => ({ w: w.toLowerCase(), folded: asciiFold(w) }))
    .filter(({ w, folded }) => folded !== '' && !STOPWORDS.has(w));
  return `${family || 'anon'}${citationYear(paper) ?? ''}${words[0]?.folded ?? ''}`;
}

/** `a`, `b` … `z`, `aa`, `ab` …: the suffix of the n-th (0-based) paper sharing a key. */
function suffix(n: number): string {
  const letter = String.fromCharCode(97 + (n % 26));
  return n < 26 ? letter : `${suffix(Math.floor(n / 26) - 1)}${letter}`;
}

/**
 * Keys for papers in one file, in order: a paper's own key, or with `a`, `b`… appended (to every paper
 * sharing it, in the order given) when several would have the same one. No two keys are equal.
 */
export function uniqueKeys(papers: readonly CitedPaper[]): string[] {
  const bases = papers.map(citationKey);
  const counts = new Map<string, number>();
  for (const b of bases) counts.set(b, (counts.get(b) ?? 0) + 1);
  const used = new Set(bases.filter((b) => counts.get(b) === 1));
  const seen = new Map<string, number>();
  return bases.map((base) => {
    if (counts.get(base) === 1) return base;
    let n = seen.get(base) ?? 0;
    let key = `${base}${suffix(n)}`;
    // A suffixed key may equal another paper's own key (`smith2024a` beside a title word "a…"): skip it.
    while (used.has(key)) key = `${base}${suffix(++n)}`;
    seen.set(base, n + 1);
    used.add(key);
    return key;
  });
}

/** One `@misc` entry, fields in arXiv's order; a field with nothing to say is left out. */
export function bibtexEntry(paper: CitedPaper, key = citationKey(paper)): string {
  const year = citationYear(paper);
  const url = paperLinks({ arxivId: paper.arxivId, githubRepo: null, projectPage: null }).abs;
  const fields: [string, string | null][] = [
    ['title', bibtexTitle(paper.title)],
    ['author', paper.authors.length > 0 ? paper.authors.map(bibtexName).join(' and ') : null],
    ['year', year],
    ['eprint', paper.arxivId],
    ['archivePrefix', paper.arxivId ? 'arXiv' : null],
    ['primaryClass', paper.arxivId && paper.primaryClass ? escapeBibtex(paper.primaryClass) : null],
    ['url', url],
  ];
  const lines = fields.flatMap(([name, value]) => (value ? [`      ${name}={${value}},`] : []));
  return `@misc{${key},\n${lines.join('\n')}\n}\n`;
}

/** A whole `.bib` file: one entry per paper, keys unique within it, entries separated by a blank line. */
export function bibtexFile(papers: readonly CitedPaper[]): string {
  const keys = uniqueKeys(papers);
  return papers.map((p, i) => bibtexEntry(p, keys[i])).join('\n');
}
