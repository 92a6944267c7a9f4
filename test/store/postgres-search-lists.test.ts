import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { parseSearchQuery, type SearchQuery } from '../../src/papers/search-query.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from './postgres-db.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;
const TODAY = '2025-11-12';

/**
 * A crafted archive where "diffusion" and "model" are common (every paper or most), with papers holding
 * them a different number of times, in the title or not, so their single-word scores spread out.
 */
function archive(from: number, count: number, extra = ''): Paper[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const times = (word: string, n: number) => Array.from({ length: n }, () => word).join(' and ');
    const id = `2401.${String(10000 + i)}`;
    return {
      id,
      arxivId: id,
      title: `${i % 4 === 0 ? 'Diffusion ' : ''}Study ${i}${i % 3 === 0 ? ' of a model' : ''}${extra}`,
      abstract: `We look at ${times('diffusion', 1 + (i % 7))} in case ${i}. ${i % 2 === 0 ? `A ${times('model', 1 + (i % 5))} is trained.` : 'Nothing else.'} ${i % 5 === 0 ? 'A survey.' : ''}`,
      authors: [`Author ${i % 11}`],
      authorCount: 1,
      organization: null,
      publishedAt: '2025-01-01',
      feedDate: '2025-01-01',
      upvotes: i % 13,
      comments: null,
    };
  });
}

/**
 * Asks `ask` until it says yes or `done()` does (what is awaited settled meanwhile), 20 ms apart; fails
 * clearly after 30 s rather than hang.
 */
async function until(ask: () => Promise<boolean>, done: () => boolean, what: string): Promise<void> {
  const giveUp = Date.now() + 30_000;
  while (!(await ask()) && !done()) {
    if (Date.now() > giveUp) throw new Error(`waited 30 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ids = async (store: PostgresStore, text: string, limit = 10) => {
  const r = await searchPapers(store, text, { limit, today: TODAY });
  if (!r.ok) throw new Error(r.error);
  return r.results.map((x) => x.paper.id);
};
const plan = async (store: PostgresStore, text: string) => {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return (await store.planSearch(parsed.query)).kind;
};

suite(
  available.ok
    ? 'PostgreSQL search over per-word lists'
    : `PostgreSQL search over per-word lists: skipped, ${available.ok || available.reason}`,
  () => {
    let url: string;
    let fast: PostgresStore;
    let exact: PostgresStore;

    beforeAll(async () => {
      url = await migratedDatabase();
      // Lists as small as the archive allows: anything held by more than 8 papers is ranked from lists.
      fast = await PostgresStore.open(url, { search: { exactLimit: 8, listSize: 12 } });
      exact = await PostgresStore.open(url, { search: { exactLimit: Number.POSITIVE_INFINITY } });
      await fast.upsertPapers(archive(0, 60));
    });

    afterAll(async () => {
      await fast?.close();
      await exact?.close();
      await dropThrowawayDatabases();
    });

    it('ranks a common word from its list exactly as scoring every match does, and explains it the same', async () => {
      expect(await plan(fast, 'diffusion')).toBe('lists');
      expect(await plan(exact, 'diffusion')).toBe('exact');
      const a = await searchPapers(fast, 'diffusion', { limit: 10, today: TODAY });
      const b = await searchPapers(exact, 'diffusion', { limit: 10, today: TODAY });
      if (!a.ok || !b.ok) throw new Error('search failed');
      expect(a.results.map((r) => r.paper.id)).toEqual(b.results.map((r) => r.paper.id));
      expect(a.results.map((r) => r.explain)).toEqual(b.results.map((r) => r.explain));
      expect(a.results[0]?.explain.find((p) => p.factor === 'relevance')?.value).toBeGreaterThan(0);
    });

    it('ranks a rare word exactly, without a list, and several words with one from a fifth of the limit', async () => {
      // "7": paper 7's text and the author "Author 7" (five papers), no more than exactLimit (8).
      expect(await plan(fast, '7')).toBe('exact');
      expect(await ids(fast, '7')).toEqual(await ids(exact, '7'));
      expect(await ids(fast, '7')).toContain('2401.10007');
      // With another word, matched by more than exactLimit / 5 papers at most: a list of its own.
      expect(await plan(fast, 'study 7')).toBe('query');
      expect(await ids(fast, 'study 7')).toEqual(await ids(exact, 'study 7'));
      expect(await ids(fast, 'study 7')).toContain('2401.10007');
    });

    it('ranks queries of several common words (phrases, exclusions) from their own lists, a common word with exclusions from its list, all as exact ranking does', async () => {
      expect(await plan(fast, 'diffusion model')).toBe('query');
      expect(await plan(fast, '"diffusion study"')).toBe('query');
      expect(await plan(fast, 'diffusion -survey')).toBe('lists');
      // A required stop word is dropped by PostgreSQL's query: still the same query, on the same list.
      expect(await plan(fast, 'the diffusion model')).toBe('query');
      expect(await plan(fast, 'diffusion model study')).toBe('query');
      expect(await plan(fast, 'diffusion model -survey')).toBe('query');
      const keyOf = async (text: string) => {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        const p = await fast.planSearch(parsed.query);
        return p.kind === 'query' ? p.key : null;
      };
      expect(await keyOf('the diffusion model')).toBe("'diffus' & 'model'");
      expect(await keyOf('diffusion model')).toBe("'diffus' & 'model'");
      // Required words in any order share one list (their ts_rank_cd is the same); a phrase does not.
      expect(await keyOf('model diffusion')).toBe("'diffus' & 'model'");
      expect(await keyOf('study model diffusion')).toBe("'diffus' & 'model' & 'studi'");
      expect(await keyOf('model study diffusion -survey')).toBe("'diffus' & 'model' & 'studi' & !'survey'");
      expect(await keyOf('"model diffusion"')).toBe("'model' <-> 'diffus'");
      expect(await keyOf('"study of a model"')).toBe("'studi' <3> 'model'");
      expect(await keyOf('"diffusion study" model -survey')).toBe(
        "'diffus' <-> 'studi' & 'model' & !'survey'",
      );
      // Exclusions in any order, or repeated, share a list too.
      expect(await keyOf('diffusion model -survey -case')).toBe(
        await keyOf('model diffusion -case -survey -case'),
      );
      expect(await keyOf('diffusion model -survey -case')).toBe("'diffus' & 'model' & !'case' & !'survey'");
      // One word with exclusions, or repeated in a phrase, is proven from the word's own list instead.
      expect(await keyOf('"model of model"')).toBeNull();
      expect(await keyOf('model -survey -case')).toBeNull();
      for (const text of [
        'diffusion model',
        'model diffusion',
        '"diffusion study"',
        '"study of a model"',
        'diffusion -survey',
        'model -diffusion',
        'diffusion model study',
        'study model diffusion',
        'diffusion model -survey',
        'model study diffusion -survey',
        '"diffusion study" model -survey',
        'the diffusion model',
        'diffusion model -"nothing else"',
        'diffusion model -the',
        'model models diffusion',
        'diffusion trained -survey -nothing',
      ]) {
        // The store's own ranking, ten deep: from the query's list wherever it has one, as exact ranking.
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        expect(
          (await fast.search(parsed.query, 10)).map((h) => [h.paper.id, h.relevance]),
          text,
        ).toEqual((await exact.search(parsed.query, 10)).map((h) => [h.paper.id, h.relevance]));
        // Every one of them has a list of its own but a word with an exclusion, proven from the word's list,
        // and a word less itself, which matches nothing.
        const own = !['diffusion -survey', 'model -diffusion'].includes(text);
        expect((await fast.planSearch(parsed.query)).kind === 'query', text).toBe(own);
        if (own) expect(await fast.searchWay(parsed.query, 10), text).toBe('lists');
        const got = await searchPapers(fast, text, { limit: 10, today: TODAY });
        const want = await searchPapers(exact, text, { limit: 10, today: TODAY });
        if (!got.ok || !want.ok) throw new Error('search failed');
        // Same count and the same notice: a query matched by the archive never looks unmatched.
        expect(got.results.length, text).toBe(want.results.length);
        expect(got.notice, text).toBe(want.notice);
        expect(
          got.results.map((r) => r.paper.id),
          text,
        ).toEqual(want.results.map((r) => r.paper.id));
        // Every one of them matches papers but two: every paper holds "diffusion", and the titles put a
        // number between "study" and "of a model".
        const none = ['model -diffusion', '"study of a model"'];
        expect(got.results.length > 0, text).toBe(!none.includes(text));
        for (const r of got.results) {
          const text_ = `${r.paper.title} ${r.paper.abstract}`.toLowerCase();
          if (text.includes('-survey')) expect(text_).not.toContain('survey');
          if (text === 'diffusion model')
            expect(text_).toMatch(/diffusion[\s\S]*model|model[\s\S]*diffusion/);
        }
      }
      expect(await ids(fast, 'model -diffusion')).toEqual([]);
    });

    it('answers at once that a word excluded from itself matches nothing, as exact ranking finds', async () => {
      expect(await plan(fast, 'diffusion -diffusion')).toBe('none');
      expect(await ids(fast, 'diffusion -diffusion')).toEqual([]);
      expect(await ids(exact, 'diffusion -diffusion')).toEqual([]);
      // Every word required, one excluded: nothing; then any word: the papers without the excluded one.
      expect(await ids(fast, 'diffusion model -model')).toEqual(await ids(exact, 'diffusion model -model'));
      expect((await ids(fast, 'diffusion model -model')).length).toBeGreaterThan(0);
    });

    it('keeps a list exact as papers arrive, change and outgrow it', async () => {
      await ids(fast, 'diffusion'); // the list exists
      // Papers that hold the word more than any before them, arriving after the list was built.
      const strong = archive(100, 30, ' diffusion diffusion');
      await fast.upsertPapers(strong);
      expect(await ids(fast, 'diffusion', 20)).toEqual(await ids(exact, 'diffusion', 20));
      // A paper whose text changes loses the word: it leaves the list.
      const first = (await ids(fast, 'diffusion'))[0] as string;
      const changed = strong.find((p) => p.id === first) as Paper;
      await fast.upsertPapers([{ ...changed, title: 'Study renamed', abstract: 'Nothing here any more.' }]);
      expect(await ids(fast, 'diffusion', 20)).not.toContain(first);
      expect(await ids(fast, 'diffusion', 20)).toEqual(await ids(exact, 'diffusion', 20));
      // The list was trimmed back as it grew past twice its size, and still ranks as exact ranking does.
      const raw = fast.rawPool;
      const lists = await raw.query<{ listed: number; n: number }>(
        `SELECT l.listed, (SELECT COUNT(*)::int FROM term_tops t WHERE t.lexeme = l.lexeme) AS n
         FROM term_lists l WHERE l.lexeme = 'diffus'`,
      );
      expect(lists.rows[0]?.listed).toBe(lists.rows[0]?.n);
      expect(lists.rows[0]?.listed).toBeLessThanOrEqual(2 * 12 + 5);
    });

    it("keeps a query's list exact as papers arrive, change and outgrow it, and answers from it at every depth", async () => {
      // Deeper than the list holds (20, past a trimmed list of 12), the search ranks every match instead.
      const listed = async (text: string, limit: number, way: 'lists' | 'exact' = 'lists') => {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        const [got, want] = await Promise.all([
          fast.search(parsed.query, limit),
          exact.search(parsed.query, limit),
        ]);
        expect(await fast.searchWay(parsed.query, limit), text).toBe(way);
        // The same papers, in the same order, with the same relevance as scoring every match.
        expect(
          got.map((h) => [h.paper.id, h.relevance]),
          `${text} ${limit}`,
        ).toEqual(want.map((h) => [h.paper.id, h.relevance]));
        return got.map((h) => h.paper.id);
      };
      const listOf = async (key: string) =>
        (
          await fast.rawPool.query<{ papers: number; listed: number; n: number; matches: number }>(
            `SELECT l.papers, l.listed, (SELECT COUNT(*)::int FROM term_tops t WHERE t.lexeme = l.lexeme) AS n,
               (SELECT COUNT(*)::int FROM papers WHERE search @@ l.query) AS matches
             FROM term_lists l WHERE l.lexeme = $1`,
            [key],
          )
        ).rows[0];
      for (const limit of [1, 5, 12]) await listed('model diffusion', limit);
      await listed('"diffusion study"', 5);
      await listed('study model diffusion -survey', 5);
      const three = "'diffus' & 'model' & 'studi' & !'survey'";
      for (const key of ["'diffus' & 'model'", three]) {
        const before = await listOf(key);
        expect(before, key).toBeDefined();
        expect(before?.papers, key).toBe(before?.matches);
      }
      // Papers holding the two words side by side, many times: they enter the list at its head.
      const close = archive(300, 30, ' model diffusion model diffusion');
      await fast.upsertPapers(close);
      const head = await listed('model diffusion', 10);
      expect(head.some((id) => close.some((p) => p.id === id))).toBe(true);
      // Those of them without the excluded word lead the three words' list too; none with it enters.
      const threeHead = await listed('study model diffusion -survey', 10);
      expect(threeHead.some((id) => close.some((p) => p.id === id))).toBe(true);
      expect((await listOf(three))?.papers).toBe((await listOf(three))?.matches);
      // A listed paper loses the words: it leaves the list, and the count follows.
      const first = head[0] as string;
      const changed = close.find((p) => p.id === first) as Paper;
      await fast.upsertPapers([{ ...changed, title: 'Study renamed', abstract: 'Nothing here any more.' }]);
      expect(await listed('model diffusion', 20, 'exact')).not.toContain(first);
      const after = await listOf("'diffus' & 'model'");
      expect(after?.papers).toBe(after?.matches);
      // The list grew past twice its size and was trimmed back, its count of entries true.
      expect(after?.listed).toBe(after?.n);
      expect(after?.listed).toBeLessThanOrEqual(2 * 12 + 5);
      for (const limit of [1, 5, 10]) await listed('model diffusion', limit);
      const threeAfter = await listOf(three);
      expect(threeAfter?.papers).toBe(threeAfter?.matches);
      expect(threeAfter?.listed).toBe(threeAfter?.n);
      await listed('diffusion study model -survey', 10);
    });

    it('answers a query that few papers match from its list, every match of it', async () => {
      await fast.upsertPapers([
        { ...archive(400, 1)[0], title: 'Only diffusion survey', abstract: 'A diffusion survey.' } as Paper,
      ]);
      const parsed = parseSearchQuery('"diffusion survey"');
      if (!parsed.ok) throw new Error(parsed.error);
      expect((await fast.planSearch(parsed.query)).kind).toBe('query');
      const got = await fast.search(parsed.query, 10);
      expect(await fast.searchWay(parsed.query, 10)).toBe('lists');
      expect(got.map((h) => h.paper.id)).toEqual(
        (await exact.search(parsed.query, 10)).map((h) => h.paper.id),
      );
      expect(got.map((h) => h.paper.id)).toEqual(['2401.10400']);
    });

    it("drops a query's list no search has read for 90 days at the next ingest, and builds it again when searched", async () => {
      const key = "'diffus' & 'model'";
      const parsed = parseSearchQuery('diffusion model');
      if (!parsed.ok) throw new Error(parsed.error);
      await fast.search(parsed.query, 10); // the list exists, searched today
      const raw = fast.rawPool;
      const state = async () =>
        (
          await raw.query<{ idle: number | null; tops: number }>(
            `SELECT (SELECT CURRENT_DATE - used_on FROM term_lists WHERE lexeme = $1) AS idle,
               (SELECT COUNT(*)::int FROM term_tops WHERE lexeme = $1) AS tops`,
            [key],
          )
        ).rows[0];
      expect(await state()).toMatchObject({ idle: 0 });
      // Searched again on a later day: the day is brought forward.
      await raw.query('UPDATE term_lists SET used_on = CURRENT_DATE - 5 WHERE lexeme = $1', [key]);
      await fast.search(parsed.query, 10);
      expect((await state())?.idle).toBe(0);
      // 89 days unread: kept through an ingest. 91: dropped by it, entries and all.
      await raw.query('UPDATE term_lists SET used_on = CURRENT_DATE - 89 WHERE lexeme = $1', [key]);
      await fast.upsertPapers(archive(500, 1));
      expect((await state())?.idle).toBe(89);
      await raw.query('UPDATE term_lists SET used_on = CURRENT_DATE - 91 WHERE lexeme = $1', [key]);
      await fast.upsertPapers(archive(501, 1));
      expect(await state()).toEqual({ idle: null, tops: 0 });
      // The next search builds it again, and answers from it as exact ranking does.
      const got = await fast.search(parsed.query, 10);
      expect(await fast.searchWay(parsed.query, 10)).toBe('lists');
      expect(got.map((h) => [h.paper.id, h.relevance])).toEqual(
        (await exact.search(parsed.query, 10)).map((h) => [h.paper.id, h.relevance]),
      );
      expect((await state())?.idle).toBe(0);
    });

    it('loads papers in bulk, skipping known ones, and lists them like ingest does', async () => {
      const more = archive(200, 10, ' diffusion diffusion diffusion model diffusion model');
      expect(await fast.bulkInsert([...more, ...archive(0, 3)])).toBe(10);
      expect(await ids(fast, 'diffusion', 20)).toEqual(await ids(exact, 'diffusion', 20));
      // The query's list too: the loaded papers, which hold the two words side by side, lead it.
      const parsed = parseSearchQuery('diffusion model');
      if (!parsed.ok) throw new Error(parsed.error);
      const got = await fast.search(parsed.query, 10);
      expect(await fast.searchWay(parsed.query, 10)).toBe('lists');
      expect(got.map((h) => [h.paper.id, h.relevance])).toEqual(
        (await exact.search(parsed.query, 10)).map((h) => [h.paper.id, h.relevance]),
      );
      expect(got.some((h) => more.some((p) => p.id === h.paper.id))).toBe(true);
    });

    it("ranks a query with an abbreviation's other form from its own list, and keeps it exact as papers of either form arrive", async () => {
      // `dm study`, with "dm" expanded to its long form, as the search's abbreviations do: no word is held by
      // every match, so the list is led by one word of each form.
      const query: SearchQuery = {
        must: [['dm'], ['study']],
        alternatives: [[['diffusion', 'model']], []],
        exclude: [],
        mode: 'all',
        notice: null,
      };
      const same = async (limit: number) => {
        const got = await fast.search(query, limit);
        expect(got.map((h) => [h.paper.id, h.relevance])).toEqual(
          (await exact.search(query, limit)).map((h) => [h.paper.id, h.relevance]),
        );
        expect(await fast.searchWay(query, limit)).toBe('lists');
        return got.map((h) => h.paper.id);
      };
      expect((await fast.planSearch(query)).kind).toBe('query');
      await same(10);
      const leads = await fast.rawPool.query<{ lead: string }>(
        "SELECT lead FROM term_list_leads WHERE list LIKE '%''dm''%' ORDER BY lead",
      );
      expect(leads.rows.map((r) => r.lead)).toEqual(['dm', 'model']);
      // Papers holding only the short form, then only the long one, each better than any before: both
      // reach the list's head.
      // (The last holds both forms: it is counted once.)
      const short = archive(700, 5).map((p, i) => ({
        ...p,
        title: `DM study ${p.id}`,
        abstract: i === 4 ? 'DM DM study, a diffusion model.' : 'DM DM study.',
      }));
      await fast.upsertPapers(short);
      expect((await same(10)).some((id) => short.some((p) => p.id === id))).toBe(true);
      const long = archive(710, 5, ' diffusion model study diffusion model');
      await fast.upsertPapers(long);
      const head = await same(10);
      expect(head.some((id) => long.some((p) => p.id === id))).toBe(true);
      expect(head.some((id) => short.some((p) => p.id === id))).toBe(true);
      const count = await fast.rawPool.query<{ papers: number; matches: number }>(
        `SELECT l.papers, (SELECT COUNT(*)::int FROM papers WHERE search @@ l.query) AS matches
         FROM term_lists l JOIN term_list_leads ll ON ll.list = l.lexeme AND ll.lead = 'dm'`,
      );
      expect(count.rows[0]?.papers).toBe(count.rows[0]?.matches);
    });

    it('keeps at most `queryLists` query lists, dropping the least recently searched to build another', async () => {
      const few = await PostgresStore.open(url, { search: { exactLimit: 8, listSize: 12, queryLists: 2 } });
      try {
        const raw = few.rawPool;
        await raw.query(
          'DELETE FROM term_tops WHERE lexeme IN (SELECT lexeme FROM term_lists WHERE query IS NOT NULL)',
        );
        await raw.query('DELETE FROM term_lists WHERE query IS NOT NULL');
        const run = async (text: string) => {
          const parsed = parseSearchQuery(text);
          if (!parsed.ok) throw new Error(parsed.error);
          const got = await few.search(parsed.query, 10);
          expect(
            got.map((h) => [h.paper.id, h.relevance]),
            text,
          ).toEqual((await exact.search(parsed.query, 10)).map((h) => [h.paper.id, h.relevance]));
        };
        const kept = async () =>
          (
            await raw.query<{ lexeme: string; tops: number }>(
              `SELECT l.lexeme, (SELECT COUNT(*)::int FROM term_tops t WHERE t.lexeme = l.lexeme) AS tops
               FROM term_lists l WHERE l.query IS NOT NULL ORDER BY l.lexeme`,
            )
          ).rows;
        await run('diffusion model');
        await run('diffusion study');
        await raw.query(
          `UPDATE term_lists SET used_on = CURRENT_DATE - 3, used_at = now() - interval '3 days' WHERE lexeme = $1`,
          ["'diffus' & 'model'"],
        );
        await run('model study');
        // The list last searched three days ago made room, entries and all; the other two stand.
        expect((await kept()).map((k) => k.lexeme)).toEqual(["'diffus' & 'studi'", "'model' & 'studi'"]);
        expect((await kept()).every((k) => k.tops > 0)).toBe(true);
        expect(
          (
            await raw.query(`SELECT COUNT(*)::int AS n FROM term_tops WHERE lexeme = $1`, [
              "'diffus' & 'model'",
            ])
          ).rows[0]?.n,
        ).toBe(0);
        // A list last searched two hours ago is searched again: that brings it forward.
        await raw.query(`UPDATE term_lists SET used_at = now() - interval '2 hours' WHERE lexeme = $1`, [
          "'model' & 'studi'",
        ]);
        await run('model study');
        // Searched again, the dropped list is built again, answering as exact ranking does; the list
        // least recently searched (to the hour: built before the other was searched again) makes room.
        await run('diffusion model');
        expect((await kept()).map((k) => k.lexeme)).toEqual(["'diffus' & 'model'", "'model' & 'studi'"]);
        // With no query lists at all, several words are ranked exactly, whatever their matches number.
        const none = await PostgresStore.open(url, {
          search: { exactLimit: 8, listSize: 12, queryLists: 0 },
        });
        try {
          for (const text of ['study 7', 'diffusion model', '"diffusion study" -survey']) {
            const parsed = parseSearchQuery(text);
            if (!parsed.ok) throw new Error(parsed.error);
            expect((await none.planSearch(parsed.query)).kind, text).toBe('exact');
            expect(
              (await none.search(parsed.query, 10)).map((h) => h.paper.id),
              text,
            ).toEqual((await exact.search(parsed.query, 10)).map((h) => h.paper.id));
          }
        } finally {
          await none.close();
        }
      } finally {
        await few.close();
      }
    });

    it('lets counting a word and building a list wait and take longer than a statement may, and an ingest wait for a build', async () => {
      // Statements may take 300 ms here; counting and building, and an ingest's wait for them, 3 s.
      const slow = await PostgresStore.open(url, {
        statementTimeoutMs: 300,
        search: { exactLimit: 8, listSize: 12, buildTimeoutMs: 3_000 },
      });
      const locker = await fast.rawPool.connect();
      // Until a statement of ours has waited on a lock (`kind`) for more than twice the statement limit,
      // or `done` settled meanwhile. Asked outside the locking transaction, whose view of
      // pg_stat_activity stays as it first read it.
      const waitedLong = (kind: 'relation' | 'advisory', done: () => boolean) =>
        until(
          async () =>
            (
              await fast.rawPool.query(
                `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                   AND wait_event = $1 AND state = 'active' AND clock_timestamp() - query_start > interval '700 ms'`,
                [kind],
              )
            ).rows.length > 0,
          done,
          `a wait on a lock (${kind}) past 700 ms`,
        );
      const watch = <T>(promise: Promise<T>) => {
        const state = { settled: false, promise };
        promise.then(
          () => (state.settled = true),
          () => (state.settled = true),
        );
        return state;
      };
      const query = (text: string) => {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        return parsed.query;
      };
      const sameAsExact = async (text: string) => {
        const got = await slow.search(query(text), 10);
        expect(
          got.map((h) => [h.paper.id, h.relevance]),
          text,
        ).toEqual((await exact.search(query(text), 10)).map((h) => [h.paper.id, h.relevance]));
        expect(got.length, text).toBeGreaterThan(0);
        expect(await slow.searchWay(query(text), 10), text).toBe('lists');
      };
      try {
        // 1. Another transaction holds the words' counts, as a long ingest would: counting a new word waits.
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE term_lists IN EXCLUSIVE MODE');
        const counting = watch(slow.search(query('trained model case'), 10));
        await waitedLong('relation', () => counting.settled);
        await locker.query('COMMIT');
        await counting.promise;
        await sameAsExact('trained model case');

        // 2. It holds the lists' entries: a new query's build waits, holding the ingest lock, and an ingest
        // waits for the build. Both finish once the entries are free.
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE term_tops IN EXCLUSIVE MODE');
        const building = watch(slow.search(query('case trained diffusion'), 10));
        await waitedLong('relation', () => building.settled);
        const ingest = watch(slow.upsertPapers(archive(600, 1)));
        await waitedLong('advisory', () => ingest.settled || building.settled);
        await locker.query('COMMIT');
        await building.promise;
        expect((await ingest.promise).inserted).toBe(1);
        await sameAsExact('case trained diffusion');
      } finally {
        await locker.query('ROLLBACK').catch(() => {});
        locker.release();
        await slow.close();
      }
    });

    it('builds two lists side by side, and one list once when two searches need it at once', async () => {
      const other = await PostgresStore.open(url, {
        search: { exactLimit: 8, listSize: 12, buildTimeoutMs: 30_000 },
      });
      const blocker = await fast.rawPool.connect();
      const query = (text: string) => {
        const parsed = parseSearchQuery(text);
        if (!parsed.ok) throw new Error(parsed.error);
        return parsed.query;
      };
      try {
        // An uncommitted row under the first list's key: its build waits at its last statement, holding
        // the ingest lock as every build does, until that row is rolled back.
        await blocker.query('BEGIN');
        await blocker.query("INSERT INTO term_lists (lexeme, papers, floor) VALUES ($1, 0, 'Infinity')", [
          "'els' & 'noth' & 'studi'",
        ]);
        let firstDone = false;
        const first = other.search(query('study nothing else'), 10).finally(() => {
          firstDone = true;
        });
        first.catch(() => {}); // awaited below
        await until(
          async () =>
            (
              await fast.rawPool.query(
                `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                   AND wait_event = 'transactionid' AND state = 'active'`,
              )
            ).rows.length > 0,
          () => firstDone,
          'the first build to wait for the uncommitted row',
        );
        // Meanwhile another query's list is built, and searched, while the first is still waiting.
        const second = await other.search(query('case trained study'), 10);
        expect(firstDone).toBe(false);
        expect(second.map((h) => [h.paper.id, h.relevance])).toEqual(
          (await exact.search(query('case trained study'), 10)).map((h) => [h.paper.id, h.relevance]),
        );
        expect(await other.searchWay(query('case trained study'), 10)).toBe('lists');
        await blocker.query('ROLLBACK');
        const got = await first;
        expect(got.map((h) => [h.paper.id, h.relevance])).toEqual(
          (await exact.search(query('study nothing else'), 10)).map((h) => [h.paper.id, h.relevance]),
        );
        expect(await other.searchWay(query('study nothing else'), 10)).toBe('lists');

        // Two searches of one new query at once: the second waits for the first's build, then reads it.
        const key = "'case' & 'els' & 'noth'";
        await blocker.query('BEGIN');
        await blocker.query("INSERT INTO term_lists (lexeme, papers, floor) VALUES ($1, 0, 'Infinity')", [
          key,
        ]);
        const twice = [
          other.search(query('case nothing else'), 10),
          other.search(query('else nothing case'), 10),
        ];
        for (const p of twice) p.catch(() => {}); // awaited below
        let settled = 0;
        for (const p of twice) p.finally(() => settled++).catch(() => {});
        await until(
          async () =>
            ((
              await fast.rawPool.query<{ n: number }>(
                `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
                   AND wait_event_type = 'Lock' AND state = 'active'`,
              )
            ).rows[0]?.n ?? 0) >= 2,
          () => settled > 0,
          'both searches to wait',
        );
        await blocker.query('ROLLBACK');
        const [a, b] = await Promise.all(twice);
        const want = (await exact.search(query('case nothing else'), 10)).map((h) => [
          h.paper.id,
          h.relevance,
        ]);
        expect(a?.map((h) => [h.paper.id, h.relevance])).toEqual(want);
        expect(b?.map((h) => [h.paper.id, h.relevance])).toEqual(want);
        // Built once: the list holds each paper once, as many as its row counts.
        const built = await fast.rawPool.query<{ listed: number; n: number; distinct: number }>(
          `SELECT l.listed, (SELECT COUNT(*)::int FROM term_tops t WHERE t.lexeme = l.lexeme) AS n,
             (SELECT COUNT(DISTINCT rowid)::int FROM term_tops t WHERE t.lexeme = l.lexeme) AS distinct
           FROM term_lists l WHERE l.lexeme = $1`,
          [key],
        );
        expect(built.rows[0]?.n).toBeGreaterThan(0);
        expect(built.rows[0]?.n).toBe(built.rows[0]?.listed);
        expect(built.rows[0]?.n).toBe(built.rows[0]?.distinct);
      } finally {
        await blocker.query('ROLLBACK').catch(() => {});
        blocker.release();
        await other.close();
      }
    });

    it('refuses search settings that make no sense, with a clear error', async () => {
      await expect(PostgresStore.open(url, { search: { listSize: 0 } })).rejects.toThrow(/listSize/);
      await expect(PostgresStore.open(url, { search: { queryLists: 1.5 } })).rejects.toThrow(/queryLists/);
      for (const buildTimeoutMs of [0, 1.5, Number.POSITIVE_INFINITY, 2 ** 31])
        await expect(PostgresStore.open(url, { search: { buildTimeoutMs } })).rejects.toThrow(
          /buildTimeoutMs/,
        );
      // With no statement limit (0, PostgreSQL's "none"), builds get the longest limit rather than none.
      await (await PostgresStore.open(url, { statementTimeoutMs: 0 })).close();
    });
  },
);
