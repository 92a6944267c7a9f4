import type {
  GatewayMessageReactionRemoveAllDispatchData,
  GatewayMessageReactionRemoveEmojiDispatchData,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReactionEvent, ReactionsCleared } from '../../../src/chat/platform.ts';
import type { FakeDiscord } from '../../fakes/discord-gateway.ts';
import { user } from '../../fakes/discord-payloads.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { type DiscordBot, NOW, recordShare, startDiscordBot } from './harness.ts';

/**
 * Reaction events from the gateway, through discord.js's real client and the real bot, into the archive:
 * malformed ones are dropped at the edge, and a moderator's "remove all reactions" or "remove emoji"
 * removes the votes those reactions carried.
 */
let harness: DiscordBot;
let fake: FakeDiscord;
const handled = new Recorder<ReactionEvent>();
const cleared = new Recorder<ReactionsCleared>();

beforeAll(async () => {
  harness = await startDiscordBot({
    upvoteEmoji: ['+1', 'fire', 'upvote'],
    onReactionHandled: (e) => handled.push(e),
    onReactionsClearedHandled: (c) => cleared.push(c),
  });
  fake = harness.fake;
});
afterAll(() => harness?.close());

let nextMessage = 1_299_999_999_999_990_000n;
/** A message id the client never cached, recorded as a post of `paperId` (as after a restart). */
function postOf(paperId: string | null): Promise<string> {
  nextMessage += 1n;
  return recordShare(harness, paperId, nextMessage.toString());
}

const votes = async (paperId: string) => (await harness.store.getPaper(paperId))?.teamVotes;

describe('malformed reaction events', () => {
  it.each([
    [
      'an emoji name padded to 201 characters that normalises to 👍',
      { id: null, name: `👍${'\ufe0f'.repeat(199)}` },
      undefined,
      '2410.16251',
    ],
    ['a user id that is not a snowflake', { id: null, name: '👍' }, 'undefined', '2410.18860'],
  ])('GIVEN %s THEN dropped; a well-formed one after it counts', async (_what, emoji, userId, paperId) => {
    const message = await postOf(paperId);
    const { alice, bob } = fake.users;
    fake.reactionAdd(message, emoji, userId ? user(userId, 'ghost') : alice.user);
    fake.reactionAdd(message, { id: null, name: '👍' }, bob.user);
    // The gateway delivers in order, so once bob's vote is handled the first event has been dealt with.
    await handled.waitFor((e) => e.message.endsWith(`:${message}`), 'the well-formed reaction');
    expect(handled.items.filter((e) => e.message.endsWith(`:${message}`))).toHaveLength(1);
    expect(await votes(paperId)).toBe(1);
  });
});

/** Reactions on `message`, each an emoji and who adds it; resolves once the bot has handled them all. */
async function react(message: string, reactions: [string, keyof FakeDiscord['users']][]): Promise<void> {
  for (const [name, who] of reactions) fake.reactionAdd(message, { id: null, name }, fake.users[who].user);
  const [lastName, lastWho] = reactions.at(-1) ?? [];
  const lastUser = lastWho && fake.users[lastWho].user.id;
  await handled.waitFor(
    (e) => e.message.endsWith(`:${message}`) && e.emoji === lastName && e.user === `discord:${lastUser}`,
    `the reactions on ${message}`,
  );
}

/**
 * MESSAGE_REACTION_REMOVE_ALL, or MESSAGE_REACTION_REMOVE_EMOJI when `emoji` is given, as Discord sends them;
 * resolves once the bot handled what it became: one clear, or for one emoji a clear of its normal and one
 * of its super reactions (recorded apart).
 */
async function clear(message: string, emoji?: { id: string | null; name: string }): Promise<void> {
  const before = cleared.items.length;
  const base: GatewayMessageReactionRemoveAllDispatchData = {
    channel_id: fake.channelId,
    message_id: message,
    guild_id: fake.guildId,
  };
  if (emoji) {
    const d: GatewayMessageReactionRemoveEmojiDispatchData = { ...base, emoji };
    fake.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', d);
  } else fake.dispatch('MESSAGE_REACTION_REMOVE_ALL', base);
  const count = emoji ? 2 : 1;
  await cleared.waitFor(() => cleared.items.length >= before + count, 'the clear');
}

describe('reactions removed in bulk by a moderator', () => {
  it('GIVEN "remove emoji" 👍 THEN the 👍 votes go and other emoji stay; "remove all" THEN every vote goes', async () => {
    const paperId = '2410.18533';
    const message = await postOf(paperId);
    await react(message, [
      ['👍', 'alice'],
      ['👍', 'bob'],
      ['🔥', 'bob'],
    ]);
    expect(await votes(paperId)).toBe(2);
    await clear(message, { id: null, name: '👍' });
    expect(cleared.items.slice(-2)).toEqual(
      ['👍', ':👍:'].map((emoji) => ({
        message: `discord:${fake.channelId}:${message}`,
        emoji,
        at: NOW.toISOString(),
      })),
    );
    expect(await votes(paperId)).toBe(1);
    await clear(message);
    expect(cleared.items.at(-1)).toEqual({
      message: `discord:${fake.channelId}:${message}`,
      emoji: null,
      at: NOW.toISOString(),
    });
    expect(await votes(paperId)).toBe(0);
  });

  it('GIVEN a message the client cached (the bot posted it) THEN "remove all" removes its votes too', async () => {
    const paperId = '2410.18693';
    const ref = await harness.platform.post(`discord:${fake.channelId}`, {
      visibility: 'channel',
      text: 'x',
    });
    await harness.store.recordPost({
      message: ref,
      channel: `discord:${fake.channelId}`,
      paperId,
      kind: 'share',
      postedBy: null,
      postedAt: NOW.toISOString(),
    });
    const message = ref.split(':')[2] ?? '';
    await react(message, [
      ['👍', 'alice'],
      ['🔥', 'admin'],
    ]);
    expect(await votes(paperId)).toBe(2);
    await clear(message);
    expect(await votes(paperId)).toBe(0);
  });

  it('GIVEN a digest (votes per place) THEN "remove emoji" 1️⃣ clears place 1 only, "remove all" every place', async () => {
    const [first, second] = ['2410.18975', '2410.18978'];
    // The digest's header shows no paper; votes are recorded on its places, `<message>#<n>`.
    const message = await postOf(null);
    for (const [place, paperId] of [
      [1, first],
      [2, second],
    ] as const) {
      await harness.store.recordPost({
        message: `discord:${fake.channelId}:${message}#${place}`,
        channel: `discord:${fake.channelId}`,
        paperId,
        kind: 'roundup',
        postedBy: null,
        postedAt: NOW.toISOString(),
      });
    }
    await react(message, [
      ['1️⃣', 'alice'],
      ['2️⃣', 'bob'],
    ]);
    expect([await votes(first), await votes(second)]).toEqual([1, 1]);
    await clear(message, { id: null, name: '1️⃣' });
    expect([await votes(first), await votes(second)]).toEqual([0, 1]);
    await clear(message);
    expect([await votes(first), await votes(second)]).toEqual([0, 0]);
  });

  it('GIVEN "remove emoji" of a custom emoji THEN it is named as its reactions were', async () => {
    const message = await postOf('2410.18798');
    await clear(message, { id: '777000111', name: 'upvote' });
    expect(cleared.items.slice(-2).map((c) => c.emoji)).toEqual(['<:upvote:777000111>', ':upvote:']);
  });
});

describe('super reactions', () => {
  /** One reaction by bob, normal or super, added or removed; resolves once the bot handled it. */
  async function bob(
    message: string,
    emoji: { id: string | null; name: string },
    burst: boolean,
    added = true,
  ) {
    const before = handled.items.length;
    if (added) fake.reactionAdd(message, emoji, fake.users.bob.user, { burst });
    else fake.reactionRemove(message, emoji, fake.users.bob.user, { burst });
    await handled.waitFor((e) => handled.items.indexOf(e) >= before, 'bob’s reaction');
  }

  it.each([
    ['👍', { id: null, name: '👍' }],
    ['a custom upvote', { id: '777000222', name: 'upvote' }],
  ])(
    'GIVEN a normal and a super %s by one person THEN taking back either leaves the vote; both, none',
    async (_what, emoji) => {
      const paperId = emoji.id ? '2410.18441' : '2410.18451';
      const message = await postOf(paperId);
      await bob(message, emoji, false);
      await bob(message, emoji, true);
      expect(await votes(paperId)).toBe(1);
      await bob(message, emoji, true, false);
      expect(await votes(paperId)).toBe(1);
      await bob(message, emoji, true);
      await bob(message, emoji, false, false);
      expect(await votes(paperId)).toBe(1);
      await bob(message, emoji, true, false);
      expect(await votes(paperId)).toBe(0);
    },
  );

  it('GIVEN a super 👍 alone THEN it votes; "remove emoji" 👍 THEN normal and super votes go', async () => {
    const paperId = '2410.18505';
    const message = await postOf(paperId);
    await bob(message, { id: null, name: '👍🏽' }, true);
    fake.reactionAdd(message, { id: null, name: '👍🏽' }, fake.users.alice.user);
    await handled.waitFor(
      (e) => e.user === `discord:${fake.users.alice.user.id}` && e.message.endsWith(message),
      'alice',
    );
    expect(await votes(paperId)).toBe(2);
    await clear(message, { id: null, name: '👍🏽' });
    expect(await votes(paperId)).toBe(0);
  });
});

describe('reactions in a channel the client has not cached', () => {
  /** A reaction in a DM as Discord sends it: no guild, no member. */
  function dmReaction(
    t: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE',
    channel: string,
    message: string,
  ) {
    fake.dispatch(t, {
      user_id: fake.users.alice.user.id,
      channel_id: channel,
      message_id: message,
      emoji: { id: null, name: '👍' },
      burst: false,
      type: 0,
      ...(t === 'MESSAGE_REACTION_ADD' ? { burst_colors: [] } : {}),
    });
  }

  it('GIVEN 👍 on a watch DM after a restart (its DM channel never cached) THEN it votes; taken back, it does not', async () => {
    const paperId = '2410.18538';
    const channel = '1299999999999980001';
    const message = '1299999999999980002';
    await harness.store.recordPost({
      message: `discord:${channel}:${message}`,
      channel: `discord:${channel}`,
      paperId,
      kind: 'watch',
      postedBy: null,
      postedAt: NOW.toISOString(),
    });
    const ref = `discord:${channel}:${message}`;
    dmReaction('MESSAGE_REACTION_ADD', channel, message);
    await handled.waitFor((e) => e.message === ref && e.added, 'the DM vote');
    expect(await votes(paperId)).toBe(1);
    dmReaction('MESSAGE_REACTION_REMOVE', channel, message);
    await handled.waitFor((e) => e.message === ref && !e.added, 'the DM vote taken back');
    expect(await votes(paperId)).toBe(0);
    expect(handled.items.filter((e) => e.message === ref)).toHaveLength(2);
  });
});
