import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';
import { FeedFormatError, paperSchema, titleKeyId } from '../../src/papers/paper.ts';

const page = readFileSync(new URL('../fixtures/hf-papers-page.txt', import.meta.url), 'utf8');
/** The page's own date is Nov 12; its dated-with-year cards run to Dec 2024, so it was captured in 2025. */
const asOf = '2025-11-12';
const baseline = parseHfPageText(page, { asOf });
const find = (papers: typeof baseline.papers, prefix: string) =>
  papers.find((p) => p.title.startsWith(prefix));

const NO_META = [
  'Towards a Unified View of Large Language Model Post-Training',
  'Bridging Supervised Learning and Reinforcement Learning in Math Reasoning',
  'Skill-Targeted Adaptive Training',
];

/** A small page in the same form as the fixture, for cases the fixture does not hold. */
const card = (title: string, meta: string) =>
  `${title}\n\nWe study a problem at length and report results that improve on prior work across many benchmarks.\n\n${meta}\n\n`;

describe('parseHfPageText on the recorded papers page', () => {
  it('finds exactly 91 cards and skips none', () => {
    expect(baseline.papers).toHaveLength(91);
    expect(baseline.skipped).toEqual([]);
  });

  it('maps the first card, NitroFusion', () => {
    const title = 'NitroFusion: High-Fidelity Single-Step Diffusion through Dynamic Adversarial Training';
    expect(baseline.papers[0]).toEqual({
      id: titleKeyId(title),
      arxivId: null,
      title,
      abstract: expect.stringMatching(/^We introduce NitroFusion, a fundamentally different approach/),
      authors: [],
      authorCount: 4,
      organization: null,
      publishedAt: '2024-12-02',
      feedDate: null,
      upvotes: null,
      comments: 2,
    });
  });

  it.each([
    // [title prefix, authorCount, organization, publishedAt, comments]
    ['Verifier-free Test-Time Sampling', null, { id: 'kaist-ai', name: 'KAIST AI' }, '2025-10-07', 3],
    ['LinEAS: End-to-end Learning', null, { id: 'apple', name: 'Apple' }, '2025-03-11', 1],
    ['TÜLU 3: Pushing Frontiers', 23, null, '2024-11-22', 3],
    ['LLM Unlearning Should Be Form-Independent', 3, null, '2025-06-09', 2],
    ['Improved Immiscible Diffusion', 6, null, '2025-05-24', null],
    ['Enhanced Distribution Alignment', 4, null, '2024-01-09', null],
    ['Similarity-Distance-Magnitude Universal Verification', 1, null, '2025-02-27', null],
    ['Treasure Hunt', 5, null, '2025-06-17', 4],
    ['Efficient Switchable Safety Control', 4, null, '2025-08-11', null],
  ])(
    'GIVEN the card "%s" THEN its meta block is read',
    (prefix, authorCount, organization, publishedAt, comments) => {
      expect(find(baseline.papers, prefix)).toMatchObject({
        authorCount,
        organization,
        publishedAt,
        comments,
      });
    },
  );

  it.each(NO_META)('GIVEN "%s", a card without a meta block, THEN its meta fields are null', (title) => {
    const p = find(baseline.papers, title);
    expect(p?.title).toBe(title);
    expect(p?.abstract.length).toBeGreaterThan(500);
    expect(p).toMatchObject({ authorCount: null, organization: null, publishedAt: null, comments: null });
  });

  it('gives every card an abstract and passes the Paper schema', () => {
    for (const p of baseline.papers) {
      expect(p.abstract.length).toBeGreaterThan(300);
      expect(paperSchema.parse(p)).toEqual(p);
    }
  });
});

describe('parseHfPageText resolves dates shown without a year', () => {
  it.each([
    // [asOf, page date's year, so "Jun 9" is in]
    ['2025-11-12', '2025-06-09'],
    ['2025-12-31', '2025-06-09'],
    // Nov 12 would be after Jan 5, so the page is from the year before, and so is Jun 9.
    ['2026-01-05', '2025-06-09'],
    ['2026-11-12', '2026-06-09'],
  ])('GIVEN asOf %s THEN "Jun 9" is %s', (day, expected) => {
    const { papers } = parseHfPageText(page, { asOf: day });
    expect(find(papers, 'LLM Unlearning Should Be Form-Independent')?.publishedAt).toBe(expected);
    // Dates written with a year never move.
    expect(papers[0]?.publishedAt).toBe('2024-12-02');
  });

  it('puts a yearless date after the page date in the year before', () => {
    const text = `Daily Papers\n\nFeb 3\n\n${card('Winter Paper', '  • 2 authors\n·\nDec 20')}${card('Spring Paper', '  • 2 authors\n·\nJan 30 5')}`;
    const { papers } = parseHfPageText(text, { asOf: '2026-02-10' });
    expect(papers.map((p) => [p.title, p.publishedAt, p.comments])).toEqual([
      ['Winter Paper', '2025-12-20', null],
      ['Spring Paper', '2026-01-30', 5],
    ]);
  });

  it('takes no page date from a copy that starts on a card’s date line with its year', () => {
    const text = `Jan 9, 2024\n\n${card('Autumn Paper', '  • 2 authors\n·\nOct 7')}`;
    // Placed by asOf, as with no page date: not in 2023, the year before a "Jan 9, 2024" page.
    expect(parseHfPageText(text, { asOf: '2026-12-05' }).papers[0]?.publishedAt).toBe('2026-10-07');
  });

  it('uses asOf as the reference when the page date is missing', () => {
    const text = card('Some Paper', '  • 2 authors\n·\nMar 3');
    expect(parseHfPageText(text, { asOf: '2026-03-01' }).papers[0]?.publishedAt).toBe('2025-03-03');
  });

  it('rejects an asOf that is not YYYY-MM-DD', () => {
    expect(() => parseHfPageText(page, { asOf: '12/11/2025' })).toThrow(RangeError);
  });
});

describe('parseHfPageText tolerates formatting drift', () => {
  it.each([
    ['CRLF line endings', page.replace(/\n/g, '\r\n')],
    ['stray leading and trailing spaces', page.replace(/^(.*)$/gm, '  $1 \t')],
    ['runs of blank lines', page.replace(/\n\n/g, '\n\n\n\n')],
    ['no header lines', page.split('\n').slice(10).join('\n')],
    ['no header and no page date', page.split('\n').slice(12).join('\n')],
    ['a byte order mark', `\uFEFF${page}`],
    ['a blank line after every line (double-spaced)', page.replace(/\n/g, '\n\n')],
    ['\\r\\r\\n line ends (a Windows copy converted twice)', page.replace(/\n/g, '\r\r\n')],
    ['no blank lines at all', page.replace(/\n{2,}/g, '\n')],
  ])('GIVEN %s THEN the cards are the same', (_what, text) => {
    const { papers, skipped } = parseHfPageText(text, { asOf });
    expect(skipped).toEqual([]);
    expect(papers).toEqual(baseline.papers);
  });

  it('GIVEN each title run into its abstract (no blank line between) THEN the cards are the same', () => {
    // A title line (at most 250 characters) then a blank line then an abstract line (over 300): joined.
    const glued = page.replace(/^(.{1,250})\n\n(?=.{301,})/gm, '$1\n');
    expect(glued).toContain('Adversarial Training\nWe introduce NitroFusion');
    expect(parseHfPageText(glued, { asOf })).toEqual(baseline);
  });

  it('GIVEN a title run into its hard-wrapped abstract THEN the first line is the title', () => {
    const wrapped =
      'Short Title For Testing\nWe study a problem at length and report results that improve on prior\nwork across many benchmarks, and we release code and data for all of it.';
    const { papers, skipped } = parseHfPageText(`${wrapped}\n\n  • 2 authors\n·\nMar 3\n`, {
      asOf: '2026-03-04',
    });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.abstract.slice(0, 13)])).toEqual([
      ['Short Title For Testing', 'We study a pr'],
    ]);
  });

  it('GIVEN a title-cased title as long as the wrap, run into its hard-wrapped abstract THEN it is the title', () => {
    const title = 'Noise Consistency Training: A Native Approach for One-Step Generator in Learning Controls';
    const wrapped = `${title}\nThe pursuit of efficient and controllable generation has led to one-step generators\nthat we study here at length, with results that improve on prior work across the board.\nCode is released.`;
    const { papers, skipped } = parseHfPageText(`${wrapped}\n\n  • 2 authors\n·\nMar 3\n`, {
      asOf: '2026-03-04',
    });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.abstract.slice(0, 16)])).toEqual([[title, 'The pursuit of e']]);
  });

  it('GIVEN a hard-wrapped abstract with no title THEN no line of it is taken for one', () => {
    const abstract =
      'We study a problem at length and report results that improve on prior\nwork across many benchmarks, and we release code and data for all of it\nso that others can build on the results we report here.';
    const { papers, skipped } = parseHfPageText(
      `${card('First Paper', '  • 2 authors\n·\nMar 3')}${abstract}\n\n  • 3 authors\n·\nMar 2\n`,
      {
        asOf: '2026-03-04',
      },
    );
    expect(papers.map((p) => p.title)).toEqual(['First Paper']);
    expect(skipped.map((s) => s.reason)).toEqual(['a paragraph that reads like an abstract, with no title']);
  });

  it.each([
    ['after the "·"', '  • 4 authors\n·\nAug 11', '  • 4 authors\n·'],
    ['after the author count', '  • 4 authors\n·\nAug 11', '  • 4 authors'],
    ['before the meta block', '\n\n  • 4 authors\n·\nAug 11', ''],
  ])('GIVEN the page cut short %s THEN the last card keeps what remains', (_what, ending, replacement) => {
    expect(page.endsWith(ending)).toBe(true);
    const { papers } = parseHfPageText(page.slice(0, -ending.length) + replacement, { asOf });
    expect(papers).toHaveLength(91);
    expect(papers[90]).toMatchObject({
      title: 'Efficient Switchable Safety Control in LLMs via Magic-Token-Guided Co-Training',
      authorCount: replacement === '' ? null : 4,
      publishedAt: null,
      comments: null,
    });
  });

  it.each([
    [
      'the site footer',
      'System theme\n\nCompany\n\nTOS Privacy About Careers Website\n\nModels Datasets Spaces Pricing Docs',
    ],
    ['pagination', 'Previous\n\n1\n\n2\n\n3\n\nNext'],
  ])('GIVEN %s after the last card THEN the cards are the same, and its lines are skipped', (_what, tail) => {
    const { papers, skipped } = parseHfPageText(`${page}\n\n${tail}\n`, { asOf });
    expect(papers).toEqual(baseline.papers);
    expect(skipped.map((s) => s.reason)).toEqual(
      tail.split('\n\n').map(() => 'a title with no abstract and no meta block'),
    );
  });

  it('keeps a card whose abstract paragraph is missing', () => {
    const lines = page.split('\n');
    expect(lines[14]).toMatch(/^We introduce NitroFusion/);
    lines.splice(14, 2);
    const { papers, skipped } = parseHfPageText(lines.join('\n'), { asOf });
    expect(skipped).toEqual([]);
    expect(papers[0]).toMatchObject({
      title: expect.stringMatching(/^NitroFusion/),
      abstract: '',
      comments: 2,
    });
    expect(papers[1]?.title).toMatch(/^Improved Immiscible Diffusion/);
  });

  it('skips a title that has neither abstract nor meta block, naming its line', () => {
    const lines = page.split('\n');
    expect(lines[12]).toMatch(/^NitroFusion/);
    lines.splice(12, 0, 'A Lonely Title', '');
    const { papers, skipped } = parseHfPageText(lines.join('\n'), { asOf });
    expect(papers).toHaveLength(91);
    expect(skipped).toEqual([{ where: 'line 13', reason: 'a title with no abstract and no meta block' }]);
  });

  it('reads multi-word organisation names, and titles that look like dates or numbers', () => {
    const text = [
      'Daily Papers\n\nMar 4\n\n',
      card('May 2024', 'allenai Allen Institute for AI\n·\nMar 2, 2026 7'),
      card('2048', '  • 1 author\n·\nFeb 1'),
      card('Sep 3', 'org-only\n·\nJan 9'),
    ].join('');
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-03-04' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.organization, p.authorCount, p.publishedAt, p.comments])).toEqual([
      ['May 2024', { id: 'allenai', name: 'Allen Institute for AI' }, null, '2026-03-02', 7],
      ['2048', null, 1, '2026-02-01', null],
      ['Sep 3', { id: 'org-only', name: 'org-only' }, null, '2026-01-09', null],
    ]);
  });

  it.each([
    ['a blank line between a card’s parts', (t: string) => t],
    ['no blank lines at all', (t: string) => t.replace(/\n{2,}/g, '\n')],
  ])('reads organisation names ending in punctuation or longer than 8 words, with %s', (_what, layout) => {
    const orgs = [
      'nvidia NVIDIA Inc.',
      'allenai AI2!',
      'hkust The Hong Kong University of Science and Technology',
    ];
    const text = orgs.map((org, k) => card(`Paper ${k + 1}`, `${org}\n·\nMar ${k + 1}`)).join('');
    const { papers, skipped } = parseHfPageText(layout(text), { asOf: '2026-03-04' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.organization])).toEqual([
      ['Paper 1', { id: 'nvidia', name: 'NVIDIA Inc.' }],
      ['Paper 2', { id: 'allenai', name: 'AI2!' }],
      ['Paper 3', { id: 'hkust', name: 'The Hong Kong University of Science and Technology' }],
    ]);
  });

  it('takes the end of an abstract run into the meta block for no organisation', () => {
    const text = `Wrapped Paper\n\nWe study a problem at length and report results that improve on prior work\nacross many benchmarks and settings.\n·\nMar 3\n`;
    const { papers } = parseHfPageText(text, { asOf: '2026-03-04' });
    expect(papers.map((p) => [p.title, p.organization, p.abstract.slice(-24)])).toEqual([
      ['Wrapped Paper', null, 'benchmarks and settings.'],
    ]);
  });

  it('reads the "Published on" dates of trending and single-paper pages', () => {
    const text = [
      card('Kandinsky 6.0 Video', 'kandinskylab Kandinsky Lab\n·\nPublished on Oct 4, 2026'),
      card('UniMate: One Unified Model', '  • 3 authors\n·\nPublished on Sep 4'),
    ].join('');
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-10-05' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.organization?.id ?? p.authorCount, p.publishedAt])).toEqual([
      ['Kandinsky 6.0 Video', 'kandinskylab', '2026-10-04'],
      ['UniMate: One Unified Model', 3, '2026-09-04'],
    ]);
  });

  it('skips a card whose title has no letter or digit, which would name no paper', () => {
    const text = [card('[', '  • 2 authors\n·\nMar 3'), card('-', '  • 1 author\n·\nMar 2')].join('');
    const { papers, skipped } = parseHfPageText(`${text}${card('Real Paper', '  • 4 authors\n·\nMar 1')}`, {
      asOf: '2026-03-04',
    });
    expect(papers.map((p) => p.title)).toEqual(['Real Paper']);
    expect(skipped.map((s) => s.reason)).toEqual([
      'a title needs a letter or a digit',
      'a title needs a letter or a digit',
    ]);
  });

  it('takes a date-like first title for a title, not the page date, when its abstract follows', () => {
    const { papers } = parseHfPageText(card('Nov 12', '  • 3 authors\n·\nOct 1'), { asOf: '2025-11-12' });
    expect(papers[0]).toMatchObject({ title: 'Nov 12', authorCount: 3, publishedAt: '2025-10-01' });
  });

  it('reports a meta block with no title before it', () => {
    const text = `${card('Real Paper', '  • 2 authors\n·\nMar 3')}  • 5 authors\n·\nMar 2\n`;
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-03-04' });
    expect(papers).toHaveLength(1);
    expect(skipped).toEqual([{ where: 'line 9', reason: 'a meta block with no title before it' }]);
  });
});

describe('parseHfPageText refuses text without cards', () => {
  it.each([
    ['empty', ''],
    ['only the header', 'new\n\nSubscribe\n\nDaily Papers\n\nNov 12\n'],
    ['prose', 'Dear team,\n\nplease find the papers attached.\n\nBest'],
    ['JSON', '[{"paper":{"id":"2410.17243"}}]'],
  ])('GIVEN %s THEN FeedFormatError "no paper cards found"', (_what, text) => {
    expect(() => parseHfPageText(text, { asOf })).toThrow(FeedFormatError);
    expect(() => parseHfPageText(text, { asOf })).toThrow(/no paper cards found/);
  });
});

describe('parseHfPageText on the text of a daily list page', () => {
  const ABSTRACT =
    'We study a problem at length and report results that improve on prior work across many benchmarks.';

  it('reads the vote count above each title and the GitHub stars, and makes no card of "Submitted by"', () => {
    const text = [
      'Daily Papers\n\nbyAK and the research community\n\nDec 3\n\n',
      'Submitted by\nakhaliq\n\n87\n\n',
      card('First Paper', 'GitHub 1.2k\n  • 4 authors\n·\nDec 2, 2024 2'),
      'Submitted by akhaliq\n\n12\n\n',
      `Second Paper\n\n${ABSTRACT}\n\nGitHub 3,290\n\nnvidia NVIDIA\n·\nDec 1\n\n`,
      '-\n\n',
      card('Third Paper', '  • 1 author\n·\nNov 30'),
    ].join('');
    const { papers, skipped } = parseHfPageText(text, { asOf: '2025-12-03' });
    expect(skipped).toEqual([]);
    expect(
      papers.map((p) => [
        p.title,
        p.upvotes,
        p.githubStars,
        p.authorCount ?? p.organization?.id,
        p.publishedAt,
      ]),
    ).toEqual([
      ['First Paper', 87, 1200, 4, '2024-12-02'],
      ['Second Paper', 12, 3290, 'nvidia', '2025-12-01'],
      // `-` is how the site shows a paper nobody has upvoted.
      ['Third Paper', 0, undefined, 1, '2025-11-30'],
    ]);
    expect(papers.every((p) => p.arxivId === null)).toBe(true);
  });

  it.each([
    ['-', 'the site shows it'],
    ['–', 'a copy that turned it into an en dash'],
    ['—', 'a copy that turned it into an em dash'],
  ])('GIVEN "%s" in the vote position (%s) THEN the card has no votes and nothing is skipped', (dash) => {
    const text = `Daily Papers\n\nDec 3\n\n${dash}\n\n${card('First Paper', '  • 2 authors\n·\nDec 2')}5\n\n${card('Second Paper', '  • 3 authors\n·\nDec 1')}`;
    const { papers, skipped } = parseHfPageText(text, { asOf: '2025-12-03' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.upvotes])).toEqual([
      ['First Paper', 0],
      ['Second Paper', 5],
    ]);
  });

  it('reads a vote count run into the title below it (no blank line between) as the card’s upvotes', () => {
    const text = `Daily Papers\n\nDec 3\n\n87\n${card('First Paper', '  • 2 authors\n·\nDec 2')}12\nSecond Paper\n${card('', '  • 3 authors\n·\nDec 1').trimStart()}`;
    const { papers, skipped } = parseHfPageText(text, { asOf: '2025-12-03' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.upvotes, p.abstract.slice(0, 8), p.authorCount])).toEqual([
      ['First Paper', 87, 'We study', 2],
      ['Second Paper', 12, 'We study', 3],
    ]);
  });

  it('gives a trending page’s vote count, which follows its card, to that card and not the next', () => {
    const text = [
      'Trending Papers\n\n',
      card('First Paper', 'kandinskylab Kandinsky Lab\n·\nPublished on Oct 4, 2026'),
      '117\n\nGitHub 131\n\n',
      card('Second Paper', '  • 3 authors\n·\nPublished on Oct 3, 2026'),
      '25\n',
    ].join('');
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-10-06' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.upvotes, p.githubStars])).toEqual([
      ['First Paper', 117, 131],
      ['Second Paper', 25, undefined],
    ]);
  });

  it('takes a number followed by an abstract for a title, not a vote count', () => {
    const { papers } = parseHfPageText(`87\n\n${card('2048', '  • 1 author\n·\nFeb 1')}`, {
      asOf: '2026-03-04',
    });
    expect(papers.map((p) => [p.title, p.upvotes])).toEqual([['2048', 87]]);
  });
});

describe('parseHfPageText on titles that are full sentences', () => {
  const sentence = 'Small Language Models Can Learn to Reason Well From Very Few Examples.';

  it.each([
    ['a search or trending page', ''],
    ['a daily page, the vote count above the title', '87\n\n'],
  ])('GIVEN a twelve-word title ending in "." on %s THEN it is the title, not an abstract', (_what, vote) => {
    const text = `Daily Papers\n\nMar 3\n\n${vote}${card(sentence, '  • 4 authors\n·\nMar 2')}${card('Second Paper', '  • 2 authors\n·\nMar 1')}`;
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-03-04' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.abstract.slice(0, 8), p.authorCount, p.upvotes])).toEqual([
      [sentence, 'We study', 4, vote === '' ? null : 87],
      ['Second Paper', 'We study', 2, null],
    ]);
  });

  it('still skips a lone sentence with no title above it as an abstract', () => {
    const text = `${card('First Paper', '  • 4 authors\n·\nMar 2')}${sentence}\n\n  • 2 authors\n·\nMar 1\n`;
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-03-04' });
    expect(papers.map((p) => p.title)).toEqual(['First Paper']);
    expect(skipped.map((s) => s.reason)).toEqual(['a paragraph that reads like an abstract, with no title']);
  });
});
