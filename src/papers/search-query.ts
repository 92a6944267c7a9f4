import { readPaperReference } from './paper-reference.ts';

/**
 * What a person typed after `/papers`, turned into a structure no store can misread.
 *
 * User text never reaches a full-text engine's syntax raw: it is cut into tokens the way the engines'
 * tokenizers cut text (runs of letters and digits), and each store quotes those tokens itself. So `"`, `*`,
 * `NEAR`, `-`, `(` and `:` in a query are words or separators, never operators.
 */
export interface SearchQuery {
  /** Required phrases; a single word is a one-token phrase. Tokens are lowercase letters/digits only. */
  must: string[][];
  /**
   * Further phrases that satisfy `must[i]`, index by index (an abbreviation's long form, a long form's
   * abbreviation); absent or empty: none.
   */
  alternatives?: string[][][];
  /** Phrases that must not occur. */
  exclude: string[][];
  /** `all`: every phrase must match; `any`: at least one (the fallback when `all` finds nothing). */
  mode: 'all' | 'any';
  /** A note for the person, e.g. that a long query was shortened; null when there is nothing to say. */
  notice: string | null;
}

export type ParsedSearch = { ok: true; query: SearchQuery } | { ok: false; error: string };

/** More phrases than this add cost without improving results; the rest are dropped with a notice. */
export const MAX_PHRASES = 12;
/** Longer phrases are cut to this many tokens. */
export const MAX_PHRASE_TOKENS = 8;
/** Only this much of a query is read; 10,000-character pastes are shortened, not rejected. */
export const MAX_QUERY_CHARS = 500;

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Splits text into lowercase letter/digit tokens, as the FTS tokenizers do. */
export function tokenize(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(TOKEN) ?? []).slice(0);
}

/**
 * The arXiv id that `text` names (an id in any form, a link to the paper), versionless, as the archive
 * indexes it (`arXiv:2410.18538v1` is a search for `2410.18538`); null when it names none, or an id no
 * paper can have (its digits are then searched as words, which find nothing).
 */
function paperIdIn(text: string): string | null {
  const reference = readPaperReference(text);
  return reference?.problem === null ? reference.id : null;
}

/**
 * A math symbol joining two words (`LLM×MapReduce`, copied from a title as shown) separates two words to
 * search for, not a phrase: the archive may hold the title as `LLM$\times$MapReduce` (words `llm times
 * mapreduce`) or in Unicode, and both hold both words. An excluded phrase stays whole: cut in two, it
 * would exclude every paper holding either word.
 */
function splitAtMathSymbols(text: string): string[] {
  return text.split(/(?<=[\p{L}\p{N}])\p{Sm}+(?=[\p{L}\p{N}])/u);
}

/**
 * Parses search text: bare words, `"quoted phrases"`, and `-excluded` words or `-"phrases"`.
 * An unbalanced quote runs to the end of the text. Every search of the archive (chat, export, watches, the
 * CLI) parses here, so each reads ids, links and math symbols the same way. Returns a clear error when nothing searchable remains.
 */
export function parseSearchQuery(input: string): ParsedSearch {
  const notices: string[] = [];
  let text = input;
  if (text.length > MAX_QUERY_CHARS) {
    // Cut at a word boundary so the last word is not a fragment that matches nothing.
    const cut = text.slice(0, MAX_QUERY_CHARS + 1);
    const lastSpace = cut.search(/\s\S*$/);
    text = lastSpace > 0 ? cut.slice(0, lastSpace) : cut.slice(0, MAX_QUERY_CHARS);
    notices.push(`Your query was long, so only its first ${MAX_QUERY_CHARS} characters were used.`);
  }
  const must: string[][] = [];
  const exclude: string[][] = [];
  const add = (target: string[][], tokens: string[]) => {
    if (tokens.length === 0) return;
    if (tokens.length > MAX_PHRASE_TOKENS) tokens.length = MAX_PHRASE_TOKENS;
    if (!target.some((p) => p.join(' ') === tokens.join(' '))) target.push(tokens);
  };
  // A paper's id or link typed whole (`arXiv preprint arXiv:2410.17243`) is a search for that id.
  const whole = paperIdIn(text);
  // A unit is an optional leading '-', then either a quoted phrase (closing quote optional) or a bare word.
  const unit = /(-?)(?:["“”„«»]([^"“”„«»]*)["“”„«»]?|([^\s"“”„«»]+))/gu;
  for (const m of whole ? [] : text.matchAll(unit)) {
    const negated = m[1] === '-';
    const raw = m[2] ?? m[3] ?? '';
    const id = m[3] === undefined ? null : paperIdIn(raw);
    if (negated) add(exclude, tokenize(id ?? raw));
    else if (id) add(must, tokenize(id));
    else for (const part of splitAtMathSymbols(raw)) add(must, tokenize(part));
  }
  if (whole) add(must, tokenize(whole));
  if (must.length === 0) {
    const error =
      exclude.length > 0
        ? 'Add at least one word to search for: excluded words alone match nothing.'
        : 'Type some words to search for, for example: /papers machine unlearning';
    return { ok: false, error };
  }
  if (must.length + exclude.length > MAX_PHRASES) {
    const keepMust = Math.min(must.length, MAX_PHRASES);
    const keepExclude = Math.max(0, MAX_PHRASES - keepMust);
    must.length = keepMust;
    exclude.length = Math.min(exclude.length, keepExclude);
    notices.push(`Only the first ${MAX_PHRASES} words and phrases were used.`);
  }
  return { ok: true, query: { must, exclude, mode: 'all', notice: notices.join(' ') || null } };
}

/** The query as a person would read it back, e.g. `machine "in context" -survey`. */
export function describeQuery(q: SearchQuery): string {
  const show = (p: string[]) => (p.length > 1 ? `"${p.join(' ')}"` : (p[0] ?? ''));
  return [...q.must.map(show), ...q.exclude.map((p) => `-${show(p)}`)].join(' ');
}
