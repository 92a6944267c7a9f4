import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, type FeedFormat, parseFeed } from '../../src/feed/detect.ts';
import { FeedFormatError } from '../../src/papers/paper.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const asOf = '2025-11-12';

/** Bytes that are not UTF-8 text, read as text the way a careless fetch would. */
const png = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);
const gzip = Buffer.from([
  0x1f, 0x8b, 0x08, 0x00, 0x3c, 0xa1, 0x9e, 0x67, 0x00, 0x03, 0xed, 0xbd, 0xfb, 0x93, 0xdb, 0xc6,
]);

describe('detectFormat', () => {
  it.each([
    ['hf-daily-papers-2024-10-25.json', 'hf-json'],
    ['hf-daily-papers-2026-03-06.json', 'hf-json'],
    ['arxiv-api-sample.xml', 'arxiv-atom'],
    ['hf-papers-page.txt', 'hf-text'],
  ])('GIVEN %s THEN %s', (name, format) => {
    expect(detectFormat(fixture(name))).toBe(format);
  });

  it.each([
    ['{"id":"2410.17243"}', 'hf-json'],
    ['\uFEFF\n  [ ]', 'hf-json'],
    ['<feed xmlns="http://www.w3.org/2005/Atom"></feed>', 'arxiv-atom'],
    ['  <?xml version="1.0"?>\n<feed/>', 'arxiv-atom'],
    ['Daily Papers\n\nNov 12\n', 'hf-text'],
    ['[\n  {"paper": {"id": "2410.17243"', 'hf-json'],
    ['[', 'hf-json'],
    ['[Hugging Face](https://huggingface.co)\n\nDaily Papers\n', 'hf-text'],
    ["[[Hugging Face's logo] Hugging Face][1]\n* [ Models ][2]\n", 'hf-text'],
    ['[[{"paper": {}}]]', 'hf-json'],
  ] as [string, FeedFormat][])('GIVEN %j THEN %s', (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it.each([
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html lang="en"><head><title>Hugging Face</title></head></html>',
      /HTML page/,
    ],
    ['an HTML page without doctype', '  <html><body>Too Many Requests</body></html>', /HTML page/],
    [
      'XHTML',
      '<?xml version="1.0"?>\n<!-- served -->\n<html xmlns="http://www.w3.org/1999/xhtml"/>',
      /HTML page/,
    ],
    ['a PNG', png.toString('utf8'), /binary/],
    ['gzip bytes', gzip.toString('utf8'), /binary/],
    ['a NUL in text', 'Daily Papers\0\0', /binary/],
    ['empty', '', /empty/],
    ['whitespace', '\n\n  \n', /empty/],
  ])('GIVEN %s THEN FeedFormatError', (_what, text, message) => {
    expect(() => detectFormat(text)).toThrow(FeedFormatError);
    expect(() => detectFormat(text)).toThrow(message);
  });
});

describe('detectFormat on a run of comments', () => {
  // The HTML check once used one regex whose `(?:<!--[\s\S]*?-->\s*)*` backtracked exponentially: forty
  // empty comments not followed by HTML took longer than anyone waits.
  it('GIVEN a markdown copy of a page that opens with a vote button or a tag THEN page text, not JSON or Atom', () => {
    expect(
      detectFormat('[101](https://huggingface.co/login?next=%2Fpapers%2F2606.00683)\n\n### [Title](…)'),
    ).toBe('hf-text');
    expect(detectFormat('[-](https://huggingface.co/login?next=%2Fpapers)\n### [Title](…)')).toBe('hf-text');
    expect(detectFormat(' [-] 1\nTitle')).toBe('hf-text');
    expect(detectFormat('<a id="source-section-0"></a>\n\n# Daily Papers')).toBe('hf-text');
    expect(
      detectFormat('<!-- saved by a converter -->\n### [Title](https://huggingface.co/papers/2401.00001)'),
    ).toBe('hf-text');
    // JSON that opens with numbers stays JSON, cut short or not.
    expect(detectFormat('[1, 2]')).toBe('hf-json');
    expect(detectFormat('[[-1.5e3]]')).toBe('hf-json');
    expect(detectFormat('[12')).toBe('hf-json');
  });

  it('GIVEN hundreds of comments before a feed THEN detects Atom', () => {
    expect(detectFormat(`${'<!---->'.repeat(600)}<feed/>`)).toBe('arxiv-atom');
    expect(detectFormat(`<?xml version="1.0"?>${'<!-- x -->\n'.repeat(300)}<feed/>`)).toBe('arxiv-atom');
  });

  it('GIVEN comments before an HTML element THEN still says HTML page', () => {
    expect(() => detectFormat(`${'<!-- a --> '.repeat(100)}<html>`)).toThrow(/HTML page/);
    expect(() => detectFormat('<!-- unclosed <html>')).not.toThrow();
  });
});

describe('parseFeed', () => {
  it.each([
    ['hf-daily-papers-2024-10-25.json', 'hf-json', 29],
    ['hf-daily-papers-2026-03-06.json', 'hf-json', 1],
    ['arxiv-api-sample.xml', 'arxiv-atom', 1],
    ['hf-papers-page.txt', 'hf-text', 91],
  ])('GIVEN %s and no format THEN it detects %s and parses %i papers', (name, format, count) => {
    const result = parseFeed(fixture(name), undefined, { asOf });
    expect(result.format).toBe(format);
    expect(result.papers).toHaveLength(count);
    expect(result.skipped).toEqual([]);
  });

  it('uses the given format over detection', () => {
    expect(() => parseFeed(fixture('hf-papers-page.txt'), 'hf-json', { asOf })).toThrow(/not valid JSON/);
  });

  it('passes asOf to the page-text parser', () => {
    const result = parseFeed(fixture('hf-papers-page.txt'), 'hf-text', { asOf: '2026-11-12' });
    expect(result.papers.find((p) => p.title.startsWith('LLM Unlearning'))?.publishedAt).toBe('2026-06-09');
  });

  it.each(['hf-text', 'hf-json', 'arxiv-atom', undefined] as (FeedFormat | undefined)[])(
    'GIVEN binary bytes and format %s THEN FeedFormatError "binary", never papers',
    (format) => {
      const bytes = Buffer.concat([png, Buffer.from('\n\nTitle\n\nAbstract.\n\n• 2 authors\n·\nMar 3\n')]);
      expect(() => parseFeed(bytes.toString('utf8'), format, { asOf })).toThrow(/binary/);
    },
  );

  it('GIVEN an HTML page THEN FeedFormatError saying so', () => {
    expect(() => parseFeed('<!doctype html><html></html>', undefined, { asOf })).toThrow(
      'The input is an HTML page, not a feed.',
    );
  });
});
