import type { SearchQuery } from '../../papers/search-query.ts';

/**
 * Builds an FTS5 MATCH expression from a parsed query. Every token is double-quoted (tokens hold only
 * letters and digits, so there is nothing inside to escape), which makes FTS5 read `near`, `and`, `*` or
 * `-` typed by a person as plain words. A term with alternatives matches any of them. Optionally restricts
 * every phrase to one column.
 */
export function toFtsMatch(q: SearchQuery, column?: string): string {
  const phrase = (tokens: string[]) => tokens.map((t) => `"${t.replaceAll('"', '""')}"`).join(' + ');
  const scoped = (tokens: string[]) => (column ? `${column} : (${phrase(tokens)})` : phrase(tokens));
  const term = (phrase: string[], i: number) => {
    const forms = [phrase, ...(q.alternatives?.[i] ?? [])].map(scoped);
    return forms.length > 1 ? `(${forms.join(' OR ')})` : (forms[0] ?? '');
  };
  const positive = q.must.map(term).join(q.mode === 'all' ? ' AND ' : ' OR ');
  const negative = q.exclude.map((p) => ` NOT ${phrase(p)}`).join('');
  return negative ? `(${positive})${negative}` : positive;
}
