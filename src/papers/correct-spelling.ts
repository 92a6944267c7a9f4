import type { PaperStore } from '../store/port.ts';
import type { SearchQuery } from './search-query.ts';
import { closestWord, maxEdits } from './spelling.ts';

export interface Corrected {
  query: SearchQuery;
  /** Each correction made, as `--explain` shows it: `unlerning → unlearning`. */
  corrections: string[];
}

/**
 * Gives each one-word term that no paper holds the closest word of the archive's vocabulary (titles and
 * keywords) as an alternative, within 1 edit for words up to 6 letters and 2 from 7 on, starting with the
 * same letter. Words with digits, shorter words and terms that already have alternatives are left alone.
 */
export async function correctSpelling(store: PaperStore, q: SearchQuery): Promise<Corrected> {
  const alternatives = q.must.map((_, i) => [...(q.alternatives?.[i] ?? [])]);
  const corrections: string[] = [];
  for (const [i, phrase] of q.must.entries()) {
    const [typed] = phrase;
    const limit = typed ? maxEdits(typed) : 0;
    if (phrase.length !== 1 || !typed || limit === 0 || !/^\p{L}+$/u.test(typed)) continue;
    if ((alternatives[i]?.length ?? 0) > 0) continue;
    const alone: SearchQuery = { must: [[typed]], exclude: [], mode: 'all', notice: null };
    // Whether some paper holds it, not the best of them: ranking them all is costly for a common word.
    if (await store.hasMatch(alone)) continue;
    const first = typed[0] ?? '';
    const word = closestWord(
      typed,
      await store.vocabulary(first, typed.length - limit, typed.length + limit),
    );
    if (!word) continue;
    alternatives[i] = [[word]];
    corrections.push(`${typed} → ${word}`);
  }
  if (corrections.length === 0) return { query: q, corrections };
  return { query: { ...q, alternatives }, corrections };
}
