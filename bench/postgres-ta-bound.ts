/**
 * Can a multi-word PostgreSQL search be answered exactly from the words' single-word top lists (a threshold
 * algorithm over term_tops)? Measured answer: no. This script holds the bound, checks it, and measures how
 * far it is from certifying anything. Prints figures; asserts nothing.
 *
 *   node --import tsx bench/postgres-ta-bound.ts [--db paperboy_pgbench_pgm] [--queries 50] [--classes RE]
 *   (the database as bench/postgres-scale.ts --load-only builds it)
 *
 * THE BOUND. ts_rank_cd(W, doc, Q, 1) <= sum over the lexemes l of Q of ts_rank_cd(W, doc, l, 1), for any
 * query Q built from lexemes with &, |, <-> / <N> (no prefix, no weight filter), and for Q & !x when x is a
 * single lexeme that the document does not hold (as in every match of "a b -x"). From PostgreSQL's
 * src/backend/utils/adt/tsrank.c (calc_rank_cd, Cover, get_docrep):
 * - get_docrep lists every position of every query lexeme in the document, sorted by position; an entry is
 *   one (position with its weight class, lexeme) pair. Let w(e) be the weight of entry e and A_l the sum of
 *   w(e) over the entries of lexeme l.
 * - A one-lexeme query makes every entry a cover of its own (begin = end, Cpos = w(e), nNoise = 0), so its
 *   score is A_l / log(len + 1), with len = cnt_length(doc): the single score s_l that term_tops stores.
 * - For Q, the score is sum over covers c of Cpos(c) / (1 + nNoise(c)), divided by the same log(len + 1).
 *   nNoise is (q - p) - (n - 1) for a cover of n entries, or (n - 1) / 2 when positions clamped at
 *   MAXENTRYPOS (16383) make that negative: never negative, so 1 + nNoise >= 1. Cpos(c) is the harmonic
 *   mean of the cover's weights, at most their arithmetic mean. So score * log(len + 1) <= sum over c of
 *   (1 / n_c) * sum of w(e) over e in c  =  sum over e of w(e) * (sum over covers c holding e of 1 / n_c).
 * - Covers have strictly increasing begins (the next search starts at begin + 1 and the downward scan
 *   never passes it) and strictly increasing ends: the next end is at least the last one, since satisfying
 *   Q is monotone in the entries seen (true for &, |, phrase; a NOT of an absent lexeme is always true, in
 *   both the upward and downward scan), and it cannot equal it, for then [begin + 1, end] would satisfy Q
 *   and the downward scan would have stopped there.
 * - So the m covers holding an entry e have begins b_1 < ... < b_m <= e <= e_1 < ... < e_m, and cover i
 *   holds b_i..b_m and e_1..e_i: at least m entries. The sum of 1 / n_c over them is at most m * (1 / m) = 1.
 * - Hence score * log(len + 1) <= sum over e of w(e) = sum over l of A_l, i.e. score <= sum of s_l.
 *   ts_rank_cd returns float4: the check allows a relative 1e-6 for rounding.
 * It is monotone in the single scores, so after reading every word's list to a depth where it scores d_l,
 * an unread paper scores at most sum of d_l, and the top ten is certified once its 10th exact score is above.
 *
 * WHY IT CANNOT CERTIFY. The bound is tight: a title "a b a b ... a b" scores 0.995 of it (measured,
 * `repeat('aa bb ', 100)`: 37.52 against 37.71). Single-word scores cannot see how near the words stand,
 * and they cannot tell such a paper from one whose words are far apart, which is almost every paper: the
 * 10th best two-word score is typically a tenth of the sum of the words' scores at depth 1,000 (measured,
 * see the report these figures went into), so the lists would have to be read to nearly their end.
 *
 * What it prints: per class, the bound checked on every matching paper (count above it: must be 0), and
 * the depth a threshold algorithm reading all the query's words' rankings in step would need to certify.
 * A check on generated documents follows (long ones with positions clamped at 16383, all weight classes,
 * phrases, exclusions, alternatives).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseSearchQuery } from '../src/papers/search-query.ts';
import { lexemeQuery, RANK_WEIGHTS } from '../src/store/postgres/term-lists.ts';
import { toTsQuery } from '../src/store/postgres/tsquery.ts';
import { queryClasses } from './query-classes.ts';
import { syntheticChunks } from './synthetic.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'paperboy_pgbench_pgm' },
    queries: { type: 'string', default: '50' },
    classes: { type: 'string', default: '^common, [23]|phrase|exclusion' },
  },
});
const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
url.pathname = `/${args.db}`;
const client = new pg.Client({ connectionString: url.toString() });
await client.connect();
await client.query('SET statement_timeout = 0');
const DEPTHS = [100, 300, 1000, 2000, 5000];
const SLACK = 1 + 1e-6; // float4 rounding of the stored single scores

const quartiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return [0.25, 0.5, 0.75].map((p) => (s[Math.floor(p * s.length)] ?? Number.NaN).toFixed(3)).join(' / ');
};

const sample = [...syntheticChunks(20_000, 20_000)].flat();
for (const [name, queries] of queryClasses(sample, Number(args.queries))) {
  if (!new RegExp(args.classes).test(name)) continue;
  let checked = 0;
  let violations = 0;
  let worst = 0;
  const need: number[] = [];
  const ratios: number[] = [];
  const floorsOk = new Map<number, number>();
  for (const text of queries) {
    const parsed = parseSearchQuery(text);
    if (!parsed.ok) continue;
    const q = toTsQuery(parsed.query, 1);
    const lex = await client.query<{ l: string[] }>(
      `SELECT array(SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('paperboy_en', $1))) ORDER BY 1) AS l`,
      [parsed.query.must.map((t) => t.join(' ')).join(' ')],
    );
    const lexemes = lex.rows[0]?.l ?? [];
    if (lexemes.length === 0) continue;
    // Every match: exact score and the sum of its lexemes' single scores.
    const singles = lexemes
      .map(
        (l) =>
          `ts_rank_cd(${RANK_WEIGHTS}, search, '${lexemeQuery(l).replace(/'/g, "''")}'::tsquery, 1)::float8`,
      )
      .join(' + ');
    const m = await client.query<{ s: number; b: number }>(
      `SELECT ts_rank_cd(${RANK_WEIGHTS}, search, ${q.sql}, 1)::float8 AS s, ${singles} AS b
       FROM papers WHERE search @@ (${q.sql}) ORDER BY s DESC`,
      q.params,
    );
    for (const row of m.rows) {
      checked++;
      if (row.s > row.b * SLACK) violations++;
      if (row.b > 0 && lexemes.length > 1) worst = Math.max(worst, row.s / row.b);
    }
    // One lexeme (the other words were stop words): the one-word lists already answer it exactly.
    if (lexemes.length < 2) continue;
    const s10 = m.rows[9]?.s;
    if (s10 === undefined) {
      need.push(Number.POSITIVE_INFINITY);
      continue;
    }
    // Each lexeme's single-word ranking over all papers holding it, best first.
    const ranked: number[][] = [];
    for (const l of lexemes) {
      const r = await client.query<{ s: number }>(
        `SELECT ts_rank_cd(${RANK_WEIGHTS}, search, $1::tsquery, 1)::float8 AS s FROM papers
         WHERE search @@ $1::tsquery ORDER BY s DESC`,
        [lexemeQuery(l)],
      );
      ranked.push(r.rows.map((x) => x.s));
    }
    const boundAt = (d: number) => ranked.reduce((sum, xs) => sum + (xs[Math.min(d, xs.length) - 1] ?? 0), 0);
    const exhausted = (d: number) => ranked.some((xs) => xs.length <= d);
    let depth = Number.POSITIVE_INFINITY;
    for (let d = 1; d <= Math.max(...ranked.map((xs) => xs.length)); d = Math.ceil(d * 1.05)) {
      if (boundAt(d) * SLACK < s10 || exhausted(d)) {
        depth = d;
        break;
      }
    }
    need.push(depth);
    for (const d of DEPTHS) if (depth <= d) floorsOk.set(d, (floorsOk.get(d) ?? 0) + 1);
    ratios.push(s10 / boundAt(1000));
    if (need.length <= 5)
      console.log(
        `  ${JSON.stringify(text)} lexemes ${lexemes.join(',')} matches ${m.rows.length} s10 ${s10.toFixed(4)} ` +
          `bound@1000 ${boundAt(1000).toFixed(4)} depth needed ${depth} (lists ${ranked.map((x) => x.length).join('/')})`,
      );
  }
  need.sort((a, b) => a - b);
  console.log(
    `${name}: ${need.length} queries of 2+ lexemes; bound checked on ${checked} matching papers, ${violations} above it, ` +
      `max score/bound (2+ lexemes) ${worst.toFixed(3)}; certified within depth ${DEPTHS.map((d) => `${d}: ${floorsOk.get(d) ?? 0}`).join(', ')}; ` +
      `median depth needed ${need[Math.floor(need.length / 2)]}; ` +
      `10th score / bound at depth 1000: quartiles ${quartiles(ratios)}, max ${Math.max(...ratios).toFixed(3)}`,
  );
}

// Generated documents: 4,000, every 25th one 15,000 to 30,000 words long (mostly filler words), so that
// query words stand at positions clamped to 16383; words of titles (A), keywords (B), authors (C), abstract.
const words = (n: string, filler: string) =>
  `(SELECT string_agg(CASE WHEN ${filler} THEN 'f' || floor(random() * 3000)::int ELSE v[1 + floor(random() * g.k)::int] END, ' ')
    FROM (SELECT '{aa,bb,cc,xx,yy,zz,ww}'::text[] AS v) w, generate_series(1, ${n}) s WHERE s > 0 * g.i)`;
await client.query(
  `CREATE TEMP TABLE generated AS
   WITH g AS (SELECT i, 2 + floor(random() * 6)::int AS k, 1 + floor(random() * 8)::int AS tlen,
     CASE WHEN i % 25 = 0 THEN 15000 + floor(random() * 15000)::int ELSE 1 + floor(random() * 60)::int END AS len
     FROM generate_series(1, 4000) i)
   SELECT setweight(to_tsvector('simple', ${words('g.tlen', 'false')}), 'A')
     || setweight(to_tsvector('simple', ${words('1 + g.i % 3', 'false')}), 'B')
     || setweight(to_tsvector('simple', ${words('1 + g.i % 2', 'false')}), 'C')
     || setweight(to_tsvector('simple', ${words('g.len', 'g.len > 100 AND random() < 0.95')}), 'D') AS search
   FROM g`,
);
const generated = await client.query<Record<string, string>>(
  `WITH q(t, lex) AS (VALUES
     ('aa & bb', '{aa,bb}'::text[]), ('aa & bb & cc', '{aa,bb,cc}'), ('aa & bb & cc & xx', '{aa,bb,cc,xx}'),
     ('aa <-> bb', '{aa,bb}'), ('aa <2> bb', '{aa,bb}'), ('aa <-> bb <-> cc', '{aa,bb,cc}'),
     ('(aa <-> bb) & cc', '{aa,bb,cc}'), ('aa & bb & !xx', '{aa,bb}'), ('aa | bb', '{aa,bb}')),
   s AS (
     SELECT q.t, ts_rank_cd(${RANK_WEIGHTS}, d.search, q.t::tsquery, 1)::float8 AS score,
       (SELECT sum(ts_rank_cd(${RANK_WEIGHTS}, d.search, l::tsquery, 1)::float8) FROM unnest(q.lex) l) AS bound,
       d.search::text LIKE '%16383%' AS clamped
     FROM q, generated d WHERE d.search @@ q.t::tsquery)
   SELECT t, count(*) AS matches, sum(clamped::int) AS clamped, sum((score > bound * ${SLACK})::int) AS above,
     round(max(score / bound)::numeric, 3) AS "max score/bound"
   FROM s GROUP BY t ORDER BY t`,
);
console.log('\ngenerated documents (bound check):');
console.table(generated.rows);
await client.end();
