import type { Message, PartialMessage } from 'discord.js';
import { z } from 'zod';
import type { LinksPosted, MessageRef, ThreadReplyEvent } from '../../src/chat/platform.ts';
import { paperLinksIn } from '../../src/papers/paper-links.ts';
import { channelRef, messageRef, snowflake, userRef } from './refs.ts';

/**
 * The message a thread hangs under, as a ref: a thread started from a message has that message's id, in
 * the thread's parent channel. Null outside threads; a thread started on its own matches no message.
 */
function threadParent(message: Message | PartialMessage): string | null {
  const channel = message.channel;
  if (!channel?.isThread() || !channel.parentId) return null;
  return messageRef(channel.parentId, channel.id);
}

/** A reply event that names its reply (a message's own add or deletion). */
export type NamedReplyEvent = ThreadReplyEvent & { message: MessageRef };

/** A person's message in a thread as a reply added; null for anything else (bots, system messages). */
export function toThreadReply(message: Message, at: Date): NamedReplyEvent | null {
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
export function toThreadReplyDeleted(message: Message | PartialMessage, at: Date): NamedReplyEvent | null {
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

const threadDelete = z.object({ id: snowflake, parent_id: snowflake });

/**
 * A thread deleted whole (the gateway's THREAD_DELETE, read raw: discord.js tells only of threads it has
 * cached) as every reply in it removed, none named: Discord sends no deletion for its messages. The thread
 * is the one under the message of its own id in its parent channel, as for its replies; null for a payload
 * without those ids.
 */
export function toThreadDeleted(data: unknown, at: Date): ThreadReplyEvent | null {
  const parsed = threadDelete.safeParse(data);
  if (!parsed.success) return null;
  return {
    message: null,
    thread: messageRef(parsed.data.parent_id, parsed.data.id),
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
