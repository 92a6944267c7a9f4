import { extractAbbreviations } from '../papers/abbreviations.ts';
import type { Paper } from '../papers/paper.ts';

/** One abbreviation a stored paper defines, as both stores keep it (keyed by the paper's id here). */
export interface AbbreviationRow {
  paper_id: string;
  short: string;
  long_key: string;
  long: string;
}

/** The abbreviations the papers' titles and abstracts define, one row per paper and pair. */
export function abbreviationRows(
  papers: readonly Pick<Paper, 'id' | 'title' | 'abstract'>[],
): AbbreviationRow[] {
  return papers.flatMap((p) =>
    extractAbbreviations(`${p.title}. ${p.abstract}`).map((a) => ({
      paper_id: p.id,
      short: a.short,
      long_key: a.longKey,
      long: a.long,
    })),
  );
}
