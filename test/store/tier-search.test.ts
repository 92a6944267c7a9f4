import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticPapers } from '../../bench/synthetic.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';

const TODAY = '2026-01-15';

/** A crafted archive: recombined real abstracts, plus papers whose titles hold the searched words. */
function archive(): Paper[] {
  const base = syntheticPapers(1500, 3);
  return base.map((p, i) =>
    i % 7 === 0
      ? { ...p, title: `Diffusion language models ${i % 3 === 0 ? 'for video' : 'at scale'}: ${p.title}` }
      : p,
  );
}

const top = async (store: SqliteStore, text: string, limit = 10) => {
  const r = await searchPapers(store, text, { limit, today: TODAY });
  if (!r.ok) throw new Error(r.error);
  return r.results;
};

describe('search fast path (title tier)', () => {
  let dir: string;
  let exact: SqliteStore;
  let tiered: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-tier-'));
    const path = join(dir, 'a.db');
    exact = SqliteStore.open(path, { tier: { minMatches: Number.POSITIVE_INFINITY, perCombo: 0 } });
    await exact.upsertPapers(archive());
    // Forced: every query takes the tier, which reads all of it, so it must find what exact ranking finds.
    tiered = SqliteStore.open(path, { tier: { minMatches: 1, perCombo: 100_000 } });
  });

  afterEach(async () => {
    await exact.close();
    await tiered.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    'diffusion',
    'diffusion video',
    'diffusion language video',
    '"diffusion language"',
    'diffusion -video',
  ])('%s: the tier ranks the same papers first as the exact ranking', async (text) => {
    const a = (await top(exact, text)).map((r) => r.paper.id);
    const b = (await top(tiered, text)).map((r) => r.paper.id);
    expect(a.length).toBe(10);
    expect(b.slice(0, 5)).toEqual(a.slice(0, 5));
    expect(b.filter((id) => a.includes(id)).length).toBeGreaterThanOrEqual(9);
  });

  it('keeps every result explainable and honours excluded words', async () => {
    const results = await top(tiered, 'diffusion -video');
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(`${r.paper.title} ${r.paper.abstract}`.toLowerCase()).toContain('diffusion');
      expect(`${r.paper.title} ${r.paper.abstract}`.toLowerCase()).not.toMatch(/\bvideos?\b/);
      expect(r.explain.map((e) => e.factor)).toEqual([
        'title',
        'text',
        'relevance',
        'popularity',
        'freshness',
      ]);
    }
  });

  it('finds a paper ingested later, and follows a changed title', async () => {
    const [p] = syntheticPapers(1, 99);
    if (!p) throw new Error('no paper');
    const fresh = {
      ...p,
      id: '2601.99999',
      arxivId: '2601.99999',
      title: 'Zyxquantum diffusion',
      upvotes: 5000,
    };
    await tiered.upsertPapers([fresh]);
    expect((await top(tiered, 'zyxquantum diffusion'))[0]?.paper.id).toBe('2601.99999');
    await tiered.upsertPapers([{ ...fresh, title: 'Qwvortex diffusion' }]);
    expect((await top(tiered, 'qwvortex diffusion'))[0]?.paper.id).toBe('2601.99999');
    const forced = SqliteStore.open(join(dir, 'a.db'), { tier: { minMatches: 1, perCombo: 5 } });
    try {
      // A small tier read still finds the one paper with both words in its title.
      expect((await top(forced, 'qwvortex diffusion'))[0]?.paper.id).toBe('2601.99999');
    } finally {
      await forced.close();
    }
  });
});
