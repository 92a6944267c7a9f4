import { ChannelType, MessageType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinksPosted, ReactionEvent, ThreadReplyEvent } from '../../../src/chat/platform.ts';
import type { FakeDiscord } from '../../fakes/discord-gateway.ts';
import { snowflake } from '../../fakes/discord-payloads.ts';
import { ManualTimers } from '../../fakes/manual-timers.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { waitUntil } from '../../fakes/wait-until.ts';
import { holdWriteLock } from '../../faults/hold-write-lock.ts';
import { type DiscordBot, recordShare, startDiscordBot } from './harness.ts';

/**
 * With DISCORD_MESSAGE_CONTENT on, a person's message linking a paper is recorded as their share (👍 on it
 * votes); replies in a thread started on a paper's message are counted, whatever the setting.
 */
let harness: DiscordBot | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(
  messageContent: boolean,
  locking?: { busyTimeoutMs: number; retryTimers: ManualTimers },
) {
  const links = new Recorder<LinksPosted>();
  const replies = new Recorder<ThreadReplyEvent>();
  const reactions = new Recorder<ReactionEvent>();
  harness = await startDiscordBot({
    upvoteEmoji: ['+1'],
    messageContent,
    ...locking,
    onLinksHandled: (e) => links.push(e),
    onThreadReplyHandled: (e) => replies.push(e),
    onReactionHandled: (e) => reactions.push(e),
  });
  return { h: harness, fake: harness.fake, links, replies, reactions };
}

/** A MESSAGE_CREATE as the gateway sends it for a person's message. */
function messageCreate(fake: FakeDiscord, channelId: string, content: string, who = fake.users.alice) {
  const id = snowflake();
  fake.dispatch('MESSAGE_CREATE', {
    id,
    channel_id: channelId,
    guild_id: fake.guildId,
    author: who.user,
    member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    flags: 0,
  });
  return id;
}

/** THREAD_CREATE for a public thread started on `starter` in the guild's text channel. */
function threadOn(fake: FakeDiscord, starter: string): string {
  fake.dispatch('THREAD_CREATE', {
    id: starter,
    type: ChannelType.PublicThread,
    guild_id: fake.guildId,
    parent_id: fake.channelId,
    name: 'discussion',
    owner_id: fake.users.bob.user.id,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
    flags: 0,
    newly_created: true,
  });
  return starter;
}

describe('paper links in Discord messages', () => {
  it('GIVEN Message Content on and a person linking a paper THEN their message is their share and 👍 on it votes', async () => {
    const { h, fake, links, reactions } = await start(true);
    const id = messageCreate(fake, fake.channelId, 'worth a read: <https://arxiv.org/abs/2410.17243v1>');
    await links.waitFor((e) => e.message?.endsWith(`:${id}`) ?? false, 'the link');
    expect(await h.store.getPost(`discord:${fake.channelId}:${id}`)).toMatchObject({
      paperId: '2410.17243',
      kind: 'link',
      postedBy: `discord:${fake.users.alice.user.id}`,
    });
    const before = (await h.store.getPaper('2410.17243'))?.teamVotes ?? 0;
    fake.reactionAdd(id, { id: null, name: '👍' }, fake.users.bob.user);
    await reactions.waitFor((e) => e.message?.endsWith(`:${id}`) === true, 'the vote');
    expect((await h.store.getPaper('2410.17243'))?.teamVotes).toBe(before + 1);
  });

  it('GIVEN another process holds the archive’s write lock THEN a link to a paper it lacks waits, and is recorded as the share once it is released', async () => {
    const timers = new ManualTimers();
    const { h, fake, links } = await start(true, { busyTimeoutMs: 150, retryTimers: timers });
    const lock = holdWriteLock(h.path, 60_000);
    await lock.locked;
    // Only the fake Hugging Face knows it: looking it up stores it, a write the lock refuses.
    const id = messageCreate(fake, fake.channelId, 'a new dataset https://arxiv.org/abs/2404.04487');
    await timers.waits.waitFor(() => true, 'the link waiting for the archive');
    expect(h.platform.heldEvents).toBe(1);
    expect(links.items).toEqual([]);
    await lock.release();
    timers.fire();
    await links.waitFor((e) => e.message?.endsWith(`:${id}`) ?? false, 'the link, tried again');
    expect(await h.store.getPost(`discord:${fake.channelId}:${id}`)).toMatchObject({
      paperId: '2404.04487',
      kind: 'link',
      postedBy: `discord:${fake.users.alice.user.id}`,
    });
    expect(h.platform.heldEvents).toBe(0);
  });

  it('GIVEN Message Content off THEN a linking message is not looked at', async () => {
    const { h, fake, replies } = await start(false);
    const id = messageCreate(fake, fake.channelId, 'https://arxiv.org/abs/2410.17243');
    // A thread reply after it is handled once the first message has been dealt with: the gateway is ordered.
    const thread = threadOn(fake, id);
    const reply = messageCreate(fake, thread, 'nice');
    await replies.waitFor((e) => e.message?.endsWith(`:${reply}`) === true, 'the reply');
    expect(await h.store.getPost(`discord:${fake.channelId}:${id}`)).toBeNull();
  });
});

describe('thread replies on Discord', () => {
  it('GIVEN replies in a thread started on a paper post THEN people’s replies count, bots’ do not, a deletion subtracts', async () => {
    const { h, fake, replies } = await start(false);
    const post = await recordShare(h, '2410.16251', snowflake());
    const thread = threadOn(fake, post);
    const first = messageCreate(fake, thread, 'interesting ablation', fake.users.alice);
    messageCreate(fake, thread, 'automated note', {
      ...fake.users.bob,
      user: { ...fake.users.bob.user, bot: true },
    });
    const last = messageCreate(fake, thread, 'agreed', fake.users.bob);
    await replies.waitFor((e) => e.message?.endsWith(`:${last}`) === true, 'the last reply');
    expect(await h.store.replyCounts(['2410.16251'])).toEqual(new Map([['2410.16251', 2]]));

    fake.dispatch('MESSAGE_DELETE', { id: first, channel_id: thread, guild_id: fake.guildId });
    await replies.waitFor((e) => !e.added && e.message?.endsWith(`:${first}`) === true, 'the deletion');
    expect(await h.store.replyCounts(['2410.16251'])).toEqual(new Map([['2410.16251', 1]]));
  });

  it('GIVEN a moderator bulk-deletes replies (MESSAGE_DELETE_BULK) THEN each one deleted stops counting', async () => {
    const { h, fake, replies } = await start(false);
    const post = await recordShare(h, '2410.18252', snowflake());
    const thread = threadOn(fake, post);
    const ids = [fake.users.alice, fake.users.bob, fake.users.admin].map((who, i) =>
      messageCreate(fake, thread, `reply ${i}`, who),
    );
    await replies.waitFor((e) => e.message?.endsWith(`:${ids[2]}`) === true, 'the last reply');
    expect(await h.store.replyCounts(['2410.18252'])).toEqual(new Map([['2410.18252', 3]]));

    fake.dispatch('MESSAGE_DELETE_BULK', {
      ids: ids.slice(0, 2),
      channel_id: thread,
      guild_id: fake.guildId,
    });
    for (const id of ids.slice(0, 2)) {
      await replies.waitFor(
        (e) => !e.added && e.message?.endsWith(`:${id}`) === true,
        `the deletion of ${id}`,
      );
    }
    expect(await h.store.replyCounts(['2410.18252'])).toEqual(new Map([['2410.18252', 1]]));
  });

  it('GIVEN a moderator deletes the whole thread (THREAD_DELETE) THEN none of its replies counts, another thread’s still does', async () => {
    const { h, fake, replies } = await start(false);
    const post = await recordShare(h, '2410.16251', snowflake());
    const other = await recordShare(h, '2410.16251', snowflake());
    const thread = threadOn(fake, post);
    const kept = threadOn(fake, other);
    messageCreate(fake, thread, 'first', fake.users.alice);
    messageCreate(fake, kept, 'elsewhere', fake.users.alice);
    const last = messageCreate(fake, thread, 'second', fake.users.bob);
    await replies.waitFor((e) => e.message?.endsWith(`:${last}`) === true, 'the last reply');
    expect(await h.store.replyCounts(['2410.16251'])).toEqual(new Map([['2410.16251', 3]]));

    // What Discord sends for a deleted thread: its ids, no word of its messages.
    fake.dispatch('THREAD_DELETE', {
      id: thread,
      guild_id: fake.guildId,
      parent_id: fake.channelId,
      type: ChannelType.PublicThread,
    });
    await replies.waitFor(
      (e) => e.message === null && e.thread.endsWith(`:${thread}`),
      'the thread deletion',
    );
    expect(await h.store.replyCounts(['2410.16251'])).toEqual(new Map([['2410.16251', 1]]));
  });

  it('GIVEN another process holds the archive’s write lock THEN a reply and its deletion wait, and apply in order once it is released', async () => {
    const timers = new ManualTimers();
    const { h, fake, replies } = await start(false, { busyTimeoutMs: 150, retryTimers: timers });
    const post = await recordShare(h, '2410.16251', snowflake());
    const thread = threadOn(fake, post);
    const lock = holdWriteLock(h.path, 60_000);
    await lock.locked;
    const kept = messageCreate(fake, thread, 'interesting ablation', fake.users.alice);
    await timers.waits.waitFor(() => true, 'the first reply waiting for the archive');
    const gone = messageCreate(fake, thread, 'typo', fake.users.bob);
    fake.dispatch('MESSAGE_DELETE', { id: gone, channel_id: thread, guild_id: fake.guildId });
    // Alice's reply and Bob's wait for the archive, Bob's deletion behind his reply.
    await waitUntil(() => h.platform.heldEvents === 3, 'three events held');
    expect(replies.items).toEqual([]);
    await lock.release();
    timers.fire();
    await replies.waitFor(
      (e) => !e.added && e.message?.endsWith(`:${gone}`) === true,
      'the deletion, after its reply',
    );
    await replies.waitFor((e) => e.message?.endsWith(`:${kept}`) === true, 'the first reply');
    // Bob's reply was counted, then taken back: only Alice's stays.
    expect(await h.store.replyCounts(['2410.16251'])).toEqual(new Map([['2410.16251', 1]]));
  });
});
