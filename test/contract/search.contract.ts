import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseHfJson } from '../../src/feed/hf-json.ts';
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
}
