import { describe, expect, it } from 'vitest';
import { MAX_XML_RUN, MAX_XML_TAGS, parseArxivAtom } from '../../src/feed/arxiv-atom.ts';
import { detectFormat } from '../../src/feed/detect.ts';
import { MAX_ITEM_VALUES, parseHfJson } from '../../src/feed/hf-json.ts';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';
import { firstKept, isTrimmable, MAX_ITEMS } from '../../src/feed/limits.ts';
import { MAX_PARA_CHARS } from '../../src/feed/page-paragraphs.ts';

/*
 * Each parser at the edges of its bounds: inputs a little inside are parsed as before, inputs past them are
 * refused with one sentence or skipped item by item, and degenerate inputs (blank lines, one enormous line,
 * millions of separators) cost no more than their size.
 */

const asOf = { asOf: '2025-11-12' };
const ABSTRACT =
  'We study a problem at length and report results that improve on prior work across many benchmarks.';
const card = (title: string) => `${title}\n\n${ABSTRACT}\n\n• 3 authors\n·\nOct 1\n\n`;
const atom = (body: string) =>
  `<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">${body}</feed>\n`;
const atomEntry = (id: string) =>
  `<entry><id>http://arxiv.org/abs/${id}v1</id><title>A Title</title><summary>An abstract.</summary></entry>`;

describe('isTrimmable', () => {
  it('agrees with String.prototype.trim on every UTF-16 code unit', () => {
    for (let c = 0; c <= 0xffff; c++) {
      expect(isTrimmable(c), `U+${c.toString(16)}`).toBe(String.fromCharCode(c).trim() === '');
    }
    expect(firstKept('\uFEFF \n x')).toBe(4);
    expect(firstKept(' \n')).toBe(2);
  });
});

describe('detectFormat on degenerate text', () => {
  it('looks past millions of blank lines without copying them', () => {
    expect(detectFormat(`${'\r\n'.repeat(2_000_000)}Title`)).toBe('hf-text');
    expect(() => detectFormat(`\uFEFF${'\n'.repeat(2_000_000)}`)).toThrow(/empty/);
  });
});

describe('parseHfPageText at its bounds', () => {
  it('reads cards after millions of blank lines, numbering lines as before', () => {
    const { papers, skipped } = parseHfPageText(`${'\n'.repeat(3_000_000)}${card('After the Gap')}`, asOf);
    expect(papers.map((p) => p.title)).toEqual(['After the Gap']);
    expect(skipped).toEqual([]);
    const noCard = `${card('Lonely')}${'\r\n'.repeat(1_000_000)}Trailing title\n`;
    expect(parseHfPageText(noCard, asOf).skipped).toEqual([
      { where: 'line 1000009', reason: 'a title with no abstract and no meta block' },
    ]);
  });

  it('skips a paragraph over MAX_PARA_CHARS by its size, and reads the cards around it', () => {
    const lines = 'a\n'.repeat(MAX_PARA_CHARS + 1);
    const text = `${card('Before')}${lines}\n${card('After')}`;
    const { papers, skipped } = parseHfPageText(text, asOf);
    expect(papers.map((p) => p.title)).toEqual(['Before', 'After']);
    expect(skipped).toEqual([
      {
        where: 'line 9',
        reason: `a paragraph of ${MAX_PARA_CHARS + 1} lines and ${MAX_PARA_CHARS + 1} characters, longer than any title or abstract`,
      },
    ]);
  });

  it('skips a card whose abstract is one line over MAX_PARA_CHARS', () => {
    const text = `Huge\n\n${'x'.repeat(MAX_PARA_CHARS + 1)}\n\n• 2 authors\n·\nOct 2\n\n${card('Fine')}`;
    const { papers, skipped } = parseHfPageText(text, asOf);
    expect(papers.map((p) => p.title)).toEqual(['Fine']);
    expect(skipped).toEqual([
      {
        where: 'line 1',
        reason: `its abstract is a paragraph of 1 lines and ${MAX_PARA_CHARS + 1} characters, longer than any title or abstract`,
      },
    ]);
  });

  it('keeps a paragraph of exactly MAX_PARA_CHARS as before', () => {
    const text = `Big\n\n${'y'.repeat(MAX_PARA_CHARS)}\n\n• 2 authors\n·\nOct 2\n\n`;
    expect(parseHfPageText(text, asOf).papers[0]?.abstract).toHaveLength(MAX_PARA_CHARS);
  });

  it('reads a copy longer than MAX_PARA_CHARS with no blank lines at all card by card', () => {
    // A long listing (a month's page) copied without blank lines is one run of lines past the limit.
    const abstract = `We study a problem at length and report results that improve on prior work. ${'More. '.repeat(150)}`;
    const cards = Array.from(
      { length: 1200 },
      (_, k) => `Paper ${k + 1}\n${abstract}\n  • 2 authors\n·\nOct 2\n`,
    );
    const text = `Daily Papers\nOct 3\n${cards.join('')}`;
    expect(text.length).toBeGreaterThan(MAX_PARA_CHARS);
    const { papers, skipped } = parseHfPageText(text, asOf);
    expect(skipped).toEqual([]);
    expect(papers).toHaveLength(1200);
    expect(papers.at(-1)).toMatchObject({ title: 'Paper 1200', authorCount: 2, abstract: abstract.trim() });
  });

  it('still counts an oversized paragraph holding a lone "·" as a papers page', () => {
    const text = `${'z\n'.repeat(MAX_PARA_CHARS)}·\nOct 2\n`;
    expect(() => parseHfPageText(text, asOf)).toThrow(
      'no paper cards found: all 1 candidate cards were unreadable.',
    );
  });

  it('refuses more than MAX_ITEMS candidate cards with one sentence, and reads exactly MAX_ITEMS', () => {
    expect(() => parseHfPageText('·\n\n'.repeat(MAX_ITEMS), asOf)).toThrow(
      `no paper cards found: all ${MAX_ITEMS} candidate cards were unreadable.`,
    );
    expect(() => parseHfPageText('·\n\n'.repeat(MAX_ITEMS + 1), asOf)).toThrow(
      `The input holds more than ${MAX_ITEMS} candidate cards, more than any feed response; split it into smaller files.`,
    );
    expect(() => parseHfPageText('a\n\n'.repeat(MAX_ITEMS + 5), asOf)).toThrow(
      /more than 200000 candidate cards/,
    );
  });
});

describe('parseHfJson at its bounds', () => {
  it('parses exactly MAX_ITEMS items and refuses one more', () => {
    const items = (n: number) => `[${'{},'.repeat(n - 1)}{}]`;
    expect(parseHfJson(items(MAX_ITEMS)).skipped).toHaveLength(MAX_ITEMS);
    expect(() => parseHfJson(items(MAX_ITEMS + 1))).toThrow(
      `The input holds more than ${MAX_ITEMS} items, more than any feed response; split it into smaller files.`,
    );
  });

  it('skips an item of more than MAX_ITEM_VALUES values unread, and parses the others', () => {
    const good = '{"paper":{"id":"2410.17243","title":"T","summary":"S"}}';
    const huge = `{"paper":{"id":"2410.00001","title":"U","authors":[${'0,'.repeat(MAX_ITEM_VALUES)}0]}}`;
    const { papers, skipped } = parseHfJson(`[${good},${huge},${good.replace('17243', '17244')}]`);
    expect(papers.map((p) => p.id)).toEqual(['2410.17243', '2410.17244']);
    expect(skipped).toEqual([
      { where: 'item 2', reason: `holds more than ${MAX_ITEM_VALUES} values, far more than any paper` },
    ]);
  });

  it('refuses a lone object of more than MAX_ITEM_VALUES values before parsing it', () => {
    expect(() => parseHfJson(`{"title":"T","x":[${'[],'.repeat(MAX_ITEM_VALUES)}[]]}`)).toThrow(
      `more than ${MAX_ITEM_VALUES} values in one object`,
    );
  });

  it.each([
    ['millions of unclosed brackets', '['.repeat(5_000_000), /ends early/],
    ['an array cut after a comma', `[{}, ${' '.repeat(1_000_000)}`, /ends early/],
    ['a trailing comma', '[{},]', /not valid JSON/],
    ['two values side by side', '[{} {}]', /not valid JSON/],
    ['text after the array', '[{}] x', /not valid JSON/],
  ])('GIVEN %s THEN one FeedFormatError sentence', (_what, text, message) => {
    expect(() => parseHfJson(text)).toThrow(message);
  });

  it('takes an array padded with millions of blank lines, with or without a byte order mark', () => {
    const pad = '\n'.repeat(2_000_000);
    const item = '{"paper":{"id":"2410.17243","title":"T"}}';
    expect(parseHfJson(`\uFEFF${pad}[${pad}${item}${pad},${pad}${item}${pad}]${pad}`).papers).toHaveLength(2);
  });
});

describe('parseArxivAtom at its bounds', () => {
  it('cuts long runs of whitespace before parsing, so a padded feed parses as before', () => {
    const pad = '\n'.repeat(4_000_000);
    const { papers } = parseArxivAtom(atom(`${pad}${atomEntry('2410.17243')}${pad}`));
    expect(papers.map((p) => p.id)).toEqual(['2410.17243']);
    const inTitle = atom(atomEntry('2410.17243').replace('A Title', `A${' '.repeat(5000)}Title`));
    expect(parseArxivAtom(inTitle).papers[0]?.title).toBe('A Title');
  });

  it('refuses more than MAX_XML_TAGS tags before parsing', () => {
    expect(() => parseArxivAtom(atom('<a/>'.repeat(MAX_XML_TAGS)))).toThrow(
      `The XML holds more than ${MAX_XML_TAGS} tags, more than any arXiv response.`,
    );
  });

  it('refuses a run of text longer than MAX_XML_RUN, and takes one of exactly that length', () => {
    const at = (n: number) => atom(atomEntry('2410.17243').replace('An abstract.', 'x'.repeat(n)));
    expect(parseArxivAtom(at(MAX_XML_RUN)).papers[0]?.abstract).toHaveLength(MAX_XML_RUN);
    expect(() => parseArxivAtom(at(MAX_XML_RUN + 1))).toThrow(
      `The XML holds a run of ${MAX_XML_RUN + 1} characters without markup, longer than any arXiv field.`,
    );
  });
});
