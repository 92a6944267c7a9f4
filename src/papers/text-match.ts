import { stemmer } from 'stemmer';
import { tokenize } from './search-query.ts';

/**
 * Words as the full-text index sees them: letters and digits, diacritics folded, lowercased, Porter-stemmed
 * (the same algorithm as SQLite's `porter` tokenizer), so `TÜLU` → `tulu` and `unlearning` → `unlearn`.
 */
export function stemTokens(text: string): string[] {
  return tokenize(text.normalize('NFKD').replace(/\p{M}/gu, '')).map((t) => stemmer(t));
}

/** Whether `phrase` (stemmed tokens) occurs as consecutive tokens in `haystack`. */
export function containsPhrase(haystack: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  outer: for (let i = 0; i + phrase.length <= haystack.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (haystack[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Whether every term occurs in `text`: `phrases[i]` (unstemmed query tokens) or one of `alternatives[i]`
 * (further phrases that satisfy it, such as an abbreviation's long form).
 */
export function containsAll(
  text: string,
  phrases: readonly (readonly string[])[],
  alternatives: readonly (readonly (readonly string[])[] | undefined)[] = [],
): boolean {
  const tokens = stemTokens(text);
  return phrases.every((p, i) =>
    [p, ...(alternatives[i] ?? [])].some((form) =>
      containsPhrase(
        tokens,
        form.map((t) => stemmer(t)),
      ),
    ),
  );
}
