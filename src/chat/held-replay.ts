import type { Logger } from '../log.ts';
import type { HeldJournal } from './held-journal.ts';
import type {
  InboundHandlers,
  LinksPosted,
  PlatformName,
  ReactionEvent,
  ReactionsCleared,
  ThreadReplyEvent,
} from './platform.ts';
import { RetryLater, type RetryTimers } from './retry-later.ts';

/** The inbound events a platform may hold for the archive and write down, by the handler they go to. */
export type HeldKind = 'reaction' | 'cleared' | 'thread-reply' | 'links';

/** The journal's type of a platform's held event: `discord.reaction`. */
export function heldType(platform: PlatformName, kind: HeldKind): string {
  return `${platform}.${kind}`;
}

/**
 * Tries again the events of `platform` that processes before this one on the host wrote down and left
 * waiting (held-journal.ts), through the bot's handlers, in the order they came; those the archive still
 * refuses wait again here, written down as before. Started whether or not this process holds the platform's
 * connection: recording an event needs only the archive, so a restarted instance that is now standby still
 * records what its predecessor held. Returns what to close at stop.
 */
export function replayHeld(o: {
  journal: HeldJournal;
  platform: PlatformName;
  handlers: InboundHandlers;
  logger: Logger;
  timers?: RetryTimers | undefined;
}): RetryLater {
  const later = new RetryLater({
    journal: o.journal,
    timers: o.timers,
    onLost: (key, what, error) =>
      o.logger.warn(
        { message: key, reason: error instanceof Error ? error.message : String(error) },
        `${what} (held before a restart): not recorded, and lost`,
      ),
    onKept: (key, what) =>
      o.logger.warn(
        { message: key },
        `${what}: still waiting for the archive; written down for the next start`,
      ),
  });
  const h = o.handlers;
  const runs = later.resume(`${o.platform}.`, (type, data) => {
    switch (type.slice(o.platform.length + 1) as HeldKind) {
      case 'reaction':
        return () => h.onReaction(data as ReactionEvent);
      case 'cleared':
        return () => h.onReactionsCleared(data as ReactionsCleared);
      case 'thread-reply':
        return () => h.onThreadReply(data as ThreadReplyEvent);
      case 'links':
        return async () => {
          await h.onLinks(data as LinksPosted);
        };
      default:
        return null;
    }
  });
  if (runs.length > 0)
    o.logger.info(
      { platform: o.platform, events: runs.length },
      'trying again the events an earlier run held',
    );
  return later;
}
