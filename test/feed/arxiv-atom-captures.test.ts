import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../src/feed/arxiv-atom.ts';
import { parseFeed } from '../../src/feed/detect.ts';
import { FeedFormatError } from '../../src/papers/paper.ts';

/*
 * Real arXiv API answers (test/fixtures/PROVENANCE.md): a 2016 search of ten entries in the older layout
 * (xmlns on every element, hard-wrapped titles, old-style ids), and 2026 answers to `id_list=` queries in
 * the current layout (https links, no repeated xmlns): old-style ids with and without a version, a title
 * that is a number, an unknown id's error entry and an empty result.
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseArxivAtom on a 2016 search answer of ten entries', () => {
  const { papers, skipped } = parseArxivAtom(fixture('arxiv-api-2016-search-del-maestro.xml'));

  it('reads every entry, new- and old-style ids without their version', () => {
    expect(skipped).toEqual([]);
    expect(papers.map((p) => p.arxivId)).toEqual([
      '1201.4869',
      'cond-mat/0412498',
      'cond-mat/0603029',
      '1005.5383',
      '1303.6954',
      '1312.6177',
      '1412.6529',
      'cond-mat/0607501',
      'cond-mat/0702661',
      '0807.2873',
    ]);
  });

  it('unwraps a hard-wrapped title and keeps each paper’s own authors and day', () => {
    const p = papers[2];
    expect(p?.title).toBe(
      'From stripe to checkerboard order on the square lattice in the presence of quenched disorder',
    );
    expect(p?.publishedAt).toBe('2006-03-02');
    expect(p?.abstract).toMatch(
      /^We discuss the effects of quenched disorder on a model of charge density wave \(CDW\) ordering/,
    );
    expect(papers.reduce((n, q) => n + q.authors.length, 0)).toBe(24);
  });
});

describe('parseArxivAtom on 2026 answers to id_list queries', () => {
  it('reads an old-style id (astro-ph/0601001) with its four authors and its date', () => {
    const { papers } = parseArxivAtom(fixture('arxiv-api-2026-astro-ph-0601001.xml'));
    expect(papers).toHaveLength(1);
    expect(papers[0]).toMatchObject({
      id: 'astro-ph/0601001',
      arxivId: 'astro-ph/0601001',
      authors: ['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski'],
      authorCount: 4,
      publishedAt: '2006-01-02',
    });
    // `&amp;` and `&lt;` in the summary are the characters they stand for.
    expect(papers[0]?.abstract).toContain('Gould & Morgan (2003)');
    expect(papers[0]?.abstract).toContain('V_max<17.5');
  });

  it('drops the version of a versioned old-style id (quant-ph/0201082v1)', () => {
    const { papers } = parseArxivAtom(fixture('arxiv-api-2026-quant-ph-0201082v1.xml'));
    expect(papers.map((p) => [p.arxivId, p.authors])).toEqual([['quant-ph/0201082', ['Stephen Blaha']]]);
  });

  it('keeps a title that is a number as the text it is ("0")', () => {
    const { papers } = parseArxivAtom(fixture('arxiv-api-2026-2104.12255v1.xml'));
    expect(papers.map((p) => [p.arxivId, p.title])).toEqual([['2104.12255', '0']]);
  });

  it('refuses the error entry an unknown id gets, with arXiv’s message', () => {
    expect(() => parseArxivAtom(fixture('arxiv-api-2026-error-abc.xml'))).toThrow(
      new FeedFormatError('arXiv API error: incorrect id format for abc'),
    );
  });

  it('reads an answer with no entries as no papers, and each answer is detected as Atom', () => {
    expect(parseArxivAtom(fixture('arxiv-api-2026-empty.xml'))).toEqual({ papers: [], skipped: [] });
    for (const name of ['arxiv-api-2026-empty.xml', 'arxiv-api-2026-astro-ph-0601001.xml']) {
      expect(parseFeed(fixture(name), undefined, { asOf: '2026-12-05' }).format).toBe('arxiv-atom');
    }
  });
});
