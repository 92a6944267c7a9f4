import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReactionEvent, ReactionsCleared } from '../../../src/chat/platform.ts';
import type { FakeDiscord, RestCall } from '../../fakes/discord-gateway.ts';
import type { SentInteraction } from '../../fakes/discord-interactions.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { type DiscordBot, NOW, startDiscordBot } from './harness.ts';

/**
 * The reading list over discord.js's real client and the fake gateway: 📌 reactions on the bot's post,
 * `/papers save` and `/papers list` as slash-command interactions with typed options, and `list all`
 * deciding visibility by the member's View Channel permission in each channel of the server.
 */
let harness: DiscordBot;
let fake: FakeDiscord;
const handled = new Recorder<ReactionEvent>();
const cleared = new Recorder<ReactionsCleared>();

interface Body {
  content?: string;
  embeds?: { title?: string; description?: string; author?: { name: string } }[];
}

beforeAll(async () => {
  harness = await startDiscordBot({
    upvoteEmoji: ['+1'],
    onReactionHandled: (e) => handled.push(e),
    onReactionsClearedHandled: (c) => cleared.push(c),
  });
  fake = harness.fake;
});
afterAll(() => harness?.close());

async function answer(sent: SentInteraction): Promise<Body> {
  const call = await fake.waitForCall(
    (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
    `the answer to ${sent.token}`,
  );
  return call.body as Body;
}
const text = (b: Body) => JSON.stringify(b);

async function pin(messageId: string, who: 'alice' | 'bob', added: boolean): Promise<void> {
  const before = handled.items.length;
  const { user } = fake.users[who];
  if (added) fake.reactionAdd(messageId, { id: null, name: '📌' }, user);
  else fake.reactionRemove(messageId, { id: null, name: '📌' }, user);
  await handled.waitFor((e) => handled.items.indexOf(e) >= before, 'the 📌 reaction');
}

describe('the reading list on Discord', () => {
  let shared = '';
  it('GIVEN 📌 on a shared paper THEN /papers list names who added it; removing the last takes it off', async () => {
    const before = fake.calls.filter(
      (c) => c.method === 'POST' && c.route === `/channels/${fake.channelId}/messages`,
    ).length;
    await answer(fake.command('share', { paper: '2410.17243' }));
    const post = fake.calls.filter(
      (c) => c.method === 'POST' && c.route === `/channels/${fake.channelId}/messages`,
    )[before] as RestCall;
    shared = (post.response as { id: string }).id;

    await pin(shared, 'alice', true);
    await pin(shared, 'bob', true);
    const list = await answer(fake.command('list', {}));
    expect(list.content).toContain("This channel's reading list (1)");
    expect(list.embeds?.[0]?.title).toMatch(/^1\. Breaking the Memory Barrier/);
    const { alice, bob } = fake.users;
    // When, as Discord's relative timestamp: each reader's client says "a minute ago" in their language.
    expect(list.embeds?.[0]?.description).toMatch(
      new RegExp(`📌 Added by <@${alice.user.id}>, <@${bob.user.id}> · <t:\\d+:R>`),
    );
    expect(list.embeds?.[0]?.description).toContain('📌 reading list');
    // 📌 is no vote.
    expect((await harness.store.getPaper('2410.17243'))?.teamVotes).toBe(0);

    await pin(shared, 'alice', false);
    expect((await answer(fake.command('list', {}))).embeds?.[0]?.description).toMatch(
      new RegExp(`📌 Added by <@${bob.user.id}> · <t:\\d+:R>`),
    );
    await pin(shared, 'bob', false);
    expect(text(await answer(fake.command('list', {})))).toContain("This channel's reading list is empty");
  });

  it('GIVEN a moderator removes all reactions THEN the pins those 📌 made go with them', async () => {
    await pin(shared, 'alice', true);
    expect(await harness.store.onReadingList(`discord:${fake.channelId}`, ['2410.17243'])).toEqual(
      new Set(['2410.17243']),
    );
    fake.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', {
      channel_id: fake.channelId,
      message_id: shared,
      guild_id: fake.guildId,
      emoji: { id: null, name: '📌' },
    });
    await cleared.waitFor((c) => c.message.endsWith(`:${shared}`), 'the clear');
    expect(text(await answer(fake.command('list', {})))).toContain("This channel's reading list is empty");
  });

  it('GIVEN /papers save and list remove with typed options THEN saved, numbered, removed, with clear errors', async () => {
    expect(text(await answer(fake.command('save', { paper: '2410.16251' })))).toContain(
      "to this channel's reading list",
    );
    expect(text(await answer(fake.command('save', { paper: '2410.16251' })))).toContain(
      'you saved it before',
    );
    expect(text(await answer(fake.command('list', { what: 'remove', number: 5 })))).toContain(
      "There is no paper 5 on this channel's reading list (there is only paper 1)",
    );
    expect(text(await answer(fake.command('list', { what: 'remove' })))).toContain('Which paper?');
    expect(text(await answer(fake.command('list', { what: 'remove', number: 1 })))).toContain(
      "off this channel's reading list",
    );
  });

  it('GIVEN lists in other channels THEN list all shows those the member may view, not a hidden one', async () => {
    await answer(fake.command('save', { paper: '2410.17243' }));
    const open = fake.addChannel('llm-papers');
    const hidden = fake.addChannel('mods-only', [fake.users.alice]);
    for (const [channel, paperId] of [
      [open, '2410.16251'],
      [hidden, '2410.18533'],
    ] as const) {
      await harness.store.addPin({
        channel: `discord:${channel}`,
        paperId,
        user: `discord:${fake.users.bob.user.id}`,
        via: null,
        at: NOW.toISOString(),
      });
    }
    const alices = text(await answer(fake.command('list', { what: 'all' })));
    expect(alices).toContain("This channel's reading list");
    expect(alices).toContain(`in <#${open}>`);
    expect(alices).not.toContain(hidden);
    const bobs = text(await answer(fake.command('list', { what: 'all' }, fake.users.bob)));
    expect(bobs).toContain(`in <#${hidden}>`);
    expect(bobs).toContain(`in <#${open}>`);
  });

  it('GIVEN 📌 on a roundup digest THEN nothing is pinned, and the member is told by DM how to save one, once', async () => {
    // A digest as the roundup records it: the message shows no one paper; its places `<message>#<n>` do.
    const id = '1299999999999990777';
    const message = `discord:${fake.channelId}:${id}`;
    const post = { channel: `discord:${fake.channelId}`, postedBy: null, postedAt: NOW.toISOString() };
    await harness.store.recordPost({ ...post, message, paperId: null, kind: 'roundup-header' });
    for (const [n, paperId] of ['2410.17243', '2410.16251'].entries())
      await harness.store.recordPost({ ...post, message: `${message}#${n + 1}`, paperId, kind: 'roundup' });
    const dmPosts = () =>
      fake.calls.filter(
        (c) =>
          c.method === 'POST' &&
          [...fake.directChannels.keys()].some((dm) => c.route === `/channels/${dm}/messages`),
      );
    const listed = () =>
      harness.store.onReadingList(`discord:${fake.channelId}`, ['2410.17243', '2410.16251']);
    const before = await listed();

    await pin(id, 'bob', true);
    expect(await listed()).toEqual(before);
    const opened = fake.calls.filter((c) => c.method === 'POST' && c.route === '/users/@me/channels');
    expect(opened.map((c) => (c.body as { recipient_id: string }).recipient_id)).toContain(
      fake.users.bob.user.id,
    );
    const [dm, ...more] = dmPosts();
    expect(more).toEqual([]);
    const said = JSON.stringify(dm?.body);
    expect(said).toContain('cannot say which of its papers you mean');
    expect(said).toContain('1. /papers save 2410.17243');
    expect(said).toContain('2. /papers save 2410.16251');
    // Taken off and put back: no second message.
    await pin(id, 'bob', false);
    await pin(id, 'bob', true);
    expect(dmPosts()).toHaveLength(1);
  });
});
