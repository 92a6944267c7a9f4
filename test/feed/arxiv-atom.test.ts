import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../src/feed/arxiv-atom.ts';
import { FeedFormatError, paperSchema } from '../../src/papers/paper.ts';

const sample = readFileSync(new URL('../fixtures/arxiv-api-sample.xml', import.meta.url), 'utf8');

/** An Atom feed in the arXiv API's form around the given `<entry>` elements. */
const feed = (...entries: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query</title>
${entries.join('\n')}
</feed>
`;

const entry = (
  id: string,
  opts: { title?: string; published?: string; authors?: string[] } = {},
) => `  <entry>
    <id>${id}</id>
    <published>${opts.published ?? '2024-10-22T17:59:30Z'}</published>
    <title>${opts.title ?? 'A Title'}</title>
    <summary>An abstract.</summary>
${(opts.authors ?? ['Ann Author']).map((n) => `    <author><name>${n}</name></author>`).join('\n')}
    <arxiv:primary_category term="cs.LG"/>
  </entry>`;

describe('parseArxivAtom on the arXiv API manual sample', () => {
  it('maps its one entry, with an old-style id', () => {
    const { papers, skipped } = parseArxivAtom(sample);
    expect(skipped).toEqual([]);
    expect(papers).toEqual([
      {
        id: 'hep-ex/0307015',
        arxivId: 'hep-ex/0307015',
        title: 'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA',
        abstract: expect.stringMatching(
          /^Multi-electron production is studied at high electron transverse momentum in positron- and electron-proton collisions using/,
        ),
        authors: ['H1 Collaboration'],
        authorCount: 1,
        organization: null,
        publishedAt: '2003-07-07',
        feedDate: null,
        upvotes: null,
        comments: null,
      },
    ]);
    expect(papers[0]?.abstract).toMatch(/of 0\.30 \\pm 0\.04 and 0\.23 \\pm 0\.04, respectively\.$/);
    expect(paperSchema.parse(papers[0])).toEqual(papers[0]);
  });
});

describe('parseArxivAtom on built feeds', () => {
  it.each([
    ['http://arxiv.org/abs/2410.17243v2', '2410.17243'],
    ['https://arxiv.org/abs/2410.17243', '2410.17243'],
    ['http://arxiv.org/abs/hep-ex/0307015v1', 'hep-ex/0307015'],
    ['http://arxiv.org/abs/math.GT/0309136v3', 'math.GT/0309136'],
  ])('GIVEN <id>%s</id> THEN the id is %s', (id, expected) => {
    expect(parseArxivAtom(feed(entry(id))).papers[0]).toMatchObject({ id: expected, arxivId: expected });
  });

  it('reads every author and entry in order, decoding entities', () => {
    const xml = feed(
      entry('http://arxiv.org/abs/2410.00001v1', { authors: ['Ann A', 'Bob B', 'Zoë &amp; Co'] }),
      entry('http://arxiv.org/abs/2410.00002v1', { title: 'Second &lt;paper&gt;' }),
    );
    const { papers } = parseArxivAtom(xml);
    expect(papers.map((p) => [p.id, p.title, p.authors, p.authorCount])).toEqual([
      ['2410.00001', 'A Title', ['Ann A', 'Bob B', 'Zoë & Co'], 3],
      ['2410.00002', 'Second <paper>', ['Ann Author'], 1],
    ]);
  });

  it('decodes character references, decimal and hexadecimal, in titles and names', () => {
    const xml = feed(
      entry('http://arxiv.org/abs/2410.00003v1', {
        title: 'Caf&#233; &#x2014; Na&#239;ve',
        authors: ['Jos&#233; Garc&#xED;a'],
      }),
    );
    expect(parseArxivAtom(xml).papers[0]).toMatchObject({ title: 'Café — Naïve', authors: ['José García'] });
  });

  it('keeps the day as written in the timestamp, not shifted to UTC', () => {
    const xml = feed(entry('http://arxiv.org/abs/2410.00001v1', { published: '2003-07-07T23:46:39-04:00' }));
    expect(parseArxivAtom(xml).papers[0]?.publishedAt).toBe('2003-07-07');
  });

  it('keeps a title that looks like a number as text', () => {
    const xml = feed(entry('http://arxiv.org/abs/2410.00001v1', { title: '1984' }));
    expect(parseArxivAtom(xml).papers[0]?.title).toBe('1984');
  });

  it('returns no papers for a feed with zero entries', () => {
    expect(parseArxivAtom(feed())).toEqual({ papers: [], skipped: [] });
  });

  it('skips an entry without a title or with a non-arXiv id, keeping the rest', () => {
    const noTitle = entry('http://arxiv.org/abs/2410.00001v1').replace(/<title>.*<\/title>/, '');
    const xml = feed(
      noTitle,
      entry('http://example.org/paper/7'),
      entry('http://arxiv.org/abs/2410.00003v1'),
    );
    const { papers, skipped } = parseArxivAtom(xml);
    expect(papers.map((p) => p.id)).toEqual(['2410.00003']);
    expect(skipped).toEqual([
      { where: 'entry 0', reason: expect.stringMatching(/^title/) },
      { where: 'entry 1', reason: 'id "http://example.org/paper/7" is not an arXiv id' },
    ]);
  });

  it('throws the message of an arXiv error entry', () => {
    const xml = feed(`  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345v1</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345v1</summary>
    <updated>2024-10-25T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345v1" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>`);
    expect(() => parseArxivAtom(xml)).toThrow(FeedFormatError);
    expect(() => parseArxivAtom(xml)).toThrow('arXiv API error: incorrect id format for 1234.12345v1');
  });
});

describe('parseArxivAtom refuses what is not an Atom feed', () => {
  it.each([
    ['empty', '', /empty/],
    ['JSON', '[{"paper":{}}]', /not XML/],
    ['an HTML page', '<!DOCTYPE html><html><body>Rate exceeded.</body></html>', /HTML page/],
    ['RSS', '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', /not an Atom feed.*<rss>/],
    ['a truncated feed', sample.slice(0, sample.indexOf('</entry>')), /ends early/],
  ])('GIVEN %s THEN FeedFormatError', (_what, text, message) => {
    expect(() => parseArxivAtom(text)).toThrow(FeedFormatError);
    expect(() => parseArxivAtom(text)).toThrow(message);
  });
});
