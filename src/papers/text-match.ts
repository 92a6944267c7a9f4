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

/** Whether every phrase (unstemmed query tokens) occurs in `text`. */
export function containsAll(text: string, phrases: readonly (readonly string[])[]): boolean {
  const tokens = stemTokens(text);
  return phrases.every((p) =>
    containsPhrase(
      tokens,
      p.map((t) => stemmer(t)),
    ),
  );
}
