/**
 * The subcommands a search's first word may be a slip for (`/papers shar 2410.17243`, `/papers todya`):
 * every subcommand but `search` itself, whose words are the query. Listed here as commands/index.ts lists
 * the definitions; test/commands/near-subcommand.test.ts checks the two agree.
 */
export const SUBCOMMAND_NAMES = [
  'today',
  'top',
  'share',
  'like',
  'roundup',
  'watch',
  'cite',
  'export',
  'save',
  'list',
  'help',
] as const;

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, counted up to `max` + 1. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        (rows[0] as number[])[j] = j;
        continue;
      }
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The subcommand the first word of a search that found nothing was likely meant as, or null: one edit from
 * it (two for names of six letters or more), the word at least three letters and no subcommand itself, so
 * `/papers diffusion` or `/papers top-k` suggest nothing. Only where the search found nothing: a word
 * that finds papers was meant as a word.
 */
export function nearSubcommand(query: string): string | null {
  const first = /^[^\s"“”-][^\s"“”]*/.exec(query.trim())?.[0]?.toLowerCase() ?? '';
  if (first.length < 3 || (SUBCOMMAND_NAMES as readonly string[]).includes(first)) return null;
  for (const name of SUBCOMMAND_NAMES) {
    const allowed = name.length >= 6 ? 2 : 1;
    if (distance(first, name, allowed) <= allowed) return name;
  }
  return null;
}
