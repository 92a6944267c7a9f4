import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';
import { FeedFormatError, paperSchema, titleKeyId } from '../../src/papers/paper.ts';

/*
 * Markdown copies of the papers pages, as reader tools and converters save them (see test/fixtures/PROVENANCE.md):
 * a search listing by firecrawl (titles as `### [Title](…/papers/<id>)`, vote buttons as links), a listing
 * whose links are numbered references (`[Title][32]`, link targets not in the capture), and a trending page
 * converted from its HTML (every card twice, `Submitted by` lines, `GitHub 131` buttons).
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const firecrawl = fixture('hf-papers-page-firecrawl.md');
const refs = fixture('hf-papers-page-refs.md');
const trending = fixture('hf-trending-page-extracted.md');

describe('parseHfPageText on a firecrawl markdown copy of a papers listing', () => {
  const { papers, skipped } = parseHfPageText(firecrawl, { asOf: '2026-10-02' });

  // A `[-](…login?next=…)` vote button is the site's way of showing no votes: 0, as the API says.
  it('reads its five cards, with the arXiv id of each title link, and skips nothing', () => {
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.id, p.arxivId])).toEqual([
      ['2606.00683', '2606.00683'],
      ['2609.11115', '2609.11115'],
      ['2502.20581', '2502.20581'],
      ['2605.08583', '2605.08583'],
      ['2609.00319', '2609.00319'],
    ]);
    for (const p of papers) expect(paperSchema.parse(p)).toEqual(p);
  });

  it('maps the first card with its vote count, organisation and comment count', () => {
    expect(papers[0]).toEqual({
      id: '2606.00683',
      arxivId: '2606.00683',
      title: 'OCC-RAG: Optimal Cognitive Core for Faithful Question Answering',
      abstract: expect.stringMatching(
        /^Recent progress in the development of language models .* and refusal \(MuSiQue-Un\) benchmarks\.$/,
      ),
      authors: [],
      authorCount: null,
      organization: { id: 'occ-ai', name: 'OCC' },
      publishedAt: '2026-05-29',
      feedDate: null,
      upvotes: 101,
      comments: 6,
    });
  });

  it.each([
    // [arXiv id, upvotes, authorCount, organization, publishedAt, comments]
    ['2609.11115', 173, null, { id: 'CarnegieMellonU', name: 'Carnegie Mellon University' }, '2026-09-09', 9],
    ['2502.20581', 0, 3, null, '2025-02-27', null],
    ['2605.08583', 1, null, { id: 'umass', name: 'University of Massachusetts Amherst' }, '2026-05-08', 1],
    ['2609.00319', 0, 10, null, '2026-08-30', null],
  ])(
    'GIVEN the card of %s THEN its vote button and meta block are read',
    (id, upvotes, authorCount, organization, publishedAt, comments) => {
      expect(papers.find((p) => p.arxivId === id)).toMatchObject({
        upvotes,
        authorCount,
        organization,
        publishedAt,
        comments,
      });
    },
  );

  it('takes the markdown line breaks and escapes out of a hard-wrapped title and abstract', () => {
    const noisy = papers[2];
    expect(noisy?.title).toBe(
      'The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past Research',
    );
    expect(noisy?.abstract).toMatch(
      /^Academic citations are widely used for evaluating research and tracing knowledge flows\. /,
    );
    expect(noisy?.abstract).toContain('we establish the "telephone effect" - when citing papers');
    expect(noisy?.abstract).not.toMatch(/[\\[\]]/);
  });

  it.each([
    ['relative links, as some converters keep them', firecrawl.replaceAll('https://huggingface.co/', '/')],
    ['CRLF line endings', firecrawl.replace(/\n/g, '\r\n')],
    ['no front matter', firecrawl.slice(firecrawl.indexOf('---\nnew') + 4)],
  ])('GIVEN %s THEN the papers are the same', (_what, text) => {
    expect(parseHfPageText(text, { asOf: '2026-10-02' })).toEqual({ papers, skipped: [] });
  });
});

describe('parseHfPageText on a markdown copy whose links are numbered references', () => {
  const { papers, skipped } = parseHfPageText(refs, { asOf: '2026-06-29' });

  it('reads the three cards; with no link targets in the text, they have no arXiv id', () => {
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.id, p.authorCount, p.publishedAt, p.upvotes, p.comments])).toEqual([
      [
        'MURMUR: An Efficient Inference System for Long-Form ASR',
        titleKeyId('MURMUR: An Efficient Inference System for Long-Form ASR'),
        3,
        '2026-05-30',
        0,
        null,
      ],
      [
        'Gemini 1.5: Unlocking multimodal understanding across millions of tokens of context',
        titleKeyId('Gemini 1.5: Unlocking multimodal understanding across millions of tokens of context'),
        671,
        '2024-03-08',
        65,
        6,
      ],
      [
        'Speech-Aware Long Context Pruning and Integration for Contextualized Automatic Speech Recognition',
        titleKeyId(
          'Speech-Aware Long Context Pruning and Integration for Contextualized Automatic Speech Recognition',
        ),
        8,
        '2025-11-14',
        1,
        null,
      ],
    ]);
    expect(papers[0]?.abstract).toMatch(
      /^Long-form automatic speech recognition \(ASR\) requires .* https:\/\/github\.com\/uw-syfi\/Murmur\.$/,
    );
  });
});

describe('parseHfPageText on reference links whose definitions the copy holds', () => {
  // The same capture as html2text and turndown's `full` style write it whole: the numbered targets listed at
  // the end. The fixture was cut before its list, so the list is built here; the arXiv ids of the first and
  // last papers are made up (Gemini 1.5 is 2403.05530).
  const site = 'https://huggingface.co';
  const paper = (id: string) => [`${site}/papers/${id}`, `${site}/papers/${id}`, `${site}/papers/${id}`];
  const vote = (id: string) => `${site}/login?next=%2Fpapers%2F${id}`;
  const menu = ['models', 'datasets', 'spaces', 'buckets', 'docs', 'enterprise', 'pricing', 'tasks', 'chat'];
  const targets = [
    `${site}/`,
    ...menu.map((path) => `${site}/${path}`),
    ...['collections', 'languages', 'organizations', 'blog', 'posts', 'papers', 'learn'].map(
      (p) => `${site}/${p}`,
    ),
    'https://discord.com/invite/JfAtkvEtRb',
    'https://discuss.huggingface.co',
    'https://github.com/huggingface',
    ...[
      'enterprise',
      'pro',
      'support',
      'inference/models',
      'inference-endpoints',
      'storage',
      'login',
      'join',
    ].map((p) => `${site}/${p}`),
    `${site}/papers?subscribe=1`,
    `${site}/akhaliq`,
    vote('2606.01001'),
    ...paper('2606.01001'),
    vote('2403.05530'),
    ...paper('2403.05530'),
    `${site}/papers/2403.05530#community`,
    vote('2511.11111'),
    ...paper('2511.11111'),
  ];
  const definitions = targets.map((url, k) => `[${k + 1}]: ${url}`).join('\n');

  it.each([
    ['numbered definitions at the end', `${refs}\n\n${definitions}\n`],
    [
      'definitions with titles',
      `${refs}\n\n${definitions.replace(/^(\[\d+\]: \S+)$/gm, '$1 "Paper page"')}\n`,
    ],
  ])('GIVEN %s THEN each card has its arXiv id, and the list makes no card', (_what, text) => {
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-06-29' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.id, p.arxivId, p.upvotes, p.comments, p.authorCount])).toEqual([
      ['2606.01001', '2606.01001', 0, null, 3],
      ['2403.05530', '2403.05530', 65, 6, 671],
      ['2511.11111', '2511.11111', 1, null, 8],
    ]);
  });

  it('reads [Title][] and [Title] whose definitions name them by their text', () => {
    const abstract =
      'An abstract long enough to be one, about what the paper does and how well it works here.';
    const text = [
      '### [Alpha Paper][]',
      '',
      abstract,
      '',
      '* 2 authors',
      '·',
      'Jan 5',
      '',
      '### [Beta Paper]',
      '',
      abstract,
      '',
      '* 3 authors',
      '·',
      'Jan 6',
      '',
      '[alpha paper]: https://huggingface.co/papers/2401.00001',
      '[Beta Paper]: <https://huggingface.co/papers/2401.00002>',
    ].join('\n');
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-02-01' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.title, p.arxivId])).toEqual([
      ['Alpha Paper', '2401.00001'],
      ['Beta Paper', '2401.00002'],
    ]);
  });
});

describe('parseHfPageText on a text-mode browser’s dump with numbered links', () => {
  // lynx -dump (and w3m with link numbers) write each link as `[N]` before its text and list the targets,
  // numbered, under `References` at the end. Built here in that layout; the first arXiv id is made up.
  const abstract = (what: string) =>
    `We study ${what} at length and report results that improve on prior work across many benchmarks.`;
  const site = 'https://huggingface.co';
  const targets = [
    `${site}/`,
    `${site}/models`,
    `${site}/akhaliq`,
    `${site}/login?next=%2Fpapers%2F2606.01001`,
    ...Array.from({ length: 3 }, () => `${site}/papers/2606.01001`),
    `${site}/login?next=%2Fpapers%2F2403.05530`,
    ...Array.from({ length: 3 }, () => `${site}/papers/2403.05530`),
    `${site}/papers/2403.05530#community`,
  ];
  const body = [
    '   [1]Hugging Face\n     * [2]Models\n',
    '   Daily Papers\n\n   by [3]AK and the research community\n',
    '   Jun 29\n   [4]-\n   [5]MURMUR: An Efficient Inference System for Long-Form ASR\n',
    `   [6]${abstract('speech')}\n`,
    '   [7]3 authors\n   ·\n   May 30\n   [8]65\n   [9]Gemini 1.5: Unlocking multimodal understanding\n',
    `   [10]${abstract('long context')}\n`,
    '   [11]671 authors\n   ·\n   Mar 8, 2024 [12]6\n',
  ].join('\n');

  it.each([
    ['lynx: `1. https://…`', (url: string, k: number) => `${String(k + 1).padStart(4)}. ${url}`],
    ['w3m: `[1] https://…`', (url: string, k: number) => `[${k + 1}] ${url}`],
  ])(
    'GIVEN the references listed as %s THEN each card has its arXiv id, votes and comments',
    (_what, entry) => {
      const text = `${body}\nReferences\n\n${targets.map(entry).join('\n')}\n`;
      const { papers, skipped } = parseHfPageText(text, { asOf: '2026-06-29' });
      expect(skipped).toEqual([]);
      expect(
        papers.map((p) => [p.title, p.arxivId, p.upvotes, p.authorCount, p.publishedAt, p.comments]),
      ).toEqual([
        ['MURMUR: An Efficient Inference System for Long-Form ASR', '2606.01001', 0, 3, '2026-05-30', null],
        ['Gemini 1.5: Unlocking multimodal understanding', '2403.05530', 65, 671, '2024-03-08', 6],
      ]);
    },
  );
});

describe('parseHfPageText on a trending page converted from its HTML', () => {
  const { papers, skipped } = parseHfPageText(trending, { asOf: '2026-10-06' });

  it('keeps each card once, with its votes and GitHub stars, and names the repeats it skipped', () => {
    expect(papers).toEqual([
      expect.objectContaining({
        arxivId: '2610.05608',
        title: 'Kandinsky 6.0 Video: Foundation Models for Synchronized Video and Audio Generation',
        organization: { id: 'kandinskylab', name: 'Kandinsky Lab' },
        authorCount: null,
        publishedAt: '2026-10-04',
        upvotes: 117,
        githubStars: 131,
        githubRepo: 'https://github.com/kandinskylab/kandinsky-6',
      }),
      expect.objectContaining({
        arxivId: '2609.18063',
        organization: { id: 'Edge0', name: 'Edge0' },
        publishedAt: '2026-09-16',
        upvotes: 25,
        githubStars: 3290,
        githubRepo: 'https://github.com/Edge0-AI/edge0',
      }),
      expect.objectContaining({
        arxivId: '2412.20138',
        title: 'TradingAgents: Multi-Agents LLM Financial Trading Framework',
        abstract:
          'A multi-agent framework using large language models for stock trading simulates real-world trading firms, improving performance metrics like cumulative returns and Sharpe ratio.',
        organization: null,
        authorCount: 4,
        publishedAt: '2024-12-28',
        upvotes: 149,
        githubStars: 110_000,
      }),
    ]);
    expect(skipped.map((s) => s.reason)).toEqual([
      'the same paper as an earlier card (2610.05608)',
      'the same paper as an earlier card (2609.18063)',
      'the same paper as an earlier card (2412.20138)',
    ]);
  });

  it('takes no "Submitted by" user name or capture note for a card', () => {
    const titles = papers.map((p) => p.title);
    expect(titles.some((t) => /vvasilev|bupalinyu|Source HTML|Trending Papers/.test(t))).toBe(false);
  });
});

describe('parseHfPageText on a trending page copied without its "·" and dates', () => {
  // The layout of a converter's copy of the trending page (index id 53857310451 in PROVENANCE.md), built
  // here from four of its cards: `### Title`, the AI summary, `- 8 authors` (on some cards only) and
  // `[LINK: GitHub 11.3k](repo)` glued below it, every card twice, no arXiv ids and no dates.
  const card = (title: string, summary: string, authors: string | null, stars: string, repo: string) =>
    `### ${title}\n\n${summary}\n${authors ? `- ${authors}\n` : ''}[LINK: GitHub ${stars}](https://github.com/${repo})\n\n`;
  const cards = [
    card(
      'Agent Lightning: Train ANY AI Agents with Reinforcement Learning',
      'Agent Lightning is a flexible RL framework for training LLMs in various agents, using a hierarchical RL algorithm and decoupling execution from training to handle complex interactions.',
      '8 authors',
      '11.3k',
      'microsoft/agent-lightning',
    ),
    card(
      'ShapeR: Robust Conditional 3D Shape Generation from Casual Captures',
      'ShapeR generates high-fidelity 3D shapes from casual image sequences using visual-inertial SLAM, 3D detection, and vision-language models with rectified flow transformer conditioning.',
      null,
      '476',
      'facebookresearch/ShapeR',
    ),
    card(
      'SmolDocling: An ultra-compact vision-language model for end-to-end\n  multi-modal document conversion',
      'SmolDocling is a compact vision-language model that performs end-to-end document conversion with robust performance across various document types using 256M parameters and a new markup format.',
      null,
      '50.8k',
      'docling-project/docling',
    ),
    card(
      'EverMemOS: A Self-Organizing Memory Operating System for Structured Long-Horizon Reasoning',
      'EverMemOS presents a self-organizing memory system for large language models that processes dialogue streams into structured memory cells and scenes to enhance long-term interaction capabilities.',
      '11 authors',
      '1.88k',
      'EverMind-AI/EverMemOS',
    ),
  ];
  const text = [
    '# What is Papers with Code?\n**URL:** https://paperswithcode.com\n**Page Title:** Trending Papers - Hugging Face\n--------------------\n',
    'Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n',
    '## Trending Papers\n\n## by AK and the research community\n',
    cards.map((c) => c + c).join(''),
  ].join('\n');

  it('reads each card once, with its author count and GitHub stars, and names the repeats it skipped', () => {
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-01-20' });
    expect(papers.map((p) => [p.title.slice(0, 12), p.authorCount, p.githubStars, p.githubRepo])).toEqual([
      ['Agent Lightn', 8, 11_300, 'https://github.com/microsoft/agent-lightning'],
      ['ShapeR: Robu', null, 476, 'https://github.com/facebookresearch/ShapeR'],
      ['SmolDocling:', null, 50_800, 'https://github.com/docling-project/docling'],
      ['EverMemOS: A', 11, 1880, 'https://github.com/EverMind-AI/EverMemOS'],
    ]);
    expect(papers[2]?.title).toBe(
      'SmolDocling: An ultra-compact vision-language model for end-to-end multi-modal document conversion',
    );
    expect(papers.every((p) => p.abstract.endsWith('.') && p.publishedAt === null)).toBe(true);
    expect(skipped.map((s) => s.reason)).toEqual([
      'the same paper as an earlier card ("Agent Lightning: Train ANY AI Agents with Reinforcement Learning")',
      'the same paper as an earlier card ("ShapeR: Robust Conditional 3D Shape Generation from Casual Captures")',
      'the same paper as an earlier card ("SmolDocling: An ultra-compact vision-language model for end-to-end multi-modal document conversion")',
      'the same paper as an earlier card ("EverMemOS: A Self-Organizing Memory Operating System for Structured Long-Horizon Reasoning")',
    ]);
  });
});

describe('parseHfPageText on a copy that writes each link target on a line of its own', () => {
  // The layout of a notebook export of a papers listing (index id 61121252562 in PROVENANCE.md), built here
  // with short abstracts: text, blank line, URL.
  const abstract = (what: string) =>
    `We study ${what} at length and report results that improve on prior work across many benchmarks.`;
  const text = [
    'Daily Papers\n\nMar 25\n',
    ' [-] 1\n\nhttps://huggingface.co/login?next=%2Fpapers%2F2410.05434\n',
    'Better than Your Teacher\n\nhttps://huggingface.co/papers/2410.05434\n',
    `${abstract('teachers')}\n\nhttps://huggingface.co/papers/2410.05434\n`,
    '[\n\n2 authors](https://huggingface.co/papers/2410.05434)\n\n·\n\nOct 7, 2024\n',
    ' [-] 19\n\nhttps://huggingface.co/login?next=%2Fpapers%2F2409.02326\n',
    'Arctic-SnowCoder\n\nhttps://huggingface.co/papers/2409.02326\n',
    `${abstract('code data')}\n\nhttps://huggingface.co/papers/2409.02326\n`,
    '[\n\n3 authors](https://huggingface.co/papers/2409.02326)\n\n·\n\nSep 3, 2024\n',
    '2\n\nhttps://huggingface.co/papers/2409.02326#community\n',
    ' [-] 5\n\nhttps://huggingface.co/login?next=%2Fpapers%2F2510.21057\n',
    'Soft Instruction De-escalation Defense\n\nhttps://huggingface.co/papers/2510.21057\n',
    `${abstract('prompt injection')}\n\nhttps://huggingface.co/papers/2510.21057\n`,
    '[\n\n4 authors](https://huggingface.co/papers/2510.21057)\n\n·\n\nOct 23, 2025\n',
  ].join('\n');

  it('reads the arXiv ids, the vote counts and the comment count from the lines after each text', () => {
    const { papers, skipped } = parseHfPageText(text, { asOf: '2026-03-25' });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => [p.arxivId, p.upvotes, p.comments, p.authorCount, p.publishedAt])).toEqual([
      ['2410.05434', 1, null, 2, '2024-10-07'],
      ['2409.02326', 19, 2, 3, '2024-09-03'],
      ['2510.21057', 5, null, 4, '2025-10-23'],
    ]);
  });

  // The export's own head, as it writes it: its front matter and title, the site's menu a link a paragraph,
  // and the page's header in pieces (`by`, `AK`, the search box's query, a date link with no text).
  const site = 'https://huggingface.co';
  const menu = [
    ['Hugging Face', ''],
    ['Models', 'models'],
    ['Datasets', 'datasets'],
    ['Spaces', 'spaces'],
    ['Buckets new', 'storage'],
    ['Docs', 'docs'],
    ['Enterprise', 'enterprise'],
    ['Pricing', 'pricing'],
    ['Log In', 'login'],
    ['Sign Up', 'join'],
  ].map(([name, path]) => ` ${name}\n\n${site}/${path}\n`);
  const exportHead = [
    '---\nsource_id: "fb9b52af-30ae-4b00-83de-19e0baa3bb8f"\ntitle: "Daily Papers - Hugging Face"',
    `url: ${site}/papers?q=Intercode%20Bash\ntype: web_page\nexported: 2026-07-28\n---\n`,
    '# Daily Papers - Hugging Face\nDaily Papers - Hugging Face\n',
    ...menu,
    'new\n\nGet trending papers in your email inbox once a day!\n\nGet trending papers in your email inbox!\n',
    `Subscribe\n\n${site}/login?next=%2Fpapers\n`,
    `Daily Papers\n\nby \n\nAK\n\n${site}/akhaliq\n\n and the research community\n\nIntercode Bash\n`,
    `Daily\n\nWeekly\n\nMonthly \n\n${site}/papers/trending\n\n \n\n${site}/papers/date/2026-03-24\n`,
  ].join('\n');

  it('GIVEN the export’s head and the site’s menu above the cards THEN none of it is skipped as a card', () => {
    const whole = `${exportHead}\n${text.replace(/^Daily Papers\n\n/, '')}`;
    expect(parseHfPageText(whole, { asOf: '2026-03-25' })).toEqual(
      parseHfPageText(text, { asOf: '2026-03-25' }),
    );
  });

  it('takes an organisation’s id from the link of a name written alone', () => {
    const google = text.replace(
      '[\n\n4 authors](https://huggingface.co/papers/2510.21057)',
      ` Google\n\n${site}/google`,
    );
    const { papers } = parseHfPageText(google, { asOf: '2026-03-25' });
    expect(papers.at(-1)).toMatchObject({
      arxivId: '2510.21057',
      organization: { id: 'google', name: 'Google' },
    });
  });
});

describe('parseHfPageText on markdown that is no papers page', () => {
  it.each([
    ['a README', '# Project\n\nSee [the docs](https://example.com/docs) for more.\n\n- one\n- two\n'],
    [
      'only the page header',
      '# Daily Papers\n\n## by [AK](https://huggingface.co/akhaliq) and the research community\n',
    ],
    [
      'a paper page with no abstract',
      '[Papers](https://huggingface.co/papers)\n\narxiv:2412.01234\n\nSome Title\n=====\n\nPublished on Dec 2, 2024\n',
    ],
  ])('GIVEN %s THEN FeedFormatError "no paper cards found"', (_what, text) => {
    expect(() => parseHfPageText(text, { asOf: '2026-01-01' })).toThrow(FeedFormatError);
    expect(() => parseHfPageText(text, { asOf: '2026-01-01' })).toThrow(/no paper cards found/);
  });
});

describe('parseHfPageText on hostile markdown', () => {
  const markdown = '[a link](https://example.com)\n';
  it.each([
    ['a million lone "[" lines', `${markdown}${'[\n'.repeat(1_000_000)}`],
    [
      'a million link ends',
      `${markdown}${'](https://huggingface.co/papers/2412.01234)\n'.repeat(1_000_000)}`,
    ],
    ['a million "Submitted by" lines', `${markdown}${'Submitted by\n'.repeat(1_000_000)}`],
    ['a line of 900,000 unclosed brackets', `${markdown}${'['.repeat(900_000)}\n`],
    ['a line of 300,000 nested image brackets', `${markdown}${'!['.repeat(300_000)}${']'.repeat(300_000)}\n`],
    ['a line of 300,000 link starts with no end', `${markdown}${'[a]('.repeat(300_000)}\n`],
  ])(
    'GIVEN %s THEN it is refused with one sentence, in time linear in its size',
    (_what, text) => {
      expect(() => parseHfPageText(text, { asOf: '2026-01-01' })).toThrow(/no paper cards found/);
    },
    30_000,
  );
});

describe('parseHfPageText on emphasis and entities a converter left', () => {
  const cards = [
    '### **[Alpha &amp; Beta: Tools](https://huggingface.co/papers/2401.00001)**',
    '',
    'We study &lt;think&gt; tokens and the model&#39;s reasoning across **many** tasks, with care and at length.',
    '',
    '* 3 authors',
    '·',
    'Jan 5',
    '',
    '## _[Gamma Delta](https://huggingface.co/papers/2401.00002)_ ##',
    '',
    'A second abstract long enough to be one, about caf&#xE9; data and nothing else of note at all here.',
    '',
    '* 2 authors',
    '·',
    'Jan 6',
  ].join('\n');

  it('reads titles and abstracts as the page shows them: no markers, entities decoded', () => {
    const { papers } = parseHfPageText(cards, { asOf: '2026-02-01' });
    expect(papers.map((p) => [p.arxivId, p.title])).toEqual([
      ['2401.00001', 'Alpha & Beta: Tools'],
      ['2401.00002', 'Gamma Delta'],
    ]);
    expect(papers[0]?.abstract).toBe(
      "We study <think> tokens and the model's reasoning across many tasks, with care and at length.",
    );
    expect(papers[1]?.abstract).toContain('café data');
  });

  it('stays linear on a long line of unclosed bold markers', () => {
    const hostile = `### [T](https://huggingface.co/papers/2401.00001)\n\n${'**a '.repeat(250_000)}\n\n* 2 authors\n·\nJan 5`;
    // Read, not hung: the markers left as they are on a line that long, the card still found.
    expect(parseHfPageText(hostile, { asOf: '2026-02-01' }).papers.map((p) => p.title)).toEqual(['T']);
  });
});

describe('parseHfPageText on titles that open with a bracketed token', () => {
  it('keeps [MASK] and [Re] as the title’s own words, while an image placeholder in a link still goes', () => {
    const text = [
      '### [[MASK] is All You Need](https://huggingface.co/papers/2401.00001)',
      '',
      'An abstract long enough to be one, about masked tokens and what they are for in the models we train.',
      '',
      '* 2 authors',
      '·',
      'Jan 5',
      '',
      '### [[Re] Exacerbating Algorithmic Bias](https://huggingface.co/papers/2401.00002)',
      '',
      'Another abstract long enough to be one, a reproduction of a study and what it found in the end here.',
      '',
      '[[image] AK](https://huggingface.co/akhaliq) · 3 authors',
      '·',
      'Jan 6',
    ].join('\n');
    const { papers } = parseHfPageText(text, { asOf: '2026-02-01' });
    expect(papers.map((p) => p.title)).toEqual([
      '[MASK] is All You Need',
      '[Re] Exacerbating Algorithmic Bias',
    ]);
  });
});

describe('parseHfPageText on an organisation linked without its avatar', () => {
  it('takes the organisation’s id from its link, and a submitter’s linked name for no organisation', () => {
    const text = [
      '### [Scaling Things Up](https://huggingface.co/papers/2401.00001)',
      '',
      'An abstract long enough to be one, about scaling things up and what happens then in the models.',
      '',
      '[KAIST AI](https://huggingface.co/kaist-ai)',
      '* 2 authors',
      '·',
      'Jan 5',
      '',
      '### [Another Paper](https://huggingface.co/papers/2401.00002)',
      '',
      'Another abstract long enough to be one, about another thing entirely and what came of it here.',
      '',
      'Submitted by',
      '',
      '[AK](https://huggingface.co/akhaliq)',
      '',
      '* 3 authors',
      '·',
      'Jan 6',
    ].join('\n');
    const { papers } = parseHfPageText(text, { asOf: '2026-02-01' });
    expect(papers.map((p) => [p.arxivId, p.organization])).toEqual([
      ['2401.00001', { id: 'kaist-ai', name: 'KAIST AI' }],
      ['2401.00002', null],
    ]);
  });
});
