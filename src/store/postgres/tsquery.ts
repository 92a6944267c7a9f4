import type { SearchQuery } from '../../papers/search-query.ts';

/**
 * Builds a tsquery expression from a parsed query, with every phrase passed as a bound parameter to
 * `phraseto_tsquery`, which reads it as plain words: a person's `!`, `&`, `:*` or quotes are never tsquery
 * operators. A term with alternatives matches any of them. Returns the SQL and its parameters, numbered
 * from `first`.
 */
export function toTsQuery(q: SearchQuery, first: number): { sql: string; params: string[] } {
  const params: string[] = [];
  const phrase = (tokens: string[]) => {
    params.push(tokens.join(' '));
    return `phraseto_tsquery('paperboy_en', $${first + params.length - 1})`;
  };
  const term = (tokens: string[], i: number) => {
    const forms = [tokens, ...(q.alternatives?.[i] ?? [])].map(phrase);
    return forms.length > 1 ? `(${forms.join(' || ')})` : (forms[0] ?? '');
  };
  const positive = q.must.map(term).join(q.mode === 'all' ? ' && ' : ' || ');
  const negative = q.exclude.map((p) => ` && !!${phrase(p)}`).join('');
  return { sql: `(${positive})${negative}`, params };
}
