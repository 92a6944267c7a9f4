import type { Message, PartialMessage } from 'discord.js';
import type { LinksPosted, ThreadReplyEvent } from '../../src/chat/platform.ts';
import { paperLinksIn } from '../../src/papers/paper-links.ts';
import { channelRef, messageRef, userRef } from './refs.ts';

/**
 * The message a thread hangs under, as a ref: a thread started from a message has that message's id, in
 * the thread's parent channel. Null outside threads; a thread started on its own matches no message.
 */
function threadParent(message: Message | PartialMessage): string | null {
  const channel = message.channel;
  if (!channel?.isThread() || !channel.parentId) return null;
  return messageRef(channel.parentId, channel.id);
}

/** A person's message in a thread as a reply added; null for anything else (bots, system messages). */
export function toThreadReply(message: Message, at: Date): ThreadReplyEvent | null {
  if (message.author.bot || message.system || message.webhookId) return null;
  const thread = threadParent(message);
  if (!thread) return null;
  return {
    message: messageRef(message.channelId, message.id),
    thread,
    user: userRef(message.author.id),
    added: true,
    at: at.toISOString(),
  };
}

/** A deleted message in a thread as a reply removed (Discord does not say whose it was). */
export function toThreadReplyDeleted(message: Message | PartialMessage, at: Date): ThreadReplyEvent | null {
  const thread = threadParent(message);
  if (!thread) return null;
  return {
    message: messageRef(message.channelId, message.id),
    thread,
    user: null,
    added: false,
    at: at.toISOString(),
  };
}

/**
 * A person's message with paper links, read with the Message Content intent; null without links (or
 * without content, as every message is when the intent is off).
 */
export function toLinksPosted(message: Message, at: Date): LinksPosted | null {
  if (message.author.bot || message.system || message.webhookId || !message.inGuild()) return null;
  const urls = paperLinksIn(message.content ?? '');
  if (urls.length === 0) return null;
  return {
    platform: 'discord',
    channel: channelRef(message.channelId),
    user: userRef(message.author.id),
    userName: message.member?.displayName ?? message.author.globalName ?? message.author.username ?? null,
    message: messageRef(message.channelId, message.id),
    urls,
    at: at.toISOString(),
  };
}
