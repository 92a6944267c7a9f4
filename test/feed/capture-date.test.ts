import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/parse-cmd.ts';
import { captureDateOf } from '../../src/feed/capture-date.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('captureDateOf', () => {
  it.each([
    ['firecrawl’s front matter (retrieved:)', fixture('hf-papers-page-firecrawl.md'), '2026-10-02'],
    ['a reader tool’s front matter (timestamp:)', fixture('hf-paper-page-jina.md'), '2025-01-20'],
    ['a capture tool’s note (- Captured (UTC):)', fixture('hf-papers-page-refs.md'), '2026-06-29'],
    [
      'a notebook export (exported:)',
      '---\ntitle: "Daily Papers"\nexported: 2026-07-28\n---\n\nnew\n',
      '2026-07-28',
    ],
    [
      'a clipper (created:, quoted, CRLF)',
      '---\r\npublished: 2024-01-01\r\ncreated: "2026-03-04T09:10:11+01:00"\r\n---\r\n',
      '2026-03-04',
    ],
  ])('GIVEN %s THEN it is the capture day', (_what, text, day) => {
    expect(captureDateOf(text)).toBe(day);
  });

  it.each([
    ['a browser’s copy, which names no day', fixture('hf-papers-page.txt')],
    ['only the page’s own date in the front matter', '---\npublished: 2024-01-01\n---\n'],
    ['an impossible day', '---\nretrieved: 2026-02-30\n---\n'],
    ['a date further down the page', `${'line\n'.repeat(60)}- Captured (UTC): 2026-06-29\n`],
  ])('GIVEN %s THEN there is none', (_what, text) => {
    expect(captureDateOf(text)).toBeNull();
  });
});

describe('paperboy parse reads a saved copy as of its capture day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A copy captured on 2026-01-10 whose card is dated Dec 20 without a year: December 2025.
  const copy = [
    '---\nurl: https://huggingface.co/papers\nretrieved: 2026-01-10\n---\n',
    'Daily Papers\n\nJan 9\n',
    'Winter Paper\n\nWe study a problem at length and report results that improve on prior work across many benchmarks.\n',
    '  • 2 authors\n·\nDec 20\n',
  ].join('\n');
  const path = join(dir, 'copy.md');
  writeFileSync(path, copy);

  const parse = async (...args: string[]) => {
    let out = '';
    const io = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      env: {},
      // Read long after the capture: by today's year, "Dec 20" would be December 2026.
      now: () => new Date('2027-03-01T12:00:00Z'),
    };
    expect(await parseCommand([path, ...args], io)).toBe(0);
    return JSON.parse(out) as { title: string; publishedAt: string }[];
  };

  it('dates the card by the capture day when --as-of is not given', async () => {
    expect((await parse()).map((p) => p.publishedAt)).toEqual(['2025-12-20']);
  });

  it('lets --as-of override the capture day', async () => {
    expect((await parse('--as-of', '2027-03-01')).map((p) => p.publishedAt)).toEqual(['2026-12-20']);
  });
});
