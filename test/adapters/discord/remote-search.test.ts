import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareCustomId } from '../../../adapters/discord/render.ts';
import type { FakeDiscord } from '../../fakes/discord-gateway.ts';
import type { SentInteraction } from '../../fakes/discord-interactions.ts';
import { type DiscordBot, startDiscordBot } from './harness.ts';

interface Body {
  content?: string;
  embeds?: { title?: string; description?: string; author?: { name: string } }[];
  components?: { components: { custom_id?: string }[] }[];
}

/**
 * Discord, through discord.js's real client and the fake gateway: a search the archive answers thinly shows
 * Hugging Face's papers too, and sharing one archives it.
 */
describe('Discord: a thin search topped up from Hugging Face', () => {
  let harness: DiscordBot;
  let fake: FakeDiscord;
  beforeAll(async () => {
    harness = await startDiscordBot({ upvoteEmoji: ['+1'], remoteSearch: true });
    fake = harness.fake;
  });
  afterAll(() => harness?.close());

  const answer = async (sent: SentInteraction): Promise<Body> =>
    (
      await fake.waitForCall(
        (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
        `the answer to ${sent.token}`,
      )
    ).body as Body;

  it('GIVEN a topic the archive lacks THEN Hugging Face’s papers, headed as not in the archive, each with Share', async () => {
    const body = await answer(fake.command('search', { query: 'kazakh' }));
    expect(body.content).toContain('Papers matching "kazakh"');
    expect(body.content).toContain('No papers in the archive match "kazakh".');
    expect(body.embeds?.[0]?.title).toBe('1. KazQAD: Kazakh Open-Domain Question Answering Dataset');
    expect(
      body.embeds?.every((e) => e.author?.name === "From Hugging Face, not yet in the team's archive"),
    ).toBe(true);
    const shares = (body.components ?? []).flatMap((r) => r.components).map((b) => b.custom_id);
    expect(shares).toContain(shareCustomId('2404.04487'));
    expect(await harness.store.getPaper('2404.04487')).toBeNull();
  });

  it('GIVEN Share on one THEN it is posted for everyone and archived without a feed day', async () => {
    const body = await answer(fake.button(shareCustomId('2404.04487'), fake.users.bob));
    expect(body.embeds?.[0]?.description).toMatch(/^Shared “KazQAD/);
    expect(await harness.store.getPaper('2404.04487')).toMatchObject({ feedDate: null });
  });
});
