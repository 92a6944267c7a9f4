import type { Message, MessageReaction, PartialMessage, PartialUser, User } from 'discord.js';
import { z } from 'zod';
import { MAX_EMOJI_NAME_LENGTH } from '../../src/chat/emoji.ts';
import type { ReactionEvent, ReactionsCleared } from '../../src/chat/platform.ts';
import { channelRef, messageRef, snowflake, userRef } from './refs.ts';

/** A Discord id: an unsigned 64-bit integer in decimal. */

/**
 * The emoji of a reaction event: a custom one (id, and a name of word characters, which `<:name:id>` and
 * the reaction routes rely on) or a Unicode one (no id, the emoji itself as its name). Names are bounded:
 * the gateway relays what clients send, and the name is what the archive stores.
 */
const reactionEmoji = z.union([
  z.object({
    id: snowflake,
    name: z.string().regex(/^[\w~-]{1,100}$/, 'not a custom emoji name'),
    animated: z.boolean().nullish(),
  }),
  z.object({
    id: z.null(),
    name: z
      .string()
      .max(MAX_EMOJI_NAME_LENGTH)
      .regex(/^[^\s\p{Cc}]+$/u, 'not an emoji'),
  }),
]);
type ReactionEmoji = z.infer<typeof reactionEmoji>;
/** The emoji fields of a reaction: discord.js's `reaction.emoji`, or a gateway event's `emoji`. */
type ReactionEmojiFields = Pick<MessageReaction['emoji'], 'id' | 'name'> & { animated?: boolean | null };
/** The message a reaction is on: discord.js's `reaction.message`, or a gateway event's ids. */
type ReactedMessage = Pick<Message | PartialMessage, 'channelId' | 'id'>;

const reactionFields = z.object({
  userId: snowflake,
  channelId: snowflake,
  messageId: snowflake,
  emoji: reactionEmoji,
});

/** What became of a discord.js reaction: the core's event, a reason to drop it, or nothing to count. */
export type ReactionParse = { event: ReactionEvent } | { problems: string[] } | null;

/**
 * The core's reaction event for a discord.js reaction, validated. Works on partials: with the Message and
 * Reaction partials enabled, discord.js delivers reactions on messages it never cached (posted before a
 * restart) with only ids and the emoji, which is all a vote needs, so nothing is fetched. The emoji is
 * passed as Unicode (`👍`) or as `<:name:id>` for a custom one; the core normalises it. A super (burst)
 * reaction is passed as `:name:` ({@link superReactionText}). Null when the emoji has no name (a custom
 * emoji deleted from the server); `problems` when a field is not what Discord sends.
 */
export function toReactionEvent(
  reaction: { emoji: ReactionEmojiFields; message: ReactedMessage },
  user: Pick<User | PartialUser, 'id'>,
  added: boolean,
  botUserId: string | undefined,
  at: Date,
  burst = false,
): ReactionParse {
  const { emoji, message } = reaction;
  if (!emoji.name) return null;
  const parsed = reactionFields.safeParse({
    userId: user.id,
    channelId: message.channelId,
    messageId: message.id,
    emoji: { id: emoji.id, name: emoji.name, animated: emoji.animated },
  });
  if (!parsed.success) return { problems: describeIssues(parsed.error) };
  const { userId, channelId, messageId } = parsed.data;
  return {
    event: {
      message: messageRef(channelId, messageId),
      channel: channelRef(channelId),
      user: userRef(userId),
      emoji: burst ? superReactionText(parsed.data.emoji) : emojiText(parsed.data.emoji),
      added,
      byBot: botUserId !== undefined && userId === botUserId,
      at: at.toISOString(),
    },
  };
}

const clearFields = z.object({ channelId: snowflake, messageId: snowflake, emoji: reactionEmoji.nullable() });

/**
 * What became of a discord.js "remove all" or "remove emoji" event: the core's clears (one for "remove all";
 * for one emoji, its normal reactions and its super reactions, recorded apart), or a reason to drop it.
 */
export type ClearParse = { clears: ReactionsCleared[] } | { problems: string[] } | null;

/**
 * The core's clear for discord.js's "remove all reactions" (`emoji` null) or "remove all of one emoji"
 * event, validated. Discord says which message and emoji, never whose reactions they were, and discord.js
 * knows them only for a message it cached (and not even then after a restart), so the core clears the
 * votes by message. Null for a nameless emoji (a custom one deleted from the server): its votes were stored
 * under a name that can no longer be rebuilt.
 */
export function toReactionsCleared(
  message: ReactedMessage,
  emoji: ReactionEmojiFields | null,
  now: Date,
): ClearParse {
  if (emoji && !emoji.name) return null;
  const parsed = clearFields.safeParse({
    channelId: message.channelId,
    messageId: message.id,
    emoji: emoji && { id: emoji.id, name: emoji.name, animated: emoji.animated },
  });
  if (!parsed.success) return { problems: describeIssues(parsed.error) };
  const { channelId, messageId, emoji: named } = parsed.data;
  const clear = (text: string | null): ReactionsCleared => ({
    message: messageRef(channelId, messageId),
    emoji: text,
    at: now.toISOString(),
  });
  return { clears: named ? [clear(emojiText(named)), clear(superReactionText(named))] : [clear(null)] };
}

/** The emoji as the core and the archive know it: `<:name:id>` (`<a:…>` animated) or the Unicode itself. */
function emojiText(emoji: ReactionEmoji): string {
  if (emoji.id === null) return emoji.name;
  return `<${'animated' in emoji && emoji.animated ? 'a' : ''}:${emoji.name}:${emoji.id}>`;
}

/**
 * A super (burst) reaction as the core knows it: `:name:` (`:👍🏽:`, `:upvote:`), which the core reads as
 * the same emoji as `👍🏽` or `<:upvote:id>`, but records as a reaction of its own. Discord lets a person give
 * both a normal and a super reaction of one emoji, and take back either: under one name, taking back one
 * would drop the vote the other still carries.
 */
function superReactionText(emoji: ReactionEmoji): string {
  return `:${emoji.name}:`;
}

/** Which fields failed, never their values. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(reaction)'}: ${i.message}`);
}
