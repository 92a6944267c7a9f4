import type pg from 'pg';
import type { SearchQuery } from '../../papers/search-query.ts';
import { BUILD_LOCK, UPSERT_LOCK } from './advisory-locks.ts';
import type { Queryable } from './pool.ts';
import { toTsQuery } from './tsquery.ts';

/**
 * Per-word top lists: how PostgreSQL search stays fast on a large archive.
 *
 * Ranking a query exactly means scoring every paper that matches it with ts_rank_cd, which reads each
 * matching paper's whole search vector: fine for a rare word, a second or more for a word that half of a
 * million papers hold. So each word (lexeme) that searches use gets a row in `term_lists` holding how many
 * papers hold it; once that is more than the exact-ranking limit, the word also gets a list in `term_tops`:
 * every paper whose single-word score reaches the list's floor, the floor being the score of its
 * `listSize`-th best paper when the list was (re)built. Both are kept exact as papers arrive or change, so
 * the first `listSize` entries of a list are always that word's best papers.
 *
 * A query whose matches are bounded by few enough papers (from the words' counts) is ranked exactly. Any
 * other query of one common word takes its candidates from the top of the word's list, keeps those that
 * match the whole query (a phrase of the word repeated, exclusions, alternatives), and ranks them with the same
 * ts_rank_cd. Only a query of one word (with or without exclusions) takes this way, and its answer is used
 * only when the candidates prove it exact ({@link listsCertify}); otherwise it is ranked exactly.
 *
 * A query of several common words (two or more words, phrases, abbreviations' other forms, with or without
 * exclusions) has a list of its own (a **query list**): the same kind of list, keyed by the query's own
 * tsquery (`'diffus' & 'model'`, `'larg' <-> 'languag'`, `'languag' & 'larg' & 'model' & !'vision'`) and
 * scored by it, so its head is that query's exact ranking. ts_rank_cd rewards words standing close
 * together, which no single-word list sees, so nothing cheaper is exact for them (see planSearch). A query
 * list is built the first time a search needs it, as a word's is, and kept exact the same way; its leads
 * (the rarest of the words every match holds, or one word for each form of a term with alternatives) find
 * the lists a new paper may enter. Their number is bounded twice: a list no search has read for
 * QUERY_LIST_IDLE_DAYS is dropped by the next ingest, and building one past `queryLists` drops the least
 * recently searched first.
 */

/** The ts_rank_cd weights for D (abstract), C (authors), B (keywords, organization), A (title, id). */
export const RANK_WEIGHTS = `'{0.1, 0.2, 0.3, 1.0}'`;

/** The tsquery of one lexeme, quoted so that the text is never read as tsquery syntax or stemmed again. */
export function lexemeQuery(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The same as {@link lexemeQuery}, in SQL, for a text expression. */
const lexemeQuerySql = (expr: string) =>
  `('''' || replace(replace(${expr}, '\\', '\\\\'), '''', '''''') || '''')::tsquery`;

/** A word's single-word score in a paper: ts_rank_cd of the word alone, as a one-word search ranks it. */
const singleScore = (search: string, lexemeExpr: string) =>
  `ts_rank_cd(${RANK_WEIGHTS}, ${search}, ${lexemeQuerySql(lexemeExpr)}, 1)::float8`;

export interface TermListSettings {
  /** A query whose matches are bounded by at most this many papers is ranked exactly. */
  exactLimit: number;
  /** Best papers read from each word's list; a list is trimmed back to this once it holds twice as many. */
  listSize: number;
  /** Query lists kept at most (each costs every ingest a test of the papers led to it, and disk). */
  queryLists: number;
  /**
   * How long counting a word or building a list may take, all its statements and waits for locks
   * together, and so how long an ingest waits for the ingest lock: longer than an ordinary statement (the
   * store's default is four times its statement timeout), as a list for a query most of a million papers
   * match takes seconds to score, and a build that timed out would be tried again, in full, by every
   * search of that query.
   */
  buildTimeoutMs: number;
}

/** A query of several words gets its own list once its matches may number more than exactLimit / this. */
export const QUERY_LIST_FRACTION = 5;

/** The longest `buildTimeoutMs`: the client's wait (5 s more) must fit a Node timer. */
export const MAX_BUILD_TIMEOUT_MS = 2 ** 31 - 1 - 5_000;

/** Sets the statement timeout for the rest of the transaction (`SET LOCAL`). */
const setStatementTimeout = (c: Queryable, ms: number) =>
  c.query({ text: 'SELECT set_config($1, $2, true)', values: ['statement_timeout', String(ms)] });

/**
 * The transaction of a count or a build (under `run`): all its statements together may take `ms` on the
 * server (each is given what is left), and the client waits 5 s more, as the pool does for ordinary
 * statements (pool.ts). So a build holds the ingest lock at most `ms`, which is how long an ingest waits
 * for it (takeIngestLock). node-postgres reads `query_timeout` from a query's config as well as the
 * client's, though its types list it for the client.
 */
function building(c: Queryable, ms: number) {
  const deadline = Date.now() + ms;
  return async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> => {
    const left = Math.max(1, deadline - Date.now());
    await setStatementTimeout(c, left);
    return c.query<R>({ text, values, query_timeout: left + 5_000 } as pg.QueryConfig);
  };
}

/**
 * Takes the ingest lock (UPSERT_LOCK) in an ingest's transaction, waiting as long as a count or a build may hold
 * it (`waitMs`, their whole transaction's limit, and a second more), then puts back the ordinary limit
 * (`statementMs`) for the ingest's own statements. Under the ordinary limit an ingest would fail behind any
 * build that took longer. Builds that ask for the lock after the ingest wait behind it (PostgreSQL queues a
 * shared request behind a waiting exclusive one), so only those already running hold it up.
 */
export async function takeIngestLock(c: Queryable, waitMs: number, statementMs: number) {
  await setStatementTimeout(c, waitMs + 1_000);
  await c.query({
    text: 'SELECT pg_advisory_xact_lock($1)',
    values: [UPSERT_LOCK],
    query_timeout: waitMs + 6_000,
  } as pg.QueryConfig);
  await setStatementTimeout(c, statementMs);
}

/** How one search is to be run: exactly, or over candidates from the words' lists. */
export type SearchPlan =
  | { kind: 'none' }
  | { kind: 'exact'; bound: number }
  | { kind: 'lists'; bound: number; listed: string[]; unlisted: string[]; oneLexeme: boolean }
  | { kind: 'query'; bound: number; key: string };

interface TermInfo {
  papers: number;
  listed: boolean;
}

/**
 * Plans a search: finds the lexemes of every form of every required term, the papers holding each (building
 * the row, and a word's list, the first time it is needed), and bounds the query's matches by them.
 * The ingest lock (UPSERT_LOCK, shared here) keeps papers from arriving while a list is built (it would
 * miss them).
 */
export async function planSearch(
  run: <T>(work: (client: Queryable) => Promise<T>) => Promise<T>,
  read: Queryable,
  query: SearchQuery,
  settings: TermListSettings,
): Promise<SearchPlan> {
  const forms = query.must.flatMap((tokens, i) =>
    [tokens, ...(query.alternatives?.[i] ?? [])].map((f) => ({ term: i, text: f.join(' ') })),
  );
  const excluded = query.exclude.map((tokens) => tokens.join(' '));
  // One round trip: each form's lexemes (as phraseto_tsquery finds them), whether its tsquery is a lone
  // lexeme (one node), and what is known of each lexeme.
  const r = await read.query<{
    lexemes: string[];
    nodes: number;
    known: Record<string, [number, number | string]> | null;
  }>(
    `WITH f AS (
       SELECT x.i, array(SELECT DISTINCT v.lexeme FROM unnest(to_tsvector('paperboy_en', x.t)) AS v
         ORDER BY v.lexeme) AS lexemes, numnode(phraseto_tsquery('paperboy_en', x.t)) AS nodes
       FROM unnest($1::text[]) WITH ORDINALITY AS x(t, i))
     SELECT f.lexemes, f.nodes, (SELECT json_object_agg(l.lexeme, json_build_array(l.papers, l.floor::text))
       FROM term_lists l WHERE l.lexeme = ANY(f.lexemes)) AS known
     FROM f ORDER BY f.i`,
    [[...forms.map((f) => f.text), ...excluded]],
  );
  const lexemesOf = r.rows.slice(0, forms.length).map((row) => row.lexemes);
  // Only stop words required ("with -framework"): PostgreSQL's index holds none of them, and the tsquery
  // would shrink to the exclusions alone, matching most of the archive. It matches nothing, as "with" does.
  if (lexemesOf.every((l) => l.length === 0)) return { kind: 'none' };
  // A required term every form of which holds an excluded word matches nothing ("model -models"): say so
  // at once rather than read every paper holding it.
  const banned = r.rows.slice(forms.length).flatMap((row) => (row.lexemes.length === 1 ? row.lexemes : []));
  const alwaysBanned = query.must.map((_, i) =>
    banned.some((l) => forms.every((f, k) => f.term !== i || (lexemesOf[k] ?? []).includes(l))),
  );
  if (query.mode === 'all' ? alwaysBanned.some(Boolean) : alwaysBanned.every(Boolean))
    return { kind: 'none' };
  const all = [...new Set(lexemesOf.flat())];
  const info = new Map<string, TermInfo>();
  for (const row of r.rows.slice(0, forms.length)) {
    for (const [lexeme, [papers, floor]] of Object.entries(row.known ?? {})) {
      info.set(lexeme, { papers, listed: floor !== 'Infinity' });
    }
  }
  const missing = all.filter((l) => !info.has(l));
  for (const lexeme of missing)
    info.set(lexeme, await run((c) => countTerm(building(c, settings.buildTimeoutMs), lexeme)));

  const formBound = (lexemes: string[]) =>
    lexemes.length === 0
      ? Number.POSITIVE_INFINITY
      : Math.min(...lexemes.map((l) => info.get(l)?.papers ?? 0));
  const termBounds = query.must.map((_, i) =>
    forms.reduce((sum, f, k) => (f.term === i ? sum + formBound(lexemesOf[k] ?? []) : sum), 0),
  );
  const bound = query.mode === 'all' ? Math.min(...termBounds) : termBounds.reduce((a, b) => a + b, 0);
  // A query of several words has its list from a fifth of exactLimit: ranking it exactly reads every paper
  // holding its rarest words, and a phrase's positions in each (a phrase whose rarer word 4,967 of a
  // million papers hold took 64 ms warm, 683 ms cold), where its list is read in a few ms.
  if (bound <= settings.exactLimit / QUERY_LIST_FRACTION) return { kind: 'exact', bound };
  const shape = listableShape(query, forms, lexemesOf, r.rows);
  const leads =
    shape && settings.queryLists > 0 ? leadsOf(forms, lexemesOf, (l) => info.get(l)?.papers ?? 0) : null;
  if (shape && leads) {
    const key = await queryKey(read, query, shape === 'words' ? all : null, excluded);
    if (!key.listed) await run((c) => buildTop(c, key.key, key.key, settings, leads));
    // Once an hour at most: when it was last searched keeps the list from being dropped as idle (by the
    // day) or to make room for another (by the hour).
    else if (key.stale)
      // Skipped while a build dropping it or an ingest holds its row: the search must not wait for them.
      await read.query(
        `UPDATE term_lists SET used_on = CURRENT_DATE, used_at = now()
         WHERE lexeme = (SELECT lexeme FROM term_lists WHERE lexeme = $1 FOR UPDATE SKIP LOCKED)`,
        [key.key],
      );
    return { kind: 'query', bound, key: key.key };
  }
  if (bound <= settings.exactLimit) return { kind: 'exact', bound };
  // Past here, only a one-word query is answered from its word's list: the list holds that word's best
  // papers by the very score exact ranking gives, so the answer is exact. Several words without a list of
  // their own (none kept, or every term with a form of stop words only) are ranked by how close their words
  // stand, which single-word lists do not see (recall@10 of 0.10 to 0.81 measured at 100,000 to 1,000,000
  // papers), so they are ranked exactly, however long that takes. Nor can the lists
  // prove a top ten exact (a threshold algorithm): the best bound on a paper's score from its words' single
  // scores is their sum, which a paper of interleaved words nearly reaches, and which at list depth is ten
  // times the 10th best score of a typical two-word query (bench/postgres-ta-bound.ts).
  if (all.length !== 1) return { kind: 'exact', bound };

  const listed: string[] = [];
  const unlisted: string[] = [];
  for (const lexeme of all) {
    const t = info.get(lexeme);
    if (!t || t.papers <= settings.exactLimit) {
      unlisted.push(lexeme);
      continue;
    }
    if (!t.listed) await run((c) => buildTop(c, lexeme, lexemeQuery(lexeme), settings, null));
    listed.push(lexeme);
  }
  // The query is its one lexeme, nothing else: its list, best first, is its ranking.
  const oneLexeme = forms.length === 1 && excluded.length === 0 && r.rows[0]?.nodes === 1;
  return { kind: 'lists', bound, listed, unlisted, oneLexeme };
}

/**
 * Whether a query gets a list of its own, and its shape: every term required, at least two distinct
 * lexemes; exclusions and alternatives (an abbreviation's other form) allowed. `words` when each required
 * term is one lexeme and none has alternatives (`diffusion model`, `the diffusion model`: PostgreSQL's
 * query drops a stop word), whose key lists them in a fixed order; `other` for the rest (`"large
 * language" model`, `"state of the art"`, whose stop words leave `'state' <3> 'art'`, `llm reasoning`),
 * keyed as written. One lexeme, with exclusions or repeated in a phrase, is proven from the word's own list.
 */
function listableShape(
  query: SearchQuery,
  forms: readonly { term: number }[],
  lexemesOf: readonly string[][],
  rows: readonly { nodes: number }[],
): 'words' | 'other' | null {
  if (query.mode !== 'all' || new Set(lexemesOf.slice(0, forms.length).flat()).size < 2) return null;
  const alternatives = new Set(forms.map((f) => f.term)).size !== forms.length;
  // One lexeme a form and one node: a word ("model of model" is one lexeme but a phrase of three nodes).
  const words = forms.every((_, k) => {
    const lexemes = lexemesOf[k] ?? [];
    return lexemes.length === 0 || (lexemes.length === 1 && rows[k]?.nodes === 1);
  });
  return !alternatives && words ? 'words' : 'other';
}

/**
 * The words leading a query's list: a set of lexemes every match holds one of. A term's forms each give
 * their rarest lexeme (a match of the term holds all of one form's); the term whose leads are held by the
 * fewest papers altogether gives the list's, so a new paper is scored against the fewest lists it cannot
 * enter. Null when no term can (each has a form of stop words only, which holds no lexeme).
 */
function leadsOf(
  forms: readonly { term: number }[],
  lexemesOf: readonly string[][],
  papersOf: (lexeme: string) => number,
): string[] | null {
  let best: { leads: string[]; papers: number } | null = null;
  for (const term of new Set(forms.map((f) => f.term))) {
    const ofTerm = forms.flatMap((f, k) => (f.term === term ? [lexemesOf[k] ?? []] : []));
    if (ofTerm.some((lexemes) => lexemes.length === 0)) continue;
    const leads = [
      ...new Set(ofTerm.map((lexemes) => lexemes.reduce((a, b) => (papersOf(b) < papersOf(a) ? b : a)))),
    ];
    const papers = leads.reduce((sum, l) => sum + papersOf(l), 0);
    if (!best || papers < best.papers) best = { leads, papers };
  }
  return best?.leads ?? null;
}

/**
 * A query list's key, its tsquery as PostgreSQL writes it, and whether its list exists. Required single words
 * are keyed in a fixed order (`sorted`), so `model diffusion` reads `diffusion model`'s list: ts_rank_cd
 * does not depend on the order of an AND's operands (calc_rank_cd sorts the query's items, and AND is
 * commutative); so are exclusions, sorted after them. A phrase keeps its order, which is its meaning.
 */
async function queryKey(
  read: Queryable,
  query: SearchQuery,
  sorted: readonly string[] | null,
  excluded: readonly string[],
): Promise<{ key: string; listed: boolean; stale: boolean }> {
  let tsq: { sql: string; params: string[] };
  if (sorted) {
    const words = sorted.map(lexemeQuery).sort();
    const without = [...new Set(excluded)].sort();
    const not = without.map((_, i) => ` && !!phraseto_tsquery('paperboy_en', $${words.length + i + 1})`);
    tsq = {
      sql: `${words.map((_, i) => `$${i + 1}::tsquery`).join(' && ')}${not.join('')}`,
      params: [...words, ...without],
    };
  } else tsq = toTsQuery(query, 1);
  const r = await read.query<{ key: string; floor: number | null; stale: boolean | null }>(
    `WITH k AS (SELECT (${tsq.sql})::text AS key)
     SELECT k.key, l.floor, (l.used_on IS DISTINCT FROM CURRENT_DATE OR l.used_at IS NULL
       OR l.used_at < now() - interval '1 hour') AS stale
     FROM k LEFT JOIN term_lists l ON l.lexeme = k.key`,
    tsq.params,
  );
  const row = r.rows[0];
  if (!row) throw new Error('PostgreSQL returned no tsquery for a query list');
  return { key: row.key, listed: row.floor !== null, stale: row.stale === true };
}

/** Days a query list may go unsearched before an ingest drops it (migration 16). */
export const QUERY_LIST_IDLE_DAYS = 90;

/**
 * SQL for the most a paper outside a search's candidates can score, one row `bound`: the sum over the listed
 * lexemes (`lexemes`, a text[] expression) of the first list entry not read (`depth` entries are read), or
 * the list's floor when none is left (no paper outside a list reaches its floor).
 */
export const UNREAD_BOUND = (lexemes: string, depth: string) =>
  `SELECT COALESCE(SUM(COALESCE((SELECT t.score FROM term_tops t WHERE t.lexeme = l.lexeme
     ORDER BY t.score DESC, t.rowid OFFSET ${depth} LIMIT 1), l.floor)), 0)::float8 AS bound
   FROM term_lists l WHERE l.lexeme = ANY(${lexemes}::text[])`;

/** Whether any candidates could prove the query's ranking ({@link listsCertify}): no rare word, no excluded phrase. */
export function listsCanCertify(plan: SearchPlan & { kind: 'lists' }, query: SearchQuery): boolean {
  return plan.unlisted.length === 0 && query.exclude.every((phrase) => phrase.length === 1);
}

/**
 * Whether the best `limit` candidates (ranked by the query's own ts_rank_cd, `unread` from
 * {@link UNREAD_BOUND}) are the exact top `limit`: the last of them must score above any paper not read.
 *
 * That rests on a bound proven from PostgreSQL's calc_rank_cd (bench/postgres-ta-bound.ts, which checks it
 * on every match of the benchmark's queries and on generated documents): a paper's ts_rank_cd for a query of
 * lexemes joined by &, | and phrase operators is at most the sum of its single-word scores of those lexemes,
 * also with exclusions of single words, which a matching paper does not hold. An excluded phrase may have
 * some of its words in a match, which the bound does not cover, and a rare word's papers are not in a list:
 * such queries are never certified here. The bound is far too loose for several words (ten times the 10th
 * best score at list depth), so only one-word queries come here: a phrase of one word repeated, a word with
 * exclusions, a word with alternatives of the same lexeme. The relative 1e-6 covers float4 rounding.
 */
export function listsCertify(
  rows: readonly { relevance: number; unread: number }[],
  limit: number,
  plan: SearchPlan & { kind: 'lists' },
  query: SearchQuery,
): boolean {
  if (!listsCanCertify(plan, query)) return false;
  const last = rows[limit - 1];
  return last !== undefined && last.relevance > last.unread * (1 + 1e-6);
}

/**
 * Counts the papers holding a word the first time a search uses it. Under the ingest lock, shared: counts
 * and builds run side by side, an ingest alone (term-lists are kept exact by it, so it must not run between
 * a count or build's reading of the papers and its writing).
 */
async function countTerm(q: ReturnType<typeof building>, lexeme: string): Promise<TermInfo> {
  // The word's own lock first (two searches meeting it at once count it once), then the ingest lock:
  // a search waiting for another's count holds nothing an ingest waits for.
  await q('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BUILD_LOCK, lexeme]);
  await q('SELECT pg_advisory_xact_lock_shared($1)', [UPSERT_LOCK]);
  const r = await q<{ papers: number; floor: number }>(
    `INSERT INTO term_lists (lexeme, papers, floor)
     SELECT $1, COUNT(*)::int, 'Infinity' FROM papers WHERE search @@ $2::tsquery
     ON CONFLICT (lexeme) DO UPDATE SET papers = term_lists.papers
     RETURNING papers, floor`,
    [lexeme, lexemeQuery(lexeme)],
  );
  const row = r.rows[0];
  return { papers: row?.papers ?? 0, listed: Number.isFinite(row?.floor ?? Number.POSITIVE_INFINITY) };
}

/**
 * Builds a list: scores every paper matching `query` (a tsquery's text) once, under the ingest lock (shared
 * with other counts and builds, see countTerm) and its own list's lock, and keeps those at or above the
 * `listSize`-th best score, ties included. `key` is the row's key: the word for a word's list (whose row
 * its count made), the query's text for a query list, led by `leads` (term_list_leads); a query list's
 * row also holds its tsquery, which marks it as one.
 */
async function buildTop(
  c: Queryable,
  key: string,
  query: string,
  settings: TermListSettings,
  leads: readonly string[] | null,
) {
  const q = building(c, settings.buildTimeoutMs);
  // Another search building this list meanwhile: wait for it (holding nothing an ingest waits for), then
  // find the list built.
  await q('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BUILD_LOCK, key]);
  await q('SELECT pg_advisory_xact_lock_shared($1)', [UPSERT_LOCK]);
  const known = await q<{ floor: number }>('SELECT floor FROM term_lists WHERE lexeme = $1', [key]);
  if (Number.isFinite(known.rows[0]?.floor ?? Number.POSITIVE_INFINITY)) return;
  await q('DELETE FROM term_tops WHERE lexeme = $1', [key]);
  // Every match scored once, into a table of this transaction: CREATE TABLE AS may use PostgreSQL's parallel
  // workers, where an INSERT may not (4.6-4.8 s against 7.6 s for a query 300,000 of a million papers
  // match, on two cores). Parallel costs are set to nothing for it: the planner prices the rows the workers
  // pass back, not the score each computes, and would not choose them. A utility statement takes no
  // parameters, so the query is an escaped literal (E'', whatever standard_conforming_strings says; a quote
  // doubled, as `\'` is refused under backslash_quote = off).
  const literal = `E'${query.replace(/\\/g, '\\\\').replace(/'/g, "''")}'::tsquery`;
  await q(
    "SELECT set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true)",
    [],
  );
  await q(
    `CREATE TEMP TABLE list_build ON COMMIT DROP AS
     SELECT rowid, ts_rank_cd(${RANK_WEIGHTS}, search, ${literal}, 1)::float8 AS score
     FROM papers WHERE search @@ ${literal}`,
    [],
  );
  if (leads) {
    // Room for this one within `queryLists`: the least recently searched query lists go, once the scoring
    // is done (their rows stay locked until this commits), and none another build or an ingest holds.
    await q(
      `WITH gone AS (
         DELETE FROM term_lists WHERE lexeme IN (SELECT lexeme FROM term_lists WHERE query IS NOT NULL
           ORDER BY used_at DESC NULLS LAST, lexeme OFFSET $1 FOR UPDATE SKIP LOCKED)
         RETURNING lexeme)
       DELETE FROM term_tops t USING gone WHERE t.lexeme = gone.lexeme`,
      [Math.max(0, settings.queryLists - 1)],
    );
  }
  await q(
    `WITH ranked AS (SELECT rowid, score, row_number() OVER (ORDER BY score DESC, rowid) AS n FROM list_build),
     edge AS (
       SELECT CASE WHEN COUNT(*) > $3 THEN MIN(score) FILTER (WHERE n <= $3) ELSE 0 END AS floor,
         COUNT(*)::int AS papers
       FROM ranked),
     kept AS (
       INSERT INTO term_tops (lexeme, rowid, score)
       SELECT $1, ranked.rowid, ranked.score FROM ranked, edge WHERE ranked.score >= edge.floor
       RETURNING 1)
     INSERT INTO term_lists (lexeme, papers, floor, listed, query, used_on, used_at)
     SELECT $1, edge.papers, edge.floor, (SELECT COUNT(*) FROM kept),
       CASE WHEN $4 THEN $2::tsquery END, CASE WHEN $4 THEN CURRENT_DATE END, CASE WHEN $4 THEN now() END
     FROM edge
     ON CONFLICT (lexeme) DO UPDATE SET papers = excluded.papers, floor = excluded.floor, listed = excluded.listed`,
    [key, query, settings.listSize, leads !== null],
  );
  if (leads)
    await q('INSERT INTO term_list_leads (lead, list) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [
      leads,
      key,
    ]);
}

/** Lexeme counts of the papers at `$1` (rowids). */
const COUNTS = `SELECT v.lexeme, COUNT(*)::int AS n FROM papers p, unnest(tsvector_to_array(p.search)) AS v(lexeme)
  WHERE p.rowid = ANY($1::bigint[]) GROUP BY v.lexeme`;

/**
 * The query lists each paper at `$1` (rowids) matches, with its score for the query: only the lists led by a
 * word the paper holds are tested (term_list_leads), each once however many of its leads the paper holds.
 */
const QUERY_MATCHES = `SELECT l.lexeme, p.rowid, l.floor,
    ts_rank_cd(${RANK_WEIGHTS}, p.search, l.query, 1)::float8 AS score
  FROM papers p CROSS JOIN LATERAL (
    SELECT DISTINCT ll.list FROM unnest(tsvector_to_array(p.search)) AS v(lexeme)
    JOIN term_list_leads ll ON ll.lead = v.lexeme) led
  JOIN term_lists l ON l.lexeme = led.list
  WHERE p.rowid = ANY($1::bigint[]) AND p.search @@ l.query`;

/** Takes papers out of the words' counts and lists, before their text changes. In the ingest transaction. */
export async function forgetPapers(c: Queryable, rowids: readonly number[]): Promise<void> {
  if (rowids.length === 0) return;
  await c.query(
    `WITH c AS (${COUNTS}) UPDATE term_lists l SET papers = l.papers - c.n FROM c WHERE l.lexeme = c.lexeme`,
    [rowids],
  );
  await c.query(
    `WITH c AS (SELECT lexeme, COUNT(*)::int AS n FROM (${QUERY_MATCHES}) m GROUP BY lexeme)
     UPDATE term_lists l SET papers = l.papers - c.n FROM c WHERE l.lexeme = c.lexeme`,
    [rowids],
  );
  await c.query(
    `WITH d AS (DELETE FROM term_tops WHERE rowid = ANY($1::bigint[]) RETURNING lexeme),
       c AS (SELECT lexeme, COUNT(*)::int AS n FROM d GROUP BY lexeme)
     UPDATE term_lists l SET listed = l.listed - c.n FROM c WHERE l.lexeme = c.lexeme`,
    [rowids],
  );
}

/**
 * Adds new or changed papers to the words' counts and to every list whose floor they reach, then trims any
 * list grown to twice `listSize` back to its best `listSize` (ties included); first drops the query lists no
 * search has read for QUERY_LIST_IDLE_DAYS. In the ingest transaction.
 */
export async function listPapers(c: Queryable, rowids: readonly number[], listSize: number): Promise<void> {
  if (rowids.length === 0) return;
  // Query lists no search has read for QUERY_LIST_IDLE_DAYS go first: the papers need not be scored against them.
  await c.query(
    `WITH gone AS (DELETE FROM term_lists WHERE query IS NOT NULL AND used_on < CURRENT_DATE - $1::int
       RETURNING lexeme)
     DELETE FROM term_tops t USING gone WHERE t.lexeme = gone.lexeme`,
    [QUERY_LIST_IDLE_DAYS],
  );
  await c.query(
    `WITH c AS (${COUNTS}) UPDATE term_lists l SET papers = l.papers + c.n FROM c WHERE l.lexeme = c.lexeme`,
    [rowids],
  );
  await c.query(
    `WITH a AS (
       INSERT INTO term_tops (lexeme, rowid, score)
       SELECT l.lexeme, p.rowid, s.score
       FROM papers p CROSS JOIN LATERAL unnest(tsvector_to_array(p.search)) AS v(lexeme)
       JOIN term_lists l ON l.lexeme = v.lexeme AND l.floor < 'Infinity'
       CROSS JOIN LATERAL (SELECT ${singleScore('p.search', 'l.lexeme')} AS score) s
       WHERE p.rowid = ANY($1::bigint[]) AND s.score >= l.floor
       ON CONFLICT DO NOTHING RETURNING lexeme),
     c AS (SELECT lexeme, COUNT(*)::int AS n FROM a GROUP BY lexeme)
     UPDATE term_lists l SET listed = l.listed + c.n FROM c WHERE l.lexeme = c.lexeme`,
    [rowids],
  );
  // The query lists: every match counted, those reaching the floor listed.
  await c.query(
    `WITH m AS (${QUERY_MATCHES}),
     a AS (
       INSERT INTO term_tops (lexeme, rowid, score) SELECT lexeme, rowid, score FROM m WHERE score >= floor
       ON CONFLICT DO NOTHING RETURNING lexeme),
     c AS (SELECT m.lexeme, COUNT(*)::int AS n,
       (SELECT COUNT(*)::int FROM a WHERE a.lexeme = m.lexeme) AS kept FROM m GROUP BY m.lexeme)
     UPDATE term_lists l SET papers = l.papers + c.n, listed = l.listed + c.kept FROM c WHERE l.lexeme = c.lexeme`,
    [rowids],
  );
  await c.query(
    `WITH t AS (
       SELECT l.lexeme, (SELECT x.score FROM term_tops x WHERE x.lexeme = l.lexeme
         ORDER BY x.score DESC, x.rowid OFFSET $1 - 1 LIMIT 1) AS floor
       FROM term_lists l WHERE l.floor < 'Infinity' AND l.listed > 2 * $1),
     d AS (DELETE FROM term_tops x USING t WHERE x.lexeme = t.lexeme AND x.score < t.floor RETURNING x.lexeme)
     UPDATE term_lists l SET floor = t.floor,
       listed = l.listed - (SELECT COUNT(*)::int FROM d WHERE d.lexeme = t.lexeme)
     FROM t WHERE l.lexeme = t.lexeme`,
    [listSize],
  );
}

/** Forgets every count and list (after papers were loaded around them); searches rebuild what they need. */
export async function resetTermLists(c: Queryable): Promise<void> {
  await c.query('TRUNCATE term_lists, term_tops, term_list_leads');
}
