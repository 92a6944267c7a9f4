import { tokenize } from './search-query.ts';

/** A word of the archive's vocabulary and how many papers' titles or keywords hold it. */
export interface VocabularyWord {
  word: string;
  papers: number;
}

/**
 * The words a paper contributes to the spelling vocabulary: those of its title and keywords (the words
 * people type to find it), lowercased with diacritics folded, at least 4 letters, no digits. Abstracts are
 * left out: they would multiply the vocabulary's size and its cost at ingest for words rarely searched.
 */
export function vocabularyWords(paper: {
  title: string;
  keywords?: readonly string[] | undefined;
}): string[] {
  const text = `${paper.title} ${(paper.keywords ?? []).join(' ')}`.normalize('NFKD').replace(/\p{M}/gu, '');
  return [...new Set(tokenize(text).filter((w) => w.length >= 4 && /^\p{L}+$/u.test(w)))];
}

/** The most edits a typed word may be from its correction: 1 up to 6 letters, 2 from 7 on; none under 4. */
export function maxEdits(word: string): number {
  return word.length < 4 ? 0 : word.length < 7 ? 1 : 2;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment): `unlerning` → `unlearning` is 1,
 * `teh` → `the` is 1. Stops early and returns `limit + 1` once the distance must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The vocabulary word a misspelt `typed` word most likely means (pure): the fewest edits within maxEdits,
 * then the word in most papers, then alphabetical, so every store picks the same. Null when none is close.
 */
export function closestWord(typed: string, candidates: readonly VocabularyWord[]): string | null {
  const limit = maxEdits(typed);
  let best: { word: string; d: number; papers: number } | null = null;
  for (const c of candidates) {
    if (c.word === typed) continue;
    const d = editDistance(typed, c.word, limit);
    if (d > limit) continue;
    if (
      !best ||
      d < best.d ||
      (d === best.d && (c.papers > best.papers || (c.papers === best.papers && c.word < best.word)))
    )
      best = { word: c.word, d, papers: c.papers };
  }
  return best?.word ?? null;
}
