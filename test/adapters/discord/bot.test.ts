import { InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareCustomId } from '../../../adapters/discord/render.ts';
import type { ReactionEvent } from '../../../src/chat/platform.ts';
import type { SqliteStore } from '../../../src/store/sqlite/store.ts';
import type { FakeDiscord, RestCall } from '../../fakes/discord-gateway.ts';
import type { SentInteraction } from '../../fakes/discord-interactions.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { type DiscordBot, NOW, startDiscordBot } from './harness.ts';

/**
 * The real Bot (commands, store, votes) behind the Discord adapter, over discord.js's real client and the
 * fake Discord: what a person in a Discord server sees for each subcommand, the Share button and votes.
 */
let fake: FakeDiscord;
let store: SqliteStore;
let harness: DiscordBot;
const handled = new Recorder<ReactionEvent>();

interface Body {
  content?: string;
  embeds?: { title?: string; description?: string; footer?: { text: string }; author?: { name: string } }[];
  components?: { components: { label?: string; custom_id?: string; url?: string }[] }[];
  allowed_mentions?: unknown;
}

beforeAll(async () => {
  harness = await startDiscordBot({ upvoteEmoji: ['+1', 'fire'], onReactionHandled: (e) => handled.push(e) });
  ({ fake, store } = harness);
});

afterAll(() => harness?.close());

/** The private answer to an interaction (the edit of its deferred reply). */
async function answer(sent: SentInteraction): Promise<Body> {
  const call = await fake.waitForCall(
    (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
    `the answer to ${sent.token}`,
  );
  expect(call.body).toMatchObject({ allowed_mentions: { parse: [] } });
  return call.body as Body;
}

const channelPosts = () =>
  fake.calls.filter((c) => c.method === 'POST' && c.route === `/channels/${fake.channelId}/messages`);
const buttons = (b: Body) => (b.components ?? []).flatMap((r) => r.components);

async function vote(messageId: string, emoji: string, by: { id: string }, added = true): Promise<void> {
  const before = handled.items.length;
  const user =
    by.id === fake.botUser.id
      ? fake.botUser
      : Object.values(fake.users).find((u) => u.user.id === by.id)?.user;
  if (!user) throw new Error('unknown user');
  if (added) fake.reactionAdd(messageId, { id: null, name: emoji }, user);
  else fake.reactionRemove(messageId, { id: null, name: emoji }, user);
  await handled.waitFor((e) => handled.items.indexOf(e) >= before, `the ${emoji} reaction`);
}

describe('/papers on Discord with the real bot', () => {
  it('search: private results, each with a Share button', async () => {
    const body = await answer(fake.command('search', { query: 'hallucinations' }));
    expect(body.content).toContain('Papers matching');
    expect(body.embeds?.map((e) => e.title).join('\n')).toContain(
      'Can Knowledge Editing Really Correct Hallucinations?',
    );
    expect(buttons(body).map((b) => b.custom_id)).toContain(shareCustomId('2410.16251'));
  });

  it('today: the feed day ranked, ten papers in ten embeds', async () => {
    const body = await answer(fake.command('today'));
    expect(body.content).toContain("Today's papers");
    expect(body.embeds).toHaveLength(10);
    expect(buttons(body).filter((b) => b.custom_id?.startsWith('share:'))).toHaveLength(10);
  });

  it('help: the usage, privately', async () => {
    const body = await answer(fake.command('help'));
    expect(body.embeds?.[0]?.title).toContain('paperboy');
    expect(body.embeds?.[0]?.description).toMatch(/Search the archive/);
  });

  it('roundup: a member without Manage Channels may look but not change it', async () => {
    const refused = await answer(fake.command('roundup', { action: 'on' }));
    expect(refused.embeds?.[0]?.description).toMatch(
      /Only people with the Manage Channels permission can change this channel's roundup/,
    );
    expect(await store.getChannelSettings(`discord:${fake.channelId}`)).toBeNull();
    const saved = await answer(fake.command('roundup', { action: 'size', value: '3' }, fake.users.admin));
    expect(saved.embeds?.[0]?.description).toMatch(/Saved\.[\s\S]*size: 3 papers/);
  });

  it('autocompletes share paper with archive titles matching what is typed', async () => {
    const sent = fake.autocomplete('share', 'paper', { paper: 'hallucin' });
    const call = await fake.waitForCall(
      (c) => c.method === 'POST' && c.route.includes(`/${sent.token}/callback`),
      'the autocomplete answer',
    );
    const body = call.body as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    // Titles containing the typed text come first (recent feed day), then full-text matches.
    expect(
      body.data.choices
        .slice(0, 2)
        .map((c) => c.value)
        .sort(),
    ).toEqual(['2410.16251', '2410.18860']);
    expect(body.data.choices[0]?.name).toMatch(/Hallucinations\? \(2410\.\d+\)$/);
    for (const c of body.data.choices) expect(c.name.length).toBeLessThanOrEqual(100);
  });

  it('top before any vote: a friendly sentence', async () => {
    const body = await answer(fake.command('top', { period: 'week' }));
    expect(body.embeds?.[0]?.description).toMatch(/No votes this week/);
  });

  let shared = '';
  it('share: posts publicly with the note (no pings), seeds 👍, confirms privately', async () => {
    const before = channelPosts().length;
    const sent = fake.command('share', {
      paper: 'https://arxiv.org/abs/2410.17243',
      note: '@everyone read <@&42> this',
    });
    const body = await answer(sent);
    expect(body.embeds?.[0]?.description).toMatch(/^Shared “Breaking the Memory Barrier/);
    const post = channelPosts()[before] as RestCall;
    const posted = post.body as Body;
    expect(posted.allowed_mentions).toEqual({ parse: [] });
    expect(posted.embeds?.[0]?.author?.name).toBe('Shared by alice');
    expect(posted.embeds?.[0]?.description).toContain('> @\u200beveryone read <\u200b@&42> this');
    shared = (post.response as { id: string }).id;
    expect(shared).not.toBe('');
    await fake.waitForCall(
      (c) => c.method === 'PUT' && c.route.includes(`/messages/${shared}/reactions/`) && c.status === 204,
      'the seed 👍',
    );
  });

  it('votes: one per person whatever the emoji, bot reactions ignored, removal counts', async () => {
    const { alice, bob } = fake.users;
    await vote(shared, '👍', fake.botUser);
    await vote(shared, '👍', alice.user);
    await vote(shared, '🔥', alice.user);
    await vote(shared, '👍', bob.user);
    expect((await store.getPaper('2410.17243'))?.teamVotes).toBe(2);
    await vote(shared, '👍', bob.user, false);
    expect((await store.getPaper('2410.17243'))?.teamVotes).toBe(1);
    await vote(shared, '👍', bob.user);
  });

  it('votes on a message the client never cached (posted before a restart) count', async () => {
    const old = '1299999999999999000';
    await store.recordPost({
      message: `discord:${fake.channelId}:${old}`,
      channel: `discord:${fake.channelId}`,
      paperId: '2410.16251',
      kind: 'share',
      postedBy: `discord:${fake.users.alice.user.id}`,
      postedAt: NOW.toISOString(),
    });
    await vote(old, '👍🏽', fake.users.admin.user);
    expect((await store.getPaper('2410.16251'))?.teamVotes).toBe(1);
  });

  it('top: the leaderboard with who voted', async () => {
    const body = await answer(fake.command('top', { period: 'week' }));
    const first = body.embeds?.[0];
    expect(first?.title).toBe(
      '1. Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss',
    );
    expect(first?.description).toContain(`<@${fake.users.alice.user.id}>`);
    expect(first?.footer?.text).toContain('2 team votes');
  });

  it('the Share button on a search result posts the paper for everyone', async () => {
    const before = channelPosts().length;
    const body = await answer(fake.button(shareCustomId('2410.18860'), fake.users.bob));
    expect(body.embeds?.[0]?.description).toMatch(/^Shared “DeCoRe/);
    const posted = channelPosts()[before]?.body as Body;
    expect(posted.embeds?.[0]?.author?.name).toBe('Shared by bob');
  });
});
