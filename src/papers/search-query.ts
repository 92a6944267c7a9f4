import { readPaperReference } from './paper-reference.ts';

/**
 * What a person typed after `/papers`, turned into a structure no store can misread.
 *
 * User text never reaches a full-text engine's syntax raw: it is cut into tokens the way the engines'
 * tokenizers cut text (runs of letters and digits), and each store quotes those tokens itself. So `*`,
 * `NEAR`, `NOT`, `(` and `:` in a query are words or separators, never operators; what a person means by
 * `"…"`, `-`, and `OR` and `AND` in capitals becomes the structure below (phrases, exclusions,
 * alternatives), which each store writes in its own syntax.
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

/** A unit of search text as typed: a bare word or a quoted phrase, perhaps negated. */
interface Unit {
  negated: boolean;
  /** The word or the phrase's text. */
  raw: string;
  quoted: boolean;
}

/**
 * The operators people type from other search engines, in capitals, bare: `a OR b` (either satisfies the
 * term) and `AND` (what words do anyway). In lower case, quoted, or where no unit stands on the side they
 * need, they are words. Both only ever widen a search, so a title pasted whole (`… OR Problem Solving`)
 * still finds its paper. `NOT` is a word: titles hold it in capitals (`Do NOT Think That Much…`, a `NOT
 * gate`), and read as an exclusion it would rule out the very paper pasted; `-word` excludes.
 */
function operatorOf(u: Unit): 'OR' | 'AND' | null {
  if (u.quoted || u.negated) return null;
  return u.raw === 'OR' || u.raw === 'AND' ? u.raw : null;
}

/**
 * Parses search text: bare words, `"quoted phrases"`, `-excluded` words or `-"phrases"`, and the
 * operators `OR` and `AND` in capitals. An unbalanced quote runs to the end of the text. Every search of the archive (chat, export, watches, the
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
  // An emoji typed in Slack arrives as its shortcode (`:fire:`, `:+1::skin-tone-2:`): decoration, not a
  // word to require (Discord sends the emoji itself, which has no letters to search for).
  text = text.replace(/(^|\s):[a-z0-9_+'-]+:(?::skin-tone-[2-6]:)?(?=\s|$)/gi, '$1');
  const must: string[][] = [];
  const exclude: string[][] = [];
  // Per must term, the further phrases that satisfy it (`a OR b`).
  const alternatives: string[][][] = [];
  const add = (target: string[][], tokens: string[]) => {
    if (tokens.length === 0) return;
    if (tokens.length > MAX_PHRASE_TOKENS) tokens.length = MAX_PHRASE_TOKENS;
    if (target.some((p) => p.join(' ') === tokens.join(' '))) return;
    target.push(tokens);
    if (target === must) alternatives.push([]);
  };
  // A paper's id or link typed whole (`arXiv preprint arXiv:2410.17243`) is a search for that id.
  const whole = paperIdIn(text);
  // A unit is an optional leading '-', then either a quoted phrase (closing quote optional) or a bare word.
  // Only a single dash excludes: `--json` or `--` is a word written with dashes (a flag named in a
  // question, text after a command line's `--`), not the exclusion of `-json`.
  const unit = /(-(?![-\s]))?(?:["“”„«»]([^"“”„«»]*)["“”„«»]?|([^\s"“”„«»]+))/gu;
  const units: Unit[] = [...(whole ? [] : text.matchAll(unit))].map((m) => ({
    negated: m[1] === '-',
    raw: m[2] ?? m[3] ?? '',
    quoted: m[3] === undefined,
  }));
  const searchable = (u: Unit | undefined) => u !== undefined && operatorOf(u) === null;
  // The must term the next unit is an alternative of (after `OR`), or null.
  let orOf: number | null = null;
  for (const [i, u] of units.entries()) {
    const op = operatorOf(u);
    const before = units[i - 1];
    const after = units[i + 1];
    if (op === 'OR' && searchable(after) && !after?.negated && orOf === null) {
      const last = must.length - 1;
      // Only right after a required term: `a OR b`, `"a b" OR c`.
      if (last >= 0 && searchable(before) && !before?.negated) {
        orOf = last;
        continue;
      }
    }
    if (op === 'AND' && searchable(before) && searchable(after)) continue;
    const id = u.quoted ? null : paperIdIn(u.raw);
    if (orOf !== null) {
      const forms = alternatives[orOf] as string[][];
      const phrase = tokenize(id ?? u.raw).slice(0, MAX_PHRASE_TOKENS);
      const term = must[orOf] as string[];
      if (phrase.length > 0 && ![term, ...forms].some((f) => f.join(' ') === phrase.join(' ')))
        forms.push(phrase);
      orOf = null;
      continue;
    }
    if (u.negated) add(exclude, tokenize(id ?? u.raw));
    else if (id) add(must, tokenize(id));
    else for (const part of splitAtMathSymbols(u.raw)) add(must, tokenize(part));
  }
  if (whole) add(must, tokenize(whole));
  const kept = () => must.length + exclude.length + alternatives.reduce((n, a) => n + a.length, 0);
  if (must.length === 0) {
    const error =
      exclude.length > 0
        ? 'Add at least one word to search for: excluded words alone match nothing.'
        : 'Type some words to search for, for example: /papers machine unlearning';
    return { ok: false, error };
  }
  if (kept() > MAX_PHRASES) {
    // Alternatives go first, the last term's last first, then exclusions, then the last required terms.
    for (let i = alternatives.length - 1; i >= 0 && kept() > MAX_PHRASES; i--) {
      const forms = alternatives[i] as string[][];
      while (forms.length > 0 && kept() > MAX_PHRASES) forms.pop();
    }
    const typed = must.length + exclude.length;
    const keepMust = Math.min(must.length, MAX_PHRASES);
    const keepExclude = Math.max(0, MAX_PHRASES - keepMust);
    must.length = keepMust;
    alternatives.length = keepMust;
    exclude.length = Math.min(exclude.length, keepExclude);
    // Say what was cut: every word still counts when only alternatives after OR were left out.
    notices.push(
      must.length + exclude.length < typed
        ? `Only the first ${MAX_PHRASES} words and phrases were used.`
        : `A search holds at most ${MAX_PHRASES} words and phrases, so the last alternatives after OR were left out.`,
    );
  }
  const query: SearchQuery = { must, exclude, mode: 'all', notice: notices.join(' ') || null };
  if (alternatives.some((a) => a.length > 0)) query.alternatives = alternatives;
  return { ok: true, query };
}

/** The query as a person would read it back, e.g. `machine "in context" -survey`, `unlearning OR forgetting`. */
export function describeQuery(q: SearchQuery): string {
  const show = (p: string[]) => (p.length > 1 ? `"${p.join(' ')}"` : (p[0] ?? ''));
  const term = (p: string[], i: number) => [p, ...(q.alternatives?.[i] ?? [])].map(show).join(' OR ');
  return [...q.must.map(term), ...q.exclude.map((p) => `-${show(p)}`)].join(' ');
}
