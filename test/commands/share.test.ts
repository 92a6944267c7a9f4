import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import { shareCommand } from '../../commands/share.ts';
import type { Reply } from '../../src/chat/platform.ts';
import { paper } from '../contract/store.contract.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type Archive, clients, context, openArchive } from './archive.ts';

describe('/papers share', () => {
  let fake: FakeHf;
  let archive: Archive;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.requests.length = 0;
    // The page fixture only: the daily feed's papers are known to the fake HF but not yet archived.
    archive = await openArchive(['page']);
  });
  afterEach(() => archive.close());

  const share = (paper: string, note?: string): Promise<Reply> =>
    shareCommand.run(context(archive.store, clients(fake.url, fake.arxivUrl)), {
      paper,
      ...(note === undefined ? {} : { note }),
    });
  const paths = () => fake.requests.map((r) => r.path);

  it('GIVEN a paper in the archive THEN posts it for the channel, credited, with no request', async () => {
    const title = 'LLM Unlearning Should Be Form-Independent';
    await archive.store.upsertPapers([paper({ arxivId: '2506.07795', title })]);
    const reply = await share('arXiv:2506.07795v2', 'read this <!channel>');
    expect(reply.visibility).toBe('channel');
    expect(reply.papers).toEqual([
      {
        paper: expect.objectContaining({ title }),
        sharedBy: 'slack:U1',
        sharedByName: 'Ada',
        note: 'read this <!channel>',
      },
    ]);
    expect(paths()).toEqual([]);
  });

  it.each([
    ['a bare id', '2410.17243'],
    ['an arXiv URL with a version', 'https://arxiv.org/abs/2410.17243v2'],
    ['a PDF URL', 'https://arxiv.org/pdf/2410.17243v1.pdf'],
    ['a Hugging Face URL', 'https://huggingface.co/papers/2410.17243'],
  ])('GIVEN %s not archived THEN fetched from Hugging Face and archived', async (_what, input) => {
    const reply = await share(input);
    expect(reply.visibility).toBe('channel');
    expect(reply.papers?.[0]?.paper).toMatchObject({ id: '2410.17243', upvotes: expect.any(Number) });
    expect(reply.papers?.[0]).not.toHaveProperty('note');
    expect(paths()).toEqual(['/api/papers/2410.17243']);
    expect(await archive.store.getPaper('2410.17243')).toMatchObject({
      title: expect.stringMatching(/^Breaking/),
    });
  });

  it('GIVEN a paper Hugging Face does not know THEN falls back to arXiv and archives it', async () => {
    const reply = await share('hep-ex/0307015');
    expect(reply.visibility).toBe('channel');
    expect(reply.papers?.[0]?.paper.arxivId).toBe('hep-ex/0307015');
    expect(paths()).toEqual(['/api/papers/hep-ex/0307015', '/api/query']);
    expect(await archive.store.getPaper('hep-ex/0307015')).not.toBeNull();
  });

  it('GIVEN an id nobody knows THEN tells only the person', async () => {
    expect(await share('2501.99999')).toEqual({
      visibility: 'ephemeral',
      text: 'Neither Hugging Face nor arXiv know 2501.99999. Check the id.',
    });
  });

  it('GIVEN Hugging Face answering 500 THEN arXiv is asked, and the person hears what failed', async () => {
    fake.script('/api/papers/2410.17243', [{ status: 500 }]);
    const reply = await share('2410.17243');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toMatch(
      /^I could not look up 2410\.17243: Hugging Face answered 500, and arXiv does not know it\. Try again in a minute\.$/,
    );
  });

  it('GIVEN Hugging Face down but arXiv up THEN shares from arXiv', async () => {
    fake.script('/api/papers/hep-ex/0307015', [{ status: 503 }]);
    const reply = await share('hep-ex/0307015');
    expect(reply.visibility).toBe('channel');
  });

  it('GIVEN both services down THEN one clear sentence, no exception', async () => {
    fake.script('/api/papers/2410.17243', [{ status: 502 }]);
    fake.script('/api/query', [{ status: 503 }]);
    const reply = await share('2410.17243');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toBe(
      'I could not look up 2410.17243: Hugging Face answered 502, and arXiv answered 503. Try again in a minute.',
    );
  });

  it.each([
    ['words', 'this is great'],
    ['a non-paper URL', 'https://example.com/2410.17243'],
    ['5,000 characters', 'x'.repeat(5000)],
  ])('GIVEN %s THEN "I could not find an arXiv id", no request', async (_what, input) => {
    const reply = await share(input);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toMatch(/^I could not find an arXiv id in ".{1,60}"/);
    expect(paths()).toEqual([]);
  });

  it.each([
    ['alphaXiv', 'https://www.alphaxiv.org/abs/2410.17243'],
    ['the arXiv DOI', 'https://doi.org/10.48550/arXiv.2410.17243'],
    ["Hugging Face's short link", 'https://hf.co/papers/2410.17243'],
    ['Slack-wrapped', '<https://arxiv.org/abs/2410.17243|arxiv.org/abs/2410.17243>'],
    ['upper case', 'ARXIV:2410.17243V2'],
    ['a Google Scholar citation', 'arXiv preprint arXiv:2410.17243'],
  ])('GIVEN %s naming an archived paper THEN shares it, with the note after it', async (_what, typed) => {
    await archive.store.upsertPapers([
      paper({ arxivId: '2410.17243', title: 'Breaking the Memory Barrier' }),
    ]);
    const parsed = parseCommandText(`share ${typed} worth a read`, COMMANDS);
    if ('error' in parsed) throw new Error(parsed.error);
    const reply = await parsed.command.run(
      context(archive.store, clients(fake.url, fake.arxivUrl)),
      parsed.args,
    );
    expect(reply.visibility).toBe('channel');
    expect(reply.papers?.[0]).toMatchObject({
      paper: expect.objectContaining({ id: '2410.17243' }),
      note: 'worth a read',
    });
    expect(paths()).toEqual([]);
  });

  it.each([
    ['9999.99999', /^9999\.99999 is not an arXiv id: month 99 does not exist/],
    ['2410.1724', /^2410\.1724 is not an arXiv id: ids from January 2015 on have 5 digits after the dot/],
    ['2410.17243v0', /^2410\.17243v0 is not an arXiv id: versions start at v1/],
    ['https://arxiv.org/abs/2410.17243v0', /^2410\.17243v0 is not an arXiv id: versions start at v1/],
  ])('GIVEN the impossible id %j THEN says at once why it is none, asking nobody', async (typed, why) => {
    const reply = await share(typed);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toMatch(why);
    expect(reply.text).not.toMatch(/could not be reached|Try again/);
    expect(paths()).toEqual([]);
  });

  it.each([300, 3000])('keeps a note of %i words to 500 characters, cut at a word', async (words) => {
    const reply = await share('2410.17243', 'word '.repeat(words));
    expect(reply.papers?.[0]?.note?.length).toBeLessThanOrEqual(501);
    expect(reply.papers?.[0]?.note).toMatch(/word…$/);
  });
});
