import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { searchCommand } from '../../commands/search.ts';
import { paper } from '../contract/store.contract.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type Archive, clients, context, openArchive } from './archive.ts';

describe('/papers <query>', () => {
  let archive: Archive;
  beforeEach(async () => {
    archive = await openArchive();
  });
  afterEach(() => archive.close());

  const search = (query: string) => searchCommand.run(context(archive.store), { query });

  it('GIVEN unlearning THEN five ranked, shareable results, only for the person who asked', async () => {
    const reply = await search('unlearning');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.title).toBe('Papers matching "unlearning"');
    expect(reply.papers).toHaveLength(5);
    expect(reply.papers?.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const item of reply.papers ?? []) {
      expect(item.shareable).toBe(true);
      expect(item.paper.title).toMatch(/unlearn/i);
    }
  });

  it("GIVEN words that do not all match THEN partial matches and the store's notice", async () => {
    const reply = await search('unlearning zyxwvut');
    expect(reply.text).toBe('No paper matches every word, so these match some of them.');
    expect(reply.papers?.length).toBeGreaterThan(0);
  });

  it.each([
    ['shar 2410.99999', 'Did you mean /papers share 2410.99999?'],
    ['todya', 'Did you mean /papers today?'],
    ['roundpu on 09:00', 'Did you mean /papers roundup on 09:00?'],
    ['wtach zyxwvut', 'Did you mean /papers watch zyxwvut?'],
  ])(
    'GIVEN %j, a slip for a subcommand that finds nothing as typed, THEN the command it likely meant',
    async (query, hint) => {
      const reply = await search(query);
      expect(reply.text?.split('\n')).toContain(hint);
    },
  );

  it('GIVEN a first word that finds papers as typed THEN no hint, however near a subcommand', async () => {
    // "match" is one letter from "watch", and a word papers hold.
    const reply = await search('match');
    expect(reply.papers?.length).toBeGreaterThan(0);
    expect(reply.text ?? '').not.toMatch(/Did you mean/);
  });

  it('GIVEN words nothing matches THEN a friendly sentence suggesting other words', async () => {
    const reply = await search('zyxwvut');
    expect(reply).toEqual({
      visibility: 'ephemeral',
      text: 'No papers match "zyxwvut". Try other or fewer words, or a broader term.',
    });
  });

  it('GIVEN an empty archive THEN says how to fill it', async () => {
    const empty = await openArchive([]);
    try {
      const reply = await searchCommand.run(context(empty.store), { query: 'unlearning' });
      expect(reply.text).toMatch(/archive is empty.*npx paperboy fetch/);
    } finally {
      await empty.close();
    }
  });

  it.each([
    ['only punctuation', '!!! ???'],
    ['only excluded words', '-survey'],
    ['emoji', '🔥🔥'],
  ])('GIVEN %s THEN one sentence, no failure', async (_what, query) => {
    const reply = await search(query);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toMatch(/\w/);
  });

  it('GIVEN 5,000 characters and <!channel> THEN a shortened title and the store notice', async () => {
    const reply = await search(`<!channel> unlearning ${'x'.repeat(5000)}`);
    expect(reply.title?.length).toBeLessThan(100);
    expect(reply.text ?? '').toMatch(/long|No papers/);
  });
});

describe('/papers <id or link>', () => {
  let fake: FakeHf;
  let archive: Archive;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.requests.length = 0;
    archive = await openArchive(['page']);
  });
  afterEach(() => archive.close());

  const search = (query: string) =>
    searchCommand.run(context(archive.store, clients(fake.url, fake.arxivUrl)), { query });

  it.each([
    ['a bare id', '2410.17243'],
    ['an id with a version', '2410.17243v3'],
    ['an arXiv abs URL', 'https://arxiv.org/abs/2410.17243v2'],
    ['an arXiv PDF URL', 'https://arxiv.org/pdf/2410.17243v1.pdf'],
    ['a Hugging Face papers URL', 'https://huggingface.co/papers/2410.17243'],
  ])('GIVEN %s not yet archived THEN that paper, fetched, archived and shareable', async (_what, query) => {
    const reply = await search(query);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers).toEqual([
      expect.objectContaining({
        rank: 1,
        shareable: true,
        paper: expect.objectContaining({ id: '2410.17243' }),
      }),
    ]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/papers/2410.17243']);
    expect(await archive.store.getPaper('2410.17243')).not.toBeNull();
  });

  it('GIVEN an archived paper id THEN it is shown without asking anyone', async () => {
    await archive.store.upsertPapers([
      paper({ arxivId: '2506.07795', title: 'LLM Unlearning Should Be Form-Independent' }),
    ]);
    const reply = await search('arxiv.org/abs/2506.07795');
    expect(reply.papers?.[0]?.paper.title).toBe('LLM Unlearning Should Be Form-Independent');
    expect(fake.requests).toEqual([]);
  });

  it.each([
    'https://www.alphaxiv.org/abs/2410.17243',
    'https://ar5iv.labs.arxiv.org/html/2410.17243',
    'https://doi.org/10.48550/arXiv.2410.17243',
    'https://hf.co/papers/2410.17243',
    'https://huggingface.co/papers/2410.17243#community',
    'http://export.arxiv.org/pdf/2410.17243v1.pdf',
    '<https://arxiv.org/abs/2410.17243>',
    '<https://arxiv.org/abs/2410.17243|arxiv.org/abs/2410.17243>',
    'ARXIV:2410.17243V2',
    'https://arxiv.org/abs/2410.17243v',
    'abs/2410.17243',
    'arXiv preprint arXiv:2410.17243',
    'arXiv:2410.17243 [cs.LG]',
  ])('GIVEN %j naming an archived paper THEN that paper, without asking anyone', async (query) => {
    await archive.store.upsertPapers([
      paper({ arxivId: '2410.17243', title: 'Breaking the Memory Barrier' }),
    ]);
    const reply = await search(query);
    expect(reply.title).toBe('arXiv 2410.17243');
    expect(reply.papers?.map((p) => p.paper.title)).toEqual(['Breaking the Memory Barrier']);
    expect(fake.requests).toEqual([]);
  });

  it('GIVEN an old-style id, marked and versioned THEN the archived paper', async () => {
    await archive.store.upsertPapers([paper({ arxivId: 'hep-th/9901001', title: 'An Old Paper' })]);
    const reply = await search('arXiv:HEP-TH/9901001v2');
    expect(reply.papers?.map((p) => p.paper.title)).toEqual(['An Old Paper']);
    expect(fake.requests).toEqual([]);
  });

  it('GIVEN an id no paper can have THEN says why at once, asking nobody', async () => {
    const reply = await search('9999.99999');
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toMatch(/^9999\.99999 is not an arXiv id: month 99 does not exist/);
    expect(fake.requests).toEqual([]);
  });

  it('GIVEN an id nobody knows THEN one sentence saying so, not an empty word search', async () => {
    const reply = await search('2401.99999');
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toMatch(/2401\.99999/);
  });

  it('GIVEN an id among other words THEN it is a word search', async () => {
    const reply = await search('unlearning 2410.17243');
    expect(reply.title).toMatch(/^Papers matching/);
  });
});
