import { type ParsedSearch, parseSearchQuery } from '../papers/search-query.ts';
import { containsPhrase, stemTokens } from '../papers/text-match.ts';
import type { StoredPaper } from '../store/port.ts';
import type { Watch } from '../store/watch-port.ts';

/**
 * A watch ready to match: its query parsed once with the search query language, and every phrase cut into
 * the stemmed, accent-folded tokens the full-text index holds, so a watch finds what a search would.
 */
export interface CompiledWatch {
  watch: Watch;
  /** Required phrases, as stemmed tokens; a paper must hold each one (or one of its alternatives) in a single field. */
  must: string[][];
  /** Per required phrase, further phrases that satisfy it (`a OR b`); empty: none. */
  alternatives: string[][][];
  /** Phrases that rule a paper out wherever they occur. */
  exclude: string[][];
}

/** A paper's searchable text as stemmed tokens, one list per field (a phrase never spans two fields). */
export interface PaperText {
  paper: StoredPaper;
  fields: string[][];
  /** Every token of every field, for quick one-word checks. */
  tokens: Set<string>;
}

/** The query in stemmed tokens; a phrase whose words all fold away is dropped. */
function stems(phrases: readonly string[][]): string[][] {
  return phrases.map((p) => stemTokens(p.join(' '))).filter((p) => p.length > 0);
}

/** Compiles a watch; null when its query no longer parses (it was checked when the watch was set). */
export function compileWatch(
  watch: Watch,
  parse: (q: string) => ParsedSearch = parseSearchQuery,
): CompiledWatch | null {
  const parsed = parse(watch.query);
  if (!parsed.ok) return null;
  const must: string[][] = [];
  const alternatives: string[][][] = [];
  parsed.query.must.forEach((phrase, i) => {
    const [form, ...others] = stems([phrase, ...(parsed.query.alternatives?.[i] ?? [])]);
    if (!form) return;
    must.push(form);
    alternatives.push(others);
  });
  if (must.length === 0) return null;
  return { watch, must, alternatives, exclude: stems(parsed.query.exclude) };
}

/** The fields search looks in: title, abstract, authors and keywords. */
export function paperText(paper: StoredPaper): PaperText {
  const fields = [
    paper.title,
    paper.abstract,
    paper.authors.join(' , '),
    (paper.keywords ?? []).join(' , '),
  ].map(stemTokens);
  return { paper, fields, tokens: new Set(fields.flat()) };
}

function holds(text: PaperText, phrase: readonly string[]): boolean {
  // Every word present somewhere is a cheap necessary condition before the positional check.
  for (const t of phrase) if (!text.tokens.has(t)) return false;
  if (phrase.length === 1) return true;
  for (const f of text.fields) if (containsPhrase(f, phrase)) return true;
  return false;
}

/** Whether the paper has every required phrase and no excluded one, as the archive's search decides. */
export function watchMatches(w: CompiledWatch, text: PaperText): boolean {
  for (const [i, p] of w.must.entries())
    if (!holds(text, p) && !(w.alternatives[i] ?? []).some((a) => holds(text, a))) return false;
  for (const p of w.exclude) if (holds(text, p)) return false;
  return true;
}
