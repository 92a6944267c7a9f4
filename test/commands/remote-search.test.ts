import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REMOTE_HEADING } from '../../commands/remote-search.ts';
import { searchCommand } from '../../commands/search.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type Archive, clients, context, openArchive } from './archive.ts';

const SEARCH = '/api/papers/search';
/** The recorded `q=kazakh` response's first five papers, none of them in the archive. */
const KAZAKH = ['2404.04487', '2403.19399', '2403.19335', '2111.13419', '2404.01033'];

describe('/papers <query> with Hugging Face search (SEARCH_REMOTE=on)', () => {
  let fake: FakeHf;
  let archive: Archive;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.requests.length = 0;
    archive = await openArchive();
  });
  afterEach(() => archive.close());

  const search = (query: string, remoteSearch = true) =>
    searchCommand.run(context(archive.store, { ...clients(fake.url), remoteSearch }), { query });
  const searchRequests = () => fake.requests.filter((r) => r.path === SEARCH);

  it('GIVEN nothing in the archive matches THEN Hugging Face’s papers under their own heading, shareable', async () => {
    const reply = await search('kazakh');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toBe('No papers in the archive match "kazakh".');
    expect(reply.sections).toHaveLength(1);
    const [section] = reply.sections ?? [];
    expect(section?.title).toBe(REMOTE_HEADING);
    expect(section?.papers.map((i) => i.paper.arxivId)).toEqual(KAZAKH);
    for (const item of section?.papers ?? []) {
      expect(item.shareable).toBe(true);
      expect(item.paper.feedDate).toBeNull();
      expect(item.paper.teamVotes).toBe(0);
    }
    expect(searchRequests()).toHaveLength(1);
  });

  it('GIVEN remote hits THEN none is written to the archive', async () => {
    await search('kazakh');
    for (const id of KAZAKH) expect(await archive.store.getPaper(id)).toBeNull();
    expect(await archive.store.countPapers()).toBe(120);
  });

  it('GIVEN a thin archive answer THEN a paper the archive already shows is not repeated', async () => {
    // One archive result (<3), and Hugging Face's only hit for these words is that same paper.
    const reply = await search('memory barrier');
    expect(reply.papers?.map((i) => i.paper.arxivId)).toEqual(['2410.17243']);
    expect(reply.sections).toBeUndefined();
    expect(searchRequests()).toHaveLength(1);
  });

  it('GIVEN a good archive answer THEN Hugging Face is not asked', async () => {
    const reply = await search('unlearning');
    expect(reply.papers).toHaveLength(5);
    expect(reply.sections).toBeUndefined();
    expect(searchRequests()).toHaveLength(0);
  });

  it('GIVEN SEARCH_REMOTE=off THEN Hugging Face is never asked', async () => {
    const reply = await search('kazakh', false);
    expect(reply.text).toBe('No papers match "kazakh". Try other or fewer words, or a broader term.');
    expect(reply.sections).toBeUndefined();
    expect(searchRequests()).toHaveLength(0);
  });

  it('sends only the words searched for, not exclusions or quotes', async () => {
    await search('"kazakh" -survey');
    expect(searchRequests()[0]?.query.q).toBe('kazakh');
  });

  it.each([
    ['a 500', { status: 500 }],
    ['a 503', { status: 503 }],
    ['an HTML page', { body: '<!doctype html><html><body>down</body></html>' }],
    ['malformed JSON', { body: '[{"paper": {"id": "2404.04487", "title": ' }],
    ['an error object', { body: '{"error":"Invalid query"}' }],
  ])('GIVEN %s THEN the archive’s results and a one-line notice', async (_what, answer) => {
    fake.script(SEARCH, [answer]);
    const reply = await search('memory barrier');
    expect(reply.papers?.map((i) => i.paper.arxivId)).toEqual(['2410.17243']);
    expect(reply.sections).toBeUndefined();
    expect(reply.text).toBe(
      "Hugging Face's paper search is not answering just now, so only the archive's papers are shown.",
    );
  });

  it('GIVEN a search that never answers THEN the archive’s answer and the notice once the budget is spent', async () => {
    fake.script(SEARCH, [{ hang: true }]);
    const reply = await search('kazakh');
    expect(reply.sections).toBeUndefined();
    expect(reply.text).toBe(
      'No papers match "kazakh". Try other or fewer words, or a broader term.\n' +
        "Hugging Face's paper search is not answering just now, so only the archive's papers are shown.",
    );
  });
});
