import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackCall } from '../../fakes/slack-api.ts';
import { blocksOf, respondedTo, SEED_PAPERS, type SlackHarness, startSlackHarness } from './harness.ts';

const shareButtons = (call: SlackCall) =>
  (call.body.blocks as { accessory?: { action_id: string; value: string } }[])
    .map((b) => b.accessory)
    .filter((a) => a?.action_id === 'share_paper')
    .map((a) => a?.value);

describe('Slack: a thin search topped up from Hugging Face, through Bolt and the real bot', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ remoteSearch: true });
  });
  afterAll(() => h.close());

  it('GIVEN the archive lacks the topic THEN Hugging Face’s papers under their own heading, each with Share', async () => {
    const { res, responseUrl } = await h.command('kazakh');
    expect(res.status).toBe(200);
    const call = await respondedTo(h, responseUrl);
    expect(call.body).toMatchObject({ response_type: 'ephemeral' });
    const blocks = blocksOf(call);
    expect(blocks).toContain("From Hugging Face, not yet in the team's archive");
    expect(blocks).toContain('KazQAD: Kazakh Open-Domain Question Answering Dataset');
    expect(shareButtons(call)).toEqual([
      '2404.04487',
      '2403.19399',
      '2403.19335',
      '2111.13419',
      '2404.01033',
    ]);
    expect(await h.store.getPaper('2404.04487')).toBeNull();
  });

  it('GIVEN Share on one THEN it is fetched, archived without a feed day, and posted', async () => {
    const { responseUrl } = await h.pressShare('2403.19399', { user: 'U0ALICE', channel: 'C0GENERAL' });
    const post = await h.api.waitFor(
      (c) => c.method === 'chat.postMessage' && blocksOf(c).includes('KazParC: Kazakh Parallel Corpus'),
    );
    expect(post.body.channel).toBe('C0GENERAL');
    expect(JSON.stringify((await respondedTo(h, responseUrl)).body)).toContain('Shared');
    expect(await h.store.getPaper('2403.19399')).toMatchObject({
      title: 'KazParC: Kazakh Parallel Corpus for Machine Translation',
      feedDate: null,
    });
    expect(h.hf.requests.some((r) => r.path === '/api/papers/2403.19399')).toBe(true);
  });

  it('GIVEN Hugging Face fails THEN the archive’s papers and a one-line notice', async () => {
    h.hf.script('/api/papers/search', [{ status: 502 }]);
    const { responseUrl } = await h.command('unlearning');
    const call = await respondedTo(h, responseUrl);
    const blocks = blocksOf(call);
    for (const p of SEED_PAPERS) expect(blocks).toContain(p.title);
    expect(blocks).toContain('paper search is not answering just now');
    expect(blocks).not.toContain('From Hugging Face');
  });
});
