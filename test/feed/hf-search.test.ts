import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHfSearch } from '../../src/feed/hf-search.ts';
import { FeedFormatError } from '../../src/papers/paper.ts';

/** A real `GET /api/papers/search?q=kazakh` response (see test/fixtures/PROVENANCE.md). */
const capture = readFileSync(new URL('../fixtures/hf-papers-search.json', import.meta.url), 'utf8');

describe('parseHfSearch on a real search response', () => {
  const { papers, skipped } = parseHfSearch(capture);

  it('reads all 9 hits in Hugging Face’s order, skipping none', () => {
    expect(skipped).toEqual([]);
    expect(papers.map((p) => p.arxivId)).toEqual([
      '2404.04487',
      '2403.19399',
      '2403.19335',
      '2111.13419',
      '2404.01033',
      '2502.13640',
      '2503.01493',
      '2108.01280',
      '2107.10637',
    ]);
  });

  it('maps the first hit field by field', () => {
    expect(papers[0]).toMatchObject({
      id: '2404.04487',
      title: 'KazQAD: Kazakh Open-Domain Question Answering Dataset',
      authors: [
        'Rustem Yeshpanov',
        'Pavel Efimov',
        'Leonid Boytsov',
        'Ardak Shalkarbayuli',
        'Pavel Braslavski',
      ],
      publishedAt: '2024-04-06',
      upvotes: 1,
      comments: 0,
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2404.04487.png',
    });
    expect(papers[0]?.abstract).toMatch(
      /^We introduce KazQAD -- a Kazakh open-domain question answering \(ODQA\) dataset --/,
    );
    expect(papers[0]?.keywords).toContain('reading comprehension');
  });

  it('gives no hit a feed day: none says a daily feed listed it', () => {
    expect(papers.filter((p) => p.feedDate !== null)).toEqual([]);
  });

  it('unwraps a hard-wrapped outer title', () => {
    expect(papers.find((p) => p.arxivId === '2108.01280')?.title).toBe(
      'A Study of Multilingual End-to-End Speech Recognition for Kazakh, Russian, and English',
    );
  });

  it('keeps at most `limit` hits', () => {
    expect(parseHfSearch(capture, 3).papers.map((p) => p.arxivId)).toEqual([
      '2404.04487',
      '2403.19399',
      '2403.19335',
    ]);
  });

  it('answers an empty search with no papers', () => {
    expect(parseHfSearch('[]')).toEqual({ papers: [], skipped: [] });
  });
});

describe('parseHfSearch refuses what is not a search answer', () => {
  it.each([
    ['an HF error object', '{"error":"Invalid query"}', /error: "Invalid query"/],
    [
      'one paper object',
      JSON.stringify({ id: '2404.04487', title: 'KazQAD' }),
      /not a list of search results/,
    ],
    ['an HTML page', '<!doctype html><html><body>502</body></html>', /HTML page/],
    ['a cut-off body', capture.slice(0, 5000), /ends early/],
    ['nothing', '', /empty/],
  ])('GIVEN %s THEN a FeedFormatError saying so', (_what, text, message) => {
    expect(() => parseHfSearch(text)).toThrow(FeedFormatError);
    expect(() => parseHfSearch(text)).toThrow(message);
  });
});
