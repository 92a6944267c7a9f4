import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paper } from '../contract/store.contract.ts';
import { type BotHarness, botHarness } from './harness.ts';

const ID = '2410.17243';

describe('votes: upvote reactions on papers the bot posted', () => {
  let h: BotHarness;
  let message: string;
  beforeEach(async () => {
    h = await botHarness();
    expect((await h.command(`share ${ID}`)).text).toMatch(/^Shared “Breaking the Memory Barrier/);
    message = h.platform.posts[0]?.message ?? '';
  });
  afterEach(() => h.close());

  const votes = async (id = ID) => (await h.archive.store.getPaper(id))?.teamVotes;

  it('GIVEN a 👍 by a person THEN one vote', async () => {
    await h.react(message, '+1', 'slack:U2');
    expect(await votes()).toBe(1);
  });

  it('GIVEN a second upvote emoji by the same person THEN still one vote', async () => {
    await h.react(message, '+1', 'slack:U2');
    await h.react(message, 'fire', 'slack:U2');
    expect(await votes()).toBe(1);
  });

  it('GIVEN one of two upvote emoji removed THEN still one vote; the last removed THEN none', async () => {
    await h.react(message, '+1', 'slack:U2');
    await h.react(message, 'fire', 'slack:U2');
    await h.react(message, 'fire', 'slack:U2', { added: false });
    expect(await votes()).toBe(1);
    await h.react(message, '+1', 'slack:U2', { added: false });
    expect(await votes()).toBe(0);
  });

  it.each([
    ['Unicode with a skin tone', '👍🏽'],
    ['a Slack alias with a skin tone', 'thumbsup::skin-tone-2'],
    ['a heart with a variation selector', '❤️'],
  ])('GIVEN %s THEN it counts as an upvote', async (_what, emoji) => {
    await h.react(message, emoji, 'slack:U2');
    expect(await votes()).toBe(1);
  });

  it('GIVEN 👍 and 👍🏽 (two reactions on Discord) and one removed THEN still one vote', async () => {
    await h.react(message, '👍', 'discord:7');
    await h.react(message, '👍🏽', 'discord:7');
    await h.react(message, '👍🏽', 'discord:7', { added: false });
    expect(await votes()).toBe(1);
    await h.react(message, '👍', 'discord:7', { added: false });
    expect(await votes()).toBe(0);
  });

  it('GIVEN an upvote emoji padded past 100 characters THEN no vote and nothing stored', async () => {
    await h.react(message, `+1${'\ufe0f'.repeat(10_000)}`, 'discord:7');
    expect(await votes()).toBe(0);
    expect(h.logs.some((l) => l.msg === 'emoji name too long; ignored')).toBe(true);
  });

  it('GIVEN reactions cleared (one emoji, then all) THEN the votes they carried go, whoever made them', async () => {
    await h.react(message, '+1', 'slack:U2');
    await h.react(message, 'fire', 'slack:U3');
    // After every reaction the harness makes (a minute apart from its clock).
    const later = '2100-01-01T00:00:00.000Z';
    await h.handlers.onReactionsCleared({ message, emoji: 'fire', at: later });
    expect(await votes()).toBe(1);
    await h.handlers.onReactionsCleared({ message, emoji: null, at: later });
    expect(await votes()).toBe(0);
  });

  it('GIVEN a clear recorded late (held while the archive was locked, then a restart) THEN a vote cast after it stays', async () => {
    // Before the harness's clock: the moderator cleared the message, then the vote came.
    const cleared = '2000-01-01T00:00:00.000Z';
    await h.react(message, '+1', 'slack:U2');
    await h.handlers.onReactionsCleared({ message, emoji: null, at: cleared });
    expect(await votes()).toBe(1);
  });

  it("GIVEN the bot's own reaction THEN no vote", async () => {
    await h.react(message, '+1', 'slack:UBOT', { byBot: true });
    expect(await votes()).toBe(0);
  });

  it('GIVEN an emoji outside the upvote set THEN no vote', async () => {
    await h.react(message, 'eyes', 'slack:U2');
    await h.react(message, 'thumbsdown', 'slack:U2');
    expect(await votes()).toBe(0);
  });

  it('GIVEN a reaction on a message that shows no paper THEN ignored without failing', async () => {
    await expect(h.react('slack:C1:999', '+1', 'slack:U2')).resolves.toBeUndefined();
    expect(await votes()).toBe(0);
    expect(h.logs.some((l) => l.msg.includes('shows no paper'))).toBe(true);
  });

  it('GIVEN the same paper posted twice THEN one tally across both messages', async () => {
    await h.command(`share https://arxiv.org/abs/${ID}`, 'slack:U3', 'slack:C2');
    const second = h.platform.posts[1]?.message ?? '';
    expect(second).not.toBe(message);
    await h.react(message, '+1', 'slack:U2');
    await h.react(second, '+1', 'slack:U2', { channel: 'slack:C2' });
    await h.react(second, 'heart', 'slack:U4', { channel: 'slack:C2' });
    expect(await votes()).toBe(2);
  });

  it('GIVEN votes THEN /papers top shows the paper with its voters', async () => {
    await h.react(message, '+1', 'slack:U2');
    await h.react(message, 'arrow_up', 'slack:U4');
    const top = await h.command('top');
    expect(top.papers).toEqual([expect.objectContaining({ rank: 1, voters: ['slack:U2', 'slack:U4'] })]);
    expect(top.papers?.[0]?.paper).toMatchObject({ id: ID, teamVotes: 2 });
  });

  it('GIVEN votes THEN the feed ranking counts them', async () => {
    await h.archive.store.upsertPapers([
      paper({ arxivId: '2410.00001', title: 'A rival', feedDate: '2025-11-12', upvotes: 64 }),
      paper({ arxivId: '2410.00002', title: 'The team pick', feedDate: '2025-11-12', upvotes: 64 }),
    ]);
    await h.handlers.onShare({
      platform: 'slack',
      channel: 'slack:C1',
      user: 'slack:U1',
      userName: null,
      paperId: '2410.00002',
    });
    const pick = h.platform.posts.at(-1)?.message ?? '';
    await h.react(pick, '+1', 'slack:U2');
    const today = await h.command('today');
    expect(today.papers?.map((p) => p.paper.title)).toEqual(['The team pick', 'A rival']);
  });

  it('seeds the first upvote emoji on what it posts, and that reaction never counts', async () => {
    expect(h.platform.reactions).toEqual([{ message, emoji: '+1' }]);
    await h.react(message, '+1', 'slack:UBOT', { byBot: true });
    expect(await votes()).toBe(0);
  });

  it('GIVEN the store failing THEN the reaction is logged and rejected, so the platform can redeliver it', async () => {
    await h.archive.store.close();
    await expect(h.react(message, '+1', 'slack:U2')).rejects.toThrow();
    expect(h.logs.some((l) => l.msg === 'recording a reaction failed' && l.err)).toBe(true);
  });
});
