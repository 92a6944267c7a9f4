import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { FeedFormatError, paperSchema, titleKeyId } from '../../src/papers/paper.ts';
import { LATE_2024_DATE, late2024Response, MARCH_2025_DATE, march2025Response } from '../fakes/hf-shapes.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const capture2024 = fixture('hf-daily-papers-2024-10-25.json');
const capture2026 = fixture('hf-daily-papers-2026-03-06.json');

// biome-ignore lint/suspicious/noExplicitAny: the tests reshape parsed fixture JSON freely to build variants.
type Loose = any;

/** Fresh, mutable copies of the captures' items. */
const items2024 = (): Loose[] => JSON.parse(capture2024);
const items2026 = (): Loose[] => JSON.parse(capture2026);

describe('parseHfJson on the 2024-10-25 capture (old shape)', () => {
  // A no-date capture made on 2024-10-25, so that is the day its feed listed the papers.
  const { papers, skipped } = parseHfJson(capture2024, { feedDate: '2024-10-25' });
  const byId = (id: string) => papers.find((p) => p.id === id);

  it('parses all 29 items, in feed order, skipping none', () => {
    expect(papers).toHaveLength(29);
    expect(skipped).toEqual([]);
    expect(papers.map((p) => p.id).slice(0, 3)).toEqual(['2410.17243', '2410.16251', '2410.18533']);
  });

  it('maps 2410.17243 field by field', () => {
    expect(byId('2410.17243')).toMatchObject({
      id: '2410.17243',
      arxivId: '2410.17243',
      title: 'Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss',
      authors: [
        'Zesen Cheng',
        'Hang Zhang',
        'Kehan Li',
        'Sicong Leng',
        'Zhiqiang Hu',
        'Fei Wu',
        'Deli Zhao',
        'Xin Li',
        'Lidong Bing',
      ],
      authorCount: 9,
      organization: null,
      publishedAt: '2024-10-22',
      // The old shape has no submittedOnDailyAt: the feed day is the one the response was asked for.
      feedDate: '2024-10-25',
      upvotes: 64,
      comments: 3,
      aiSummary: null,
      githubRepo: null,
      githubStars: null,
      projectPage: null,
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2410.17243.png',
    });
    expect(byId('2410.17243')?.abstract).toMatch(
      /^Contrastive loss is a powerful approach for representation learning, where larger batch sizes/,
    );
  });

  it.each([
    [
      '2410.18958',
      'Stable Consistency Tuning: Understanding and Improving Consistency Models',
      'Difference~(TD)',
    ],
    ['2410.18194', 'ZIP-FIT: Embedding-Free Data Selection via Compression-Based Alignment', '85.1\\%'],
    ['2410.18745', 'Why Does the Effective Context Length of LLMs Fall Short?', '\\method'],
  ])('GIVEN %s THEN the title is unwrapped and LaTeX in the abstract is kept', (id, title, latex) => {
    expect(byId(id)?.title).toBe(title);
    expect(byId(id)?.abstract).toContain(latex);
  });

  it('collapses the hard wraps of every title and abstract', () => {
    for (const p of papers) {
      expect(p.title).not.toMatch(/\s{2}|\n/);
      expect(p.abstract).not.toMatch(/\s{2}|\n/);
      expect(p.abstract.length).toBeGreaterThan(100);
    }
  });

  it('keeps the name of an author whose profile link is hidden', () => {
    expect(byId('2410.17897')).toMatchObject({
      authors: ['Zhanchao Zhou', 'Tianyi Wu', 'Zhiyun Jiang', 'Zhenzhong Lan'],
      authorCount: 4,
    });
  });

  it('omits keywords the old shape does not carry, and every paper passes the Paper schema', () => {
    for (const p of papers) {
      expect(p.keywords).toBeUndefined();
      expect(paperSchema.parse(p)).toEqual(p);
    }
  });
});

/** Sets every item's outer publishedAt, as the shapes below carry it, from the item's index. */
function withOuterPublishedAt(items: Loose[], stamp: (i: number) => string): Loose[] {
  for (const [i, item] of items.entries()) item.publishedAt = stamp(i);
  return items;
}

describe('parseHfJson: the feed day of each shape', () => {
  it('GIVEN the old shape and no feed date THEN feedDate is null: the outer publishedAt is not used', () => {
    const { papers } = parseHfJson(capture2024);
    expect(papers).toHaveLength(29);
    expect(papers.every((p) => p.feedDate === null)).toBe(true);
  });

  it('GIVEN the late-2024 shape with evening submissions THEN every paper is on the requested day', () => {
    const text = late2024Response();
    // The trap: 16 of 27 outer publishedAt stamps fall on the evening before the requested day.
    const outerDays = (JSON.parse(text) as Loose[]).map((i) => i.publishedAt.slice(0, 10));
    expect(outerDays.filter((d) => d === '2024-12-05')).toHaveLength(16);
    const { papers, skipped } = parseHfJson(text, { feedDate: LATE_2024_DATE });
    expect(skipped).toEqual([]);
    expect(papers).toHaveLength(27);
    expect(papers.every((p) => p.feedDate === LATE_2024_DATE)).toBe(true);
    expect(parseHfJson(text).papers.every((p) => p.feedDate === null)).toBe(true);
  });

  it('GIVEN the March 2025 transitional shape THEN every paper is on the requested day, not near its arXiv day', () => {
    const text = march2025Response();
    expect(text).not.toContain('submittedOnDailyAt');
    const { papers, skipped } = parseHfJson(text, { feedDate: MARCH_2025_DATE });
    expect(skipped).toEqual([]);
    expect(papers).toHaveLength(23);
    expect(papers.every((p) => p.feedDate === MARCH_2025_DATE)).toBe(true);
    const arxivDays = papers.map((p) => p.publishedAt).sort();
    expect([arxivDays[0], arxivDays.at(-1)]).toEqual(['2025-02-26', '2025-03-11']);
    expect(papers[0]).toMatchObject({ keywords: ['large language models', 'benchmark'] });
    expect(papers[0]?.aiSummary).toMatch(/^A one-sentence summary of /);
    expect(parseHfJson(text).papers.every((p) => p.feedDate === null)).toBe(true);
  });

  it('GIVEN the 2026 shape and a feed date THEN the requested day wins over submittedOnDailyAt', () => {
    // Hugging Face listed it on the day asked for; a submission stamp on another day cannot overrule that.
    expect(parseHfJson(capture2026, { feedDate: '2026-03-07' }).papers[0]?.feedDate).toBe('2026-03-07');
    expect(parseHfJson(capture2026).papers[0]?.feedDate).toBe('2026-03-06');
  });

  it('GIVEN search hits never listed in a daily feed THEN their feedDate is null', () => {
    // /api/papers/search also returns old papers (2020-2022) with an outer publishedAt but no feed day.
    const hits = withOuterPublishedAt(items2024().slice(0, 3), (i) => `202${i}-06-1${i}T04:00:00.000Z`);
    for (const [i, hit] of hits.entries()) hit.paper.publishedAt = `202${i}-06-1${i}T09:00:00.000Z`;
    const { papers } = parseHfJson(JSON.stringify(hits));
    expect(papers.map((p) => [p.publishedAt, p.feedDate])).toEqual([
      ['2020-06-10', null],
      ['2021-06-11', null],
      ['2022-06-12', null],
    ]);
  });

  it.each(['2024-13-01', '2024-02-30', '20241206', '', '2024-12-06T00:00:00Z'])(
    'GIVEN the feed date %j THEN RangeError',
    (feedDate) => {
      expect(() => parseHfJson('[]', { feedDate })).toThrow(RangeError);
    },
  );
});

describe('parseHfJson on the 2026-03-06 item (new shape)', () => {
  it('maps every field, taking feedDate from submittedOnDailyAt', () => {
    const { papers, skipped } = parseHfJson(capture2026);
    expect(skipped).toEqual([]);
    expect(papers).toHaveLength(1);
    const p = papers[0];
    expect(p).toMatchObject({
      id: '2602.23229',
      arxivId: '2602.23229',
      title: 'Large Multimodal Models as General In-Context Classifiers',
      authors: ['Marco Garosi', 'Matteo Farina', 'Alessandro Conti', 'Massimiliano Mancini', 'Elisa Ricci'],
      authorCount: 5,
      organization: { id: 'MHUGLab', name: 'Multimedia and Human Understanding Group' },
      publishedAt: '2026-02-26',
      // Not the outer publishedAt (2026-02-26T12:08): that is not the submission time in this shape.
      feedDate: '2026-03-06',
      upvotes: 10,
      comments: 1,
      githubRepo: 'https://github.com/marco-garosi/CIRCLE',
      githubStars: 9,
      projectPage: 'https://circle-lmm.github.io/',
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.23229.png',
    });
    expect(p?.aiSummary).toMatch(/^Large Multimodal Models demonstrate superior performance/);
    expect(p?.keywords).toHaveLength(9);
    expect(p?.keywords?.[0]).toBe('Vision-Language Models');
    expect(p?.abstract).toContain('their "in-context" equivalent');
    expect(paperSchema.parse(p)).toEqual(p);
  });

  it('reads the outer organization when paper.organization is absent', () => {
    const items = items2026();
    delete items[0]!.paper.organization;
    items[0]!.organization = { name: 'acme', fullname: null };
    expect(parseHfJson(JSON.stringify(items)).papers[0]?.organization).toEqual({ id: 'acme', name: 'acme' });
  });
});

describe('parseHfJson on a flat /api/papers/{id} object', () => {
  it('GIVEN a 2026 paper THEN feedDate comes from submittedOnDailyAt and comments are unknown', () => {
    const flat = items2026()[0]!.paper;
    const { papers } = parseHfJson(JSON.stringify(flat));
    expect(papers[0]).toMatchObject({
      id: '2602.23229',
      feedDate: '2026-03-06',
      comments: null,
      thumbnail: null,
    });
  });

  it('GIVEN a paper without submittedOnDailyAt THEN feedDate is null', () => {
    const flat = items2024()[0]!.paper;
    const { papers } = parseHfJson(JSON.stringify(flat));
    expect(papers[0]).toMatchObject({ id: '2410.17243', feedDate: null, upvotes: 64, comments: null });
  });

  it('GIVEN a broken lone object THEN it is a format error naming the field', () => {
    const flat = items2024()[0]!.paper;
    flat.authors = 'everyone';
    expect(() => parseHfJson(JSON.stringify(flat))).toThrow(/authors/);
  });
});

describe('parseHfJson tolerates drift', () => {
  it('ignores unknown keys at every level', () => {
    const items = items2024();
    items[0]!.brandNewField = { nested: [1, 2] };
    items[0]!.paper.someFutureFlag = true;
    items[0]!.paper.authors[0].orcid = '0000-0000';
    expect(parseHfJson(JSON.stringify(items)).papers[0]).toEqual(parseHfJson(capture2024).papers[0]);
  });

  it('uses null, never an invented 0, for missing counters and author lists', () => {
    const items = items2024();
    delete items[0]!.paper.upvotes;
    delete items[0]!.numComments;
    delete items[0]!.paper.authors;
    delete items[0]!.paper.publishedAt;
    delete items[0]!.thumbnail;
    expect(parseHfJson(JSON.stringify(items)).papers[0]).toMatchObject({
      upvotes: null,
      comments: null,
      authors: [],
      authorCount: null,
      publishedAt: null,
      thumbnail: null,
    });
  });

  it('falls back to the outer title and summary, and to a title key when there is no arXiv id', () => {
    const items = items2024();
    delete items[0]!.paper.title;
    delete items[0]!.paper.summary;
    items[0]!.paper.id = 'not-an-arxiv-id';
    items[0]!.summary = 'Short   summary\nwrapped.';
    const title = 'Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss';
    expect(parseHfJson(JSON.stringify(items)).papers[0]).toMatchObject({
      id: titleKeyId(title),
      arxivId: null,
      title,
      abstract: 'Short summary wrapped.',
    });
  });

  it('parses search results, which share the daily item shape', () => {
    const search = items2024().slice(0, 2);
    expect(parseHfJson(JSON.stringify(search)).papers.map((p) => p.id)).toEqual(['2410.17243', '2410.16251']);
  });

  it('accepts an empty day', () => {
    expect(parseHfJson('[]')).toEqual({ papers: [], skipped: [] });
  });

  it('reads the Daily Papers page’s own data (its data-props object), whose items are the feed’s', () => {
    const items = items2024();
    items[3] = { title: 42 };
    const props = JSON.stringify({ dailyPapers: items, date: '2024-10-25', lastDate: '2024-10-24' });
    const { papers, skipped } = parseHfJson(props, { feedDate: '2024-10-25' });
    expect(papers).toEqual(parseHfJson(capture2024, { feedDate: '2024-10-25' }).papers.toSpliced(3, 1));
    expect(skipped).toEqual([{ where: 'item 4', reason: expect.any(String) }]);
  });
});

describe('parseHfJson skips bad items and keeps the rest', () => {
  it.each([
    [
      'a wrong type',
      (i: Loose) => {
        i.paper.upvotes = '64';
      },
      /paper\.upvotes/,
    ],
    [
      'a missing title',
      (i: Loose) => {
        delete i.paper.title;
        delete i.title;
      },
      /title/,
    ],
    [
      'a negative count',
      (i: Loose) => {
        i.numComments = -1;
      },
      /numComments/,
    ],
    [
      'a bad date',
      (i: Loose) => {
        i.paper.publishedAt = 'yesterday';
      },
      /paper\.publishedAt/,
    ],
    [
      'an author without a name',
      (i: Loose) => {
        i.paper.authors[2] = { hidden: false };
      },
      /authors\.2\.name/,
    ],
  ])('GIVEN the 4th item has %s THEN it is reported and the other 28 parse', (_what, mutate, reason) => {
    const items = items2024();
    mutate(items[3]!);
    const { papers, skipped } = parseHfJson(JSON.stringify(items));
    expect(papers).toHaveLength(28);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.where).toBe('item 4');
    expect(skipped[0]?.reason).toMatch(reason);
  });

  it('reports a non-object element', () => {
    const items: unknown[] = items2024();
    items.splice(1, 0, null, 42);
    const { papers, skipped } = parseHfJson(JSON.stringify(items));
    expect(papers).toHaveLength(29);
    expect(skipped).toEqual([
      { where: 'item 2', reason: 'expected an object, got null' },
      { where: 'item 3', reason: 'expected an object, got number' },
    ]);
  });

  it.each([
    ['withdrawnAt on the paper', (i: Loose) => (i.paper.withdrawnAt = '2024-10-26T00:00:00.000Z')],
    ['withdrawn: true on the paper', (i: Loose) => (i.paper.withdrawn = true)],
    ['withdrawnAt on the item', (i: Loose) => (i.withdrawnAt = '2024-10-26T00:00:00.000Z')],
  ])('GIVEN %s THEN the item is skipped as withdrawn', (_what, mutate) => {
    const items = items2024();
    mutate(items[5]!);
    const { papers, skipped } = parseHfJson(JSON.stringify(items));
    expect(papers).toHaveLength(28);
    expect(papers.map((p) => p.id)).not.toContain(items[5]!.paper.id);
    expect(skipped).toEqual([{ where: 'item 6', reason: 'withdrawn' }]);
  });

  it('does not treat withdrawnAt: null as withdrawn', () => {
    const items = items2024();
    items[5]!.paper.withdrawnAt = null;
    expect(parseHfJson(JSON.stringify(items)).papers).toHaveLength(29);
  });
});

describe('parseHfJson refuses input that is not an HF papers response', () => {
  it.each([
    ['empty', '', /empty/],
    ['only whitespace', ' \n\t ', /empty/],
    ['an HTML page', '<!DOCTYPE html>\n<html><head><title>429</title></head></html>', /HTML page/],
    ['XML', '<?xml version="1.0"?><feed/>', /XML/],
    ['truncated mid-array', capture2024.slice(0, capture2024.length / 2), /ends early/],
    ['truncated mid-string', capture2024.slice(0, 50), /ends early/],
    ['truncated by one byte', capture2024.slice(0, -1), /ends early/],
    [
      'binary bytes',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]).toString('utf8'),
      /binary/,
    ],
    ['a bare number', '42', /number/],
    ['a JSON string', '"hello"', /string/],
    ['null', 'null', /null/],
    ['plain prose', 'hello world', /not valid JSON/],
  ])('GIVEN %s THEN FeedFormatError', (_what, text, message) => {
    expect(() => parseHfJson(text)).toThrow(FeedFormatError);
    expect(() => parseHfJson(text)).toThrow(message);
  });

  it('quotes an HF error object', () => {
    expect(() => parseHfJson('{"error":"Invalid date: 2099-01-01 is in the future"}')).toThrow(
      'Hugging Face answered with an error: "Invalid date: 2099-01-01 is in the future"',
    );
  });
});

describe('parseHfJson on a large input', () => {
  it('parses the 2024 capture repeated to about 50 MB', () => {
    const inner = capture2024.trim().slice(1, -1);
    const copies = Math.ceil(50_000_000 / inner.length);
    const big = `[${Array.from({ length: copies }, () => inner).join(',')}]`;
    expect(big.length).toBeGreaterThan(50_000_000);
    const { papers, skipped } = parseHfJson(big);
    expect(papers).toHaveLength(29 * copies);
    expect(skipped).toEqual([]);
  });
});

describe('parseHfJson keeps the title as arXiv writes it', () => {
  // As in real responses for 2410.09342: paper.title has the LaTeX stripped (`LLMtimesMapReduce`) and
  // arXiv's hard wrap; the outer title keeps `$\times$`.
  const garbled = (): Loose[] => {
    const items = items2024().slice(0, 1);
    items[0].paper.title =
      'LLMtimesMapReduce: Simplified Long-Sequence Processing using Large\n  Language Models';
    items[0].title = 'LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models';
    return items;
  };

  it('GIVEN both titles THEN the outer one, LaTeX and all', () => {
    expect(parseHfJson(JSON.stringify(garbled())).papers[0]?.title).toBe(
      'LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models',
    );
  });

  it('GIVEN a blank outer title THEN paper.title, unwrapped', () => {
    const items = garbled();
    items[0].title = '  ';
    expect(parseHfJson(JSON.stringify(items)).papers[0]?.title).toBe(
      'LLMtimesMapReduce: Simplified Long-Sequence Processing using Large Language Models',
    );
  });
});
