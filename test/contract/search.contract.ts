import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { parseSearchQuery, type SearchQuery } from '../../src/papers/search-query.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { paper } from './store.contract.ts';

function q(text: string): SearchQuery {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

/** The real 2026-shape item: organization MHUGLab, five authors, nine ai_keywords, arXiv 2602.23229. */
function fixturePaper() {
  const text = readFileSync(new URL('../fixtures/hf-daily-papers-2026-03-06.json', import.meta.url), 'utf8');
  const [p] = parseHfJson(text).papers;
  if (!p) throw new Error('fixture holds no paper');
  return p;
}

/**
 * Search over everything a paper shows (organization, authors, keywords, arXiv id), run by the store
 * contract on every store. `current` returns the store of the running test.
 */
export function searchFieldsContract(current: () => PaperStore): void {
  describe('search over every field a paper shows', () => {
    beforeEach(async () => {
      await current().upsertPapers([
        fixturePaper(),
        // A distractor that shares the topic words but none of the fields searched for below.
        paper({
          arxivId: '2602.00001',
          title: 'Zero-shot classification with vision-language models',
          abstract: 'Contrastive models classify images zero-shot, without context.',
          authors: ['Ada Lovelace'],
        }),
      ]);
    });

    const ids = async (text: string) => (await current().search(q(text), 10)).map((h) => h.paper.id);

    it.each([
      ['the organization handle', 'MHUGLab'],
      ['words of the organization name', 'human understanding group'],
      ['an author surname', 'Garosi'],
      ['an ai_keyword phrase found nowhere else', '"context refinement"'],
      ['the arXiv id typed as words', '2602.23229'],
    ])('%s finds the paper: %s', async (_what, text) => {
      expect(await ids(text)).toEqual(['2602.23229']);
    });

    it('OR finds a paper holding either side, beside exclusions; AND changes nothing', async () => {
      expect((await ids('MHUGLab OR Lovelace')).sort()).toEqual(['2602.00001', '2602.23229']);
      expect(await ids('classification OR MHUGLab -Lovelace')).toEqual(['2602.23229']);
      expect(await ids('Lovelace AND classification')).toEqual(['2602.00001']);
      // In lower case they are words: no paper holds "or" beside both.
      expect(await ids('MHUGLab or Lovelace')).toEqual([]);
    });

    it('an organization learned later is searchable, and one replaced is no longer', async () => {
      const store = current();
      await store.upsertPapers([
        paper({
          arxivId: '2602.00001',
          title: 'Zero-shot classification with vision-language models',
          abstract: 'Contrastive models classify images zero-shot, without context.',
          authors: ['Ada Lovelace'],
          organization: { id: 'analytical-engines', name: 'Analytical Engines Lab' },
        }),
      ]);
      expect(await ids('analytical engines')).toEqual(['2602.00001']);
      await store.upsertPapers([
        paper({
          arxivId: '2602.00001',
          title: 'Zero-shot classification with vision-language models',
          abstract: 'Contrastive models classify images zero-shot, without context.',
          authors: ['Ada Lovelace'],
          organization: { id: 'difference-engines', name: 'Difference Engines Lab' },
        }),
      ]);
      expect(await ids('analytical engines')).toEqual([]);
      expect(await ids('difference engines')).toEqual(['2602.00001']);
    });
  });

  describe('abbreviations learned from the archive', () => {
    // Two papers define LLM, one only spells the long form out, one only uses the short form; RL has a
    // one-paper meaning besides the common one.
    const papers = [
      paper({
        arxivId: '2501.00001',
        title: 'Scaling laws for reasoning',
        abstract: 'We show that large language models (LLMs) can reason when trained longer.',
      }),
      paper({
        arxivId: '2501.00002',
        title: 'Editing facts',
        abstract: 'Large Language Models (LLMs) store facts we can edit.',
      }),
      paper({
        arxivId: '2501.00003',
        title: 'Tokenizers matter',
        abstract: 'A large language model reads tokens; we study how tokenizers change it.',
      }),
      paper({
        arxivId: '2501.00004',
        title: 'Quantizing an LLM to 2 bits',
        abstract: 'We quantize weights without retraining.',
      }),
      paper({
        arxivId: '2501.00005',
        title: 'Reward shaping',
        abstract: 'Reinforcement learning (RL) agents need dense rewards.',
      }),
      paper({
        arxivId: '2501.00006',
        title: 'Exploration bonuses',
        abstract: 'In reinforcement learning (RL), exploration is hard.',
      }),
      paper({
        arxivId: '2501.00007',
        title: 'Features without labels',
        abstract: 'Representation learning (RL) finds features without labels.',
      }),
    ];
    beforeEach(async () => {
      await current().upsertPapers(papers);
    });
    const search = async (text: string) => {
      const r = await searchPapers(current(), text, { limit: 10, today: '2026-01-05' });
      if (!r.ok) throw new Error(r.error);
      return { ids: r.results.map((x) => x.paper.id).sort(), expansions: r.expansions, results: r.results };
    };

    it('counts each pair once per paper that defines it, and keeps the count on re-ingest', async () => {
      await current().upsertPapers(papers);
      const counts = await current().abbreviations(['llm', 'rl'], [], 1);
      const byPair = Object.fromEntries(counts.map((c) => [`${c.short}=${c.longKey}`, c.papers]));
      expect(byPair).toEqual({
        'llm=larg languag model': 2,
        'rl=reinforc learn': 2,
        'rl=represent learn': 1,
      });
      expect((await current().abbreviations(['rl'], [], 2)).map((c) => c.long)).toEqual([
        'reinforcement learning',
      ]);
      expect(await current().abbreviations(['rl'], ['larg languag model'], 3)).toEqual([]);
      expect((await current().abbreviations([], ['larg languag model'], 2))[0]).toMatchObject({
        short: 'llm',
        papers: 2,
      });
    });

    it('re-learns a paper whose abstract changed', async () => {
      await current().upsertPapers([{ ...papers[1]!, abstract: 'Knowledge editing changes stored facts.' }]);
      expect((await current().abbreviations(['llm'], [], 1))[0]?.papers).toBe(1);
    });

    it('LLM also finds papers that only spell out "large language model", and says so', async () => {
      const r = await search('LLM');
      expect(r.ids).toEqual(['2501.00001', '2501.00002', '2501.00003', '2501.00004']);
      expect(r.expansions).toEqual(['llm → "large language models"']);
      const tokenizers = r.results.find((x) => x.paper.id === '2501.00003');
      expect(tokenizers?.explain.find((e) => e.factor === 'text')?.detail).toMatch(
        /^"llm" as "large language models" in abstract/,
      );
    });

    it('typed "large language model" (words or quoted) also finds papers that only say LLM', async () => {
      for (const text of ['large language model', '"large language models"', 'Large Language Models']) {
        const r = await search(text);
        expect(r.ids).toEqual(['2501.00001', '2501.00002', '2501.00003', '2501.00004']);
        expect(r.expansions).toHaveLength(1);
      }
    });

    it('RL expands to its common meaning only: a pair one paper defines is not used', async () => {
      const r = await search('RL exploration');
      expect(r.expansions).toEqual(['rl → "reinforcement learning"']);
      expect(r.ids).toEqual(['2501.00006']);
      expect((await search('representation learning')).expansions).toEqual([]);
    });
  });

  describe('misspelt words', () => {
    beforeEach(async () => {
      await current().upsertPapers([
        paper({
          arxivId: '2502.00001',
          title: 'Machine Unlearning for Diffusion Models',
          abstract: 'We remove concepts.',
        }),
        paper({ arxivId: '2502.00002', title: 'Unlearning at scale', abstract: 'Forgetting data.' }),
        paper({ arxivId: '2502.00003', title: 'Robust Watermarking', abstract: 'Marks survive edits.' }),
      ]);
    });
    const search = async (text: string) => {
      const r = await searchPapers(current(), text, { limit: 10, today: '2026-01-05' });
      if (!r.ok) throw new Error(r.error);
      return r;
    };

    it('keeps a vocabulary of title words with the papers that hold them', async () => {
      const words = await current().vocabulary('u', 8, 12);
      expect(words).toEqual([{ word: 'unlearning', papers: 2 }]);
    });

    it('gives the words starting with exactly the letter asked, whatever its script or width', async () => {
      await current().upsertPapers([
        paper({ arxivId: '2502.00004', title: 'Φύση και χρόνος: 𐌰𐌹𐌽𐍃 zebra zeal yard' }),
        paper({ arxivId: '2502.00005', title: 'Zebra yardsticks' }),
      ]);
      const words = async (first: string, min: number, max: number) =>
        (await current().vocabulary(first, min, max)).sort((a, b) => (a.word < b.word ? -1 : 1));
      expect(await words('φ', 4, 4)).toEqual([{ word: 'φυση', papers: 1 }]);
      expect(await words('χ', 4, 8)).toEqual([{ word: 'χρονος', papers: 1 }]);
      expect(await words('ψ', 1, 20)).toEqual([]);
      // A letter outside the Basic Multilingual Plane: one character, two UTF-16 units.
      expect(await words('𐌰', 4, 4)).toEqual([{ word: '𐌰𐌹𐌽𐍃', papers: 1 }]);
      expect(await words('z', 4, 5)).toEqual([
        { word: 'zeal', papers: 1 },
        { word: 'zebra', papers: 2 },
      ]);
      expect(await words('y', 4, 11)).toEqual([
        { word: 'yard', papers: 1 },
        { word: 'yardsticks', papers: 1 },
      ]);
      expect(await words('x', 1, 20)).toEqual([]);
    });

    it('a word no paper has finds the closest title word, and says so', async () => {
      const r = await search('unlerning');
      expect(r.results.map((x) => x.paper.id).sort()).toEqual(['2502.00001', '2502.00002']);
      expect(r.notice).toBe('No paper has "unlerning", so these are for "unlearning".');
      expect(r.expansions).toEqual(['unlerning → unlearning (spelling)']);
      expect((await search('watermaking robust')).results.map((x) => x.paper.id)).toEqual(['2502.00003']);
    });

    it('never corrects a word some paper has, nor a word far from every other', async () => {
      expect((await search('forgetting')).expansions).toEqual([]);
      expect((await search('proteins')).results).toEqual([]);
      const off = await searchPapers(current(), 'unlerning', {
        limit: 10,
        today: '2026-01-05',
        spelling: false,
      });
      expect(off.ok && off.results).toEqual([]);
    });
  });

  describe('whether anything matches, without ranking', () => {
    it('hasPapers says whether the archive holds a paper', async () => {
      expect(await current().hasPapers()).toBe(false);
      await current().upsertPapers([paper({ arxivId: '2504.00001', title: 'Unlearning at scale' })]);
      expect(await current().hasPapers()).toBe(true);
    });

    it('hasMatch says what search(query, 1) finding a paper says, for every kind of query', async () => {
      expect(await current().hasMatch(q('unlearning'))).toBe(false);
      await current().upsertPapers([
        paper({
          arxivId: '2504.00001',
          title: 'Machine Unlearning for Diffusion Models',
          abstract: 'We remove concepts from large language models.',
          authors: ['Ada Lovelace'],
        }),
        paper({ arxivId: '2504.00002', title: 'Unlearning at scale', abstract: 'Forgetting data.' }),
        paper({ arxivId: '2504.00003', title: 'Robust Watermarking', abstract: 'Marks survive edits.' }),
      ]);
      const queries: SearchQuery[] = [
        ...[
          'unlearning',
          'unlerning',
          'Unlearning',
          'unlearn',
          '"machine unlearning"',
          '"unlearning machine"',
          'unlearning -diffusion',
          'unlearning -watermarking',
          'watermarking robust',
          'watermarking unlearning',
          'lovelace',
          '2504.00003',
          'the',
        ].map(q),
        { ...q('watermarking unlearning'), mode: 'any' },
        { ...q('watermarking qwzxv'), mode: 'any' },
        { ...q('llm'), alternatives: [[['large', 'language', 'models']]] },
        { ...q('unlerning'), alternatives: [[['unlearning']]] },
      ];
      for (const query of queries) {
        const found = (await current().search(query, 1)).length > 0;
        expect([JSON.stringify(query), await current().hasMatch(query)]).toEqual([
          JSON.stringify(query),
          found,
        ]);
      }
      // Both answers occur: the comparison above is not all one way.
      expect(await current().hasMatch(q('watermarking robust'))).toBe(true);
      expect(await current().hasMatch(q('watermarking unlearning'))).toBe(false);
    });
  });
}
