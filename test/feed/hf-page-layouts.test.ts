import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';

/*
 * The same markdown copies (test/fixtures/PROVENANCE.md) laid out as other tools lay them out: with no blank
 * line at all (one paragraph of every card), and double-spaced (a blank line after every line, which cuts a
 * hard-wrapped abstract into one paragraph a line). A reader sees the same papers in each.
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const lines = (text: string) => text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
const noBlankLines = (text: string) => lines(text).join('\n');
const doubleSpaced = (text: string) => lines(text).join('\n\n');

describe('parseHfPageText on a firecrawl copy whose abstracts are hard-wrapped with `\\\\`', () => {
  const text = fixture('hf-papers-page-firecrawl.md');
  const asOf = '2026-10-02';
  const original = parseHfPageText(text, { asOf });

  it('reads the copy with no blank lines as the original: each title keeps its arXiv id and vote count', () => {
    const { papers, skipped } = parseHfPageText(noBlankLines(text), { asOf });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.arxivId, p.upvotes, p.comments])).toEqual([
      ['2606.00683', 101, 6],
      ['2609.11115', 173, 9],
      ['2502.20581', 0, null],
      ['2605.08583', 1, 1],
      ['2609.00319', 0, null],
    ]);
    expect(papers).toEqual(original.papers);
  });

  it('reads the double-spaced copy as the original: a wrapped abstract is one abstract, nothing skipped', () => {
    const { papers, skipped } = parseHfPageText(doubleSpaced(text), { asOf });
    expect(skipped).toEqual([]);
    expect(papers[2]?.title).toBe(
      'The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past Research',
    );
    expect(papers[2]?.abstract).toMatch(
      /^Academic citations are widely used .* quantity alone and the potent/,
    );
    expect(papers).toEqual(original.papers);
  });
});

describe('parseHfPageText on a converted trending page whose abstract is wrapped without a marker', () => {
  // Its third paper's abstract is two lines (`…On a single 24GB machine, Edge0` / `serves a 35B MoE…`).
  const text = fixture('hf-trending-page-extracted.md');
  const asOf = '2026-10-05';
  const original = parseHfPageText(text, { asOf });

  it.each([
    ['double-spaced', doubleSpaced],
    ['with no blank lines', noBlankLines],
  ])(
    'reads the copy %s as the original, with the organisation and date after the wrapped abstract',
    (_, layout) => {
      const { papers, skipped } = parseHfPageText(layout(text), { asOf });
      const edge = papers.find((p) => p.arxivId === '2609.18063');
      expect(edge?.abstract).toMatch(
        /On a single 24GB machine, Edge0 serves a 35B MoE at 20tok\/s .* open source\.$/,
      );
      expect(edge?.organization).toEqual({ id: 'Edge0', name: 'Edge0' });
      expect(edge?.publishedAt).toBe('2026-09-16');
      expect(papers).toEqual(original.papers);
      // The page shows every card twice; the second showing is all that is skipped.
      expect(skipped.map((s) => s.reason)).toEqual(original.skipped.map((s) => s.reason));
    },
  );
});

describe('parseHfPageText on a text-mode browser’s dump under a capture note, a line a paragraph', () => {
  // The site's menu has a `Daily Papers` item of its own, 18 lines above the page's `Daily Papers` header.
  const text = fixture('hf-papers-page-refs.md');
  const asOf = '2026-06-29';
  const original = parseHfPageText(text, { asOf });

  it.each([
    ['double-spaced', doubleSpaced],
    ['with no blank lines', noBlankLines],
  ])('drops the whole menu of the copy %s, and reads its three cards as the original', (_, layout) => {
    const { papers, skipped } = parseHfPageText(layout(text), { asOf });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => p.title)).toEqual([
      'MURMUR: An Efficient Inference System for Long-Form ASR',
      'Gemini 1.5: Unlocking multimodal understanding across millions of tokens of context',
      'Speech-Aware Long Context Pruning and Integration for Contextualized Automatic Speech Recognition',
    ]);
    expect(papers).toEqual(original.papers);
  });
});
