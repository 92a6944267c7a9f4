import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderReply } from '../../adapters/console/render.ts';
import { COMMANDS } from '../../commands/index.ts';
import { likeCommand } from '../../commands/like.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { PaperStore } from '../../src/store/port.ts';
import type { SqliteStore } from '../../src/store/sqlite/store.ts';
import { paper } from '../contract/store.contract.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { storesUnderTest } from '../store/stores-under-test.ts';
import { clients, context } from './archive.ts';

const TARGET = '2401.00001';
/** A small archive where the answer is known: two diffusion-distillation papers, one co-voted, the rest apart. */
const ARCHIVE: Paper[] = [
  paper({
    arxivId: TARGET,
    title: 'Consistency Distillation for Diffusion Samplers',
    abstract: 'We distill diffusion samplers into few-step students with consistency distillation.',
  }),
  paper({
    arxivId: '2401.00002',
    title: 'Progressive Distillation of Diffusion Samplers',
    abstract: 'Halving sampling steps repeatedly by distillation keeps diffusion quality.',
  }),
  paper({
    arxivId: '2401.00003',
    title: 'Diffusion Samplers for Audio',
    abstract: 'Audio generation with diffusion samplers and a vocoder.',
  }),
  paper({
    arxivId: '2401.00004',
    title: 'Reward Hacking in Preference Optimization',
    abstract: 'Policies exploit reward proxies during preference optimization.',
  }),
  ...[
    ['Machine Unlearning for Language Models', 'Forgetting training examples on request.'],
    ['Graph Networks for Molecules', 'Message passing predicts molecular properties.'],
    ['Speculative Decoding at Scale', 'Draft tokens verified by a larger target.'],
    ['Retrieval Augmented Question Answering', 'Retrieved passages ground answers.'],
    ['Sparse Autoencoders Find Features', 'Dictionary learning on residual activations.'],
    ['Scaling Laws for Robot Imitation', 'More demonstrations help manipulation.'],
  ].map(([title, abstract], i) => paper({ arxivId: `2401.0001${i}`, title: title!, abstract })),
];

async function vote(store: PaperStore, message: string, paperId: string, user: string): Promise<void> {
  await store.recordPost({
    message,
    channel: 'slack:C1',
    paperId,
    kind: 'share',
    postedBy: null,
    postedAt: '2025-11-01T00:00:00.000Z',
  });
  await store.addReaction({ message, user, emoji: '+1', at: '2025-11-01T01:00:00.000Z' });
}

const { stores: STORES, cleanup } = await storesUnderTest('like');
afterAll(cleanup, 120_000);

describe.each(STORES)('/papers like on %s', (_name, open) => {
  let fake: FakeHf;
  let store: PaperStore;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    store = await open();
    await store.upsertPapers(ARCHIVE);
    // Two people voted for the target and for the reward-hacking paper, whose words share nothing with it.
    for (const user of ['slack:U1', 'slack:U2']) {
      await vote(store, 'slack:C1:1', TARGET, user);
      await vote(store, 'slack:C1:4', '2401.00004', user);
    }
  });
  afterEach(() => store.close());

  const like = (paperArg: string) =>
    likeCommand.run(context(store as SqliteStore, clients(fake.url)), { paper: paperArg });

  it('lists the papers sharing its distinctive words and its voters, each saying why, never itself', async () => {
    const reply = await like(`https://arxiv.org/abs/${TARGET}v2`);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.title).toBe('Papers like “Consistency Distillation for Diffusion Samplers”');
    const shown = (reply.papers ?? []).map((i) => [i.paper.arxivId, i.reason]);
    expect(shown[0]?.[0]).toBe('2401.00002');
    expect(shown[0]?.[1]).toMatch(/^shares: .*distillation/);
    expect(shown[0]?.[1]).toMatch(/diffusion|samplers/);
    expect(shown).toContainEqual(['2401.00004', '2 of the same voters']);
    expect(shown.map(([id]) => id)).toContain('2401.00003');
    expect(shown.map(([id]) => id)).not.toContain(TARGET);
    // Papers with nothing in common are not listed.
    expect(shown.map(([id]) => id)).not.toContain('2401.00010');
    for (const item of reply.papers ?? []) expect(item.shareable).toBe(true);
  });

  it('shows why on the console', async () => {
    const text = renderReply(await like(TARGET));
    expect(text).toMatch(
      / 1\. Progressive Distillation of Diffusion Samplers\n(?:.*\n)*? {4}Why: shares: .*distillation/,
    );
    expect(text).toContain('Why: 2 of the same voters');
  });

  it('GIVEN a paper the archive lacks THEN fetches and archives it as share does', async () => {
    const reply = await like('https://huggingface.co/papers/2410.17243');
    expect(fake.requests.map((r) => r.path)).toContain('/api/papers/2410.17243');
    expect(await store.getPaper('2410.17243')).not.toBeNull();
    expect(reply.title ?? reply.text).toMatch(/Breaking the Memory Barrier/);
  });

  it('GIVEN a paper alike to nothing THEN says so in one sentence', async () => {
    const reply = await like('2401.00013');
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toMatch(
      /^Nothing in the archive is much like “Retrieval Augmented Question Answering” yet/,
    );
  });

  it('GIVEN papers sharing only the filler of abstracts THEN none is alike, and no reason names filler', async () => {
    const filler = 'This abstract is about things: an old idea, whose various aspects we study';
    await store.upsertPapers([
      paper({
        arxivId: 'hep-th/9901001',
        title: 'Dualities of Strings on Orbifolds',
        abstract: `${filler}.`,
      }),
      paper({ arxivId: 'hep-th/9901002', title: 'Counting Black Hole Entropy', abstract: `${filler}.` }),
      paper({
        arxivId: 'hep-th/9901003',
        title: 'Orbifolds and Strings Revisited',
        abstract: `${filler}, with more strings.`,
      }),
    ]);
    const reply = await like('hep-th/9901001');
    const shown = (reply.papers ?? []).map((i) => [i.paper.arxivId, i.reason]);
    expect(shown).toEqual([
      ['hep-th/9901003', expect.stringMatching(/^shares: (strings, orbifolds|orbifolds, strings)$/)],
    ]);
  });

  it('GIVEN an id and more words THEN says the words are too many, not that there is no id', async () => {
    const reply = await like(`${TARGET} extra`);
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toBe(
      `"${TARGET} extra" has more than the arXiv id ${TARGET}: give the id or link alone, without "extra".`,
    );
    expect((await like(`please arXiv:${TARGET} thanks`)).text).toMatch(/without "please … thanks"\.$/);
  });

  it('GIVEN no arXiv id THEN a clear sentence', async () => {
    const reply = await like('diffusion please');
    expect(reply.text).toMatch(/could not find an arXiv id in "diffusion please"/);
  });
});

describe('/papers help', () => {
  it('lists like', () => {
    expect(COMMANDS.map((c) => c.name)).toContain('like');
  });
});
