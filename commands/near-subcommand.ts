import { editDistance } from '../src/papers/spelling.ts';

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
    if (editDistance(first, name, allowed) <= allowed) return name;
  }
  return null;
}
