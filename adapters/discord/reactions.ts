import type { MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import type { ReactionEvent } from '../../src/chat/platform.ts';
import { channelRef, messageRef, userRef } from './refs.ts';

/**
 * The core's reaction event for a discord.js reaction. Works on partials: with the Message and Reaction
 * partials enabled, discord.js delivers reactions on messages it never cached (posted before a restart)
 * with only ids and the emoji, which is all a vote needs, so nothing is fetched. The emoji is passed as
 * Unicode (`👍`) or as `<:name:id>` for a custom one; the core normalises it. Null when the emoji has no
 * name (a custom emoji deleted from the server).
 */
export function toReactionEvent(
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
  added: boolean,
  botUserId: string | undefined,
  at: Date,
): ReactionEvent | null {
  const { emoji, message } = reaction;
  if (!emoji.name) return null;
  const name = emoji.id ? `<${emoji.animated ? 'a' : ''}:${emoji.name}:${emoji.id}>` : emoji.name;
  return {
    message: messageRef(message.channelId, message.id),
    channel: channelRef(message.channelId),
    user: userRef(user.id),
    emoji: name,
    added,
    byBot: botUserId !== undefined && user.id === botUserId,
    at: at.toISOString(),
  };
}
