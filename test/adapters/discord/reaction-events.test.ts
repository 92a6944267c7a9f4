import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReactionEvent } from '../../../src/chat/platform.ts';
import type { FakeDiscord } from '../../fakes/discord-gateway.ts';
import { user } from '../../fakes/discord-payloads.ts';
import { type DiscordBot, NOW, startDiscordBot } from './harness.ts';
import { Recorder } from './recorder.ts';

/**
 * Reaction events from the gateway, through discord.js's real client and the real bot, into the archive:
 * malformed ones are dropped at the edge.
 */
let harness: DiscordBot;
let fake: FakeDiscord;
const handled = new Recorder<ReactionEvent>();

beforeAll(async () => {
  harness = await startDiscordBot({ upvoteEmoji: ['+1', 'fire'], onReactionHandled: (e) => handled.push(e) });
  fake = harness.fake;
});
afterAll(() => harness?.close());

let nextMessage = 1_299_999_999_999_990_000n;
/** A message id the client never cached, recorded as a post of `paperId` (as after a restart). */
async function postOf(paperId: string): Promise<string> {
  nextMessage += 1n;
  const id = nextMessage.toString();
  await harness.store.recordPost({
    message: `discord:${fake.channelId}:${id}`,
    channel: `discord:${fake.channelId}`,
    paperId,
    kind: 'share',
    postedBy: null,
    postedAt: NOW.toISOString(),
  });
  return id;
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
