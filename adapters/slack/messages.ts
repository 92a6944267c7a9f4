import type { LinksPosted, ThreadReplyEvent } from '../../src/chat/platform.ts';
import type { LinkSharedCallback, MessageCallback } from './payloads.ts';
import { slackMessageRef } from './reactions.ts';

/** Subtypes of a person's own reply: a plain one, one also sent to the channel, one with a file. */
const REPLY_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

function isoFromTs(ts: string): string {
  const seconds = Number(ts);
  return new Date(Number.isFinite(seconds) ? seconds * 1000 : Date.now()).toISOString();
}

/**
 * Maps a message event to a thread reply added or deleted; null for anything else (a top-level message, a
 * bot's message, an edit, the parent's own `message_replied` update).
 */
export function toThreadReply(event: MessageCallback['event']): ThreadReplyEvent | null {
  const at = isoFromTs(event.event_ts);
  if (event.subtype === 'message_deleted') {
    const gone = event.previous_message;
    const ts = event.deleted_ts ?? gone?.ts;
    if (!gone?.thread_ts || !gone.user || !ts || ts === gone.thread_ts) return null;
    return {
      message: slackMessageRef(event.channel, ts),
      thread: slackMessageRef(event.channel, gone.thread_ts),
      user: `slack:${gone.user}`,
      added: false,
      at,
    };
  }
  if (!REPLY_SUBTYPES.has(event.subtype) || event.bot_id || !event.user) return null;
  if (!event.ts || !event.thread_ts || event.ts === event.thread_ts) return null;
  return {
    message: slackMessageRef(event.channel, event.ts),
    thread: slackMessageRef(event.channel, event.thread_ts),
    user: `slack:${event.user}`,
    added: true,
    at,
  };
}

/** Whether a `link_shared` event is about a posted message (not a draft in the composer). */
export function isPostedMessage(event: LinkSharedCallback['event']): boolean {
  return (
    event.source !== 'composer' &&
    /^[CGD][A-Z0-9]{2,30}$/.test(event.channel) &&
    /^\d{1,12}\.\d{1,9}$/.test(event.message_ts)
  );
}

/** Maps a `link_shared` event to the neutral {@link LinksPosted}. */
export function toLinksPosted(event: LinkSharedCallback['event']): LinksPosted {
  const posted = isPostedMessage(event);
  return {
    platform: 'slack',
    channel: `slack:${event.channel}`,
    user: `slack:${event.user}`,
    userName: null,
    message: posted ? slackMessageRef(event.channel, event.message_ts) : null,
    urls: event.links.map((l) => l.url),
    at: isoFromTs(event.event_ts),
  };
}
