import type { Paper } from './paper.ts';
import { stemTokens } from './text-match.ts';

/** The fields of a paper a search looks in, named as `--explain` shows them. */
export type SearchField = 'title' | 'abstract' | 'keywords' | 'organization' | 'authors' | 'arXiv id';

/** What a search reads of a paper; the fields other than title and abstract may be absent. */
export type SearchablePaper = Pick<Paper, 'title' | 'abstract'> &
  Partial<Pick<Paper, 'authors' | 'keywords' | 'organization' | 'arxivId'>>;

/**
 * Phrase alternatives per searched term: `alternatives[i]` are further phrases that satisfy `must[i]`
 * (an abbreviation's long form, or the abbreviation of a typed long form). Absent entries mean none.
 */
export type Alternatives = readonly (readonly (readonly string[])[] | undefined)[];

/**
 * Weight of one matching short field against the title (3, with BM25 length saturation) and the abstract
 * (1): an id or lab name typed is as telling as a title word; a keyword a little more than an abstract
 * mention; an author name is one of many on the paper.
 */
const SHORT_FIELD_WEIGHT: Record<Exclude<SearchField, 'title' | 'abstract'>, number> = {
  'arXiv id': 3,
  organization: 2,
  keywords: 1.5,
  authors: 1,
};

/** The paper's searchable fields as folded text, in the order `--explain` lists them. */
function fields(paper: SearchablePaper): [SearchField, string][] {
  const org = paper.organization ? `${paper.organization.name} ${paper.organization.id}` : '';
  return [
    ['title', fold(paper.title)],
    ['abstract', fold(paper.abstract)],
    ['keywords', fold((paper.keywords ?? []).join(' · '))],
    ['organization', fold(org)],
    ['authors', fold((paper.authors ?? []).join(' · '))],
    ['arXiv id', fold(paper.arxivId ?? '')],
  ];
}

/** `must[i]` and its alternatives. */
function forms(
  must: readonly (readonly string[])[],
  alternatives: Alternatives,
  i: number,
): (readonly string[])[] {
  return [must[i] ?? [], ...(alternatives[i] ?? [])];
}

/**
 * How well the paper's own text matches the query, computed here the same way whatever store found it
 * (BM25-shaped in the title and abstract: saturating term counts, shorter fields count more, the title 3×
 * the abstract; a flat weight per short field that holds the term). Words match by their Porter stem as a
 * prefix (`unlearn` matches unlearning, unlearned), phrases as consecutive words; a term counts through
 * whichever of its forms matches best. This keeps rankings the same on SQLite and PostgreSQL.
 */
export function textMatch(
  paper: SearchablePaper,
  must: readonly (readonly string[])[],
  alternatives: Alternatives = [],
): number {
  const bm = (tf: number, len: number, avg: number) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / avg));
  const texts = fields(paper);
  let score = 0;
  for (let i = 0; i < must.length; i++) {
    let best = 0;
    for (const phrase of forms(must, alternatives, i)) {
      const pattern = phraseRegex(phrase);
      let s = 0;
      for (const [field, text] of texts) {
        if (text === '') continue;
        const tf = text.match(pattern)?.length ?? 0;
        if (tf === 0) continue;
        if (field === 'title') s += 3 * bm(tf, text.length / 6, 12);
        else if (field === 'abstract') s += bm(tf, text.length / 6, 180);
        else s += SHORT_FIELD_WEIGHT[field];
      }
      best = Math.max(best, s);
    }
    score += best;
  }
  return score / Math.max(1, must.length);
}

/**
 * Where each searched term was found, in each of its forms, for `--explain`: `"mhuglab" in organization;
 * "llm" in title, as "large language model" in abstract`. A term found nowhere (a store matched it some
 * other way) says so.
 */
export function describeMatches(
  paper: SearchablePaper,
  must: readonly (readonly string[])[],
  alternatives: Alternatives = [],
): string {
  const texts = fields(paper);
  return must
    .map((phrase, i) => {
      const shown = `"${phrase.join(' ')}"`;
      const found: string[] = [];
      for (const form of forms(must, alternatives, i)) {
        const pattern = phraseRegex(form);
        const where = texts
          .filter(([, text]) => {
            pattern.lastIndex = 0; // a global regex: test() resumes where the last match ended
            return text !== '' && pattern.test(text);
          })
          .map(([f]) => f);
        if (where.length === 0) continue;
        const as = form === phrase ? '' : `as "${form.join(' ')}" `;
        found.push(`${as}in ${where.join(', ')}`);
      }
      if (found.length > 0) return `${shown} ${found.join(', ')}`;
      return `${shown} in no shown field`;
    })
    .join('; ');
}

const phraseCache = new Map<string, RegExp>();
function phraseRegex(phrase: readonly string[]): RegExp {
  const key = phrase.join(' ');
  let re = phraseCache.get(key);
  if (!re) {
    // Each word as its stem or as typed (Porter's `librari` is no prefix of "library"), then any ending.
    const words = phrase.map((token) => {
      const forms = [...new Set([fold(token), ...stemTokens(token)])].map((t) =>
        t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      );
      return `(?:${forms.join('|')})[\\p{L}\\p{N}]*`;
    });
    re = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[^\\p{L}\\p{N}]+')}`, 'gu');
    if (phraseCache.size > 500) phraseCache.clear();
    phraseCache.set(key, re);
  }
  return re;
}

/** Lowercase with diacritics folded, as the full-text indexes see text. */
function fold(text: string): string {
  // Most abstracts are plain ASCII: skip the Unicode decomposition for them (it dominates the cost).
  if (!/[\u0080-\uffff]/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
