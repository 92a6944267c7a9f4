import { z } from 'zod';
import type { Logger } from '../log.ts';
import type { HeldJournal } from './held-journal.ts';
import type { InboundHandlers, PlatformName } from './platform.ts';
import { type Replay, RetryLater, type RetryPolicy, type RetryTimers } from './retry-later.ts';

/** The inbound events a platform may hold for the archive and write down, by the handler they go to. */
export type HeldKind = 'reaction' | 'cleared' | 'thread-reply' | 'links';

/** The journal's type of a platform's held event: `discord.reaction`. */
export function heldType(platform: PlatformName, kind: HeldKind): string {
  return `${platform}.${kind}`;
}

// What a written-down event must hold to be tried again: a file another version wrote, or one damaged on
// disk, is given up with its reason rather than handed to the bot half-formed.
const text = z.string().min(1);
const at = z.string().min(1);
const SCHEMAS = {
  reaction: z.object({
    message: text,
    channel: text,
    user: text,
    emoji: text,
    added: z.boolean(),
    byBot: z.boolean(),
    at,
  }),
  cleared: z.object({ message: text, emoji: text.nullable(), at }),
  'thread-reply': z.object({
    message: text.nullable(),
    thread: text,
    user: text.nullable(),
    added: z.boolean(),
    at,
  }),
  links: z.object({
    platform: text,
    channel: text,
    user: text,
    userName: z.string().nullable(),
    message: text,
    urls: z.array(z.string()).max(100),
    at,
  }),
} as const;

/**
 * The queue `platform`'s held events wait in: its live events (Discord's gateway) and those processes
 * before this one wrote down and left, one queue, so one message's events stay in the order they came
 * whichever process received them. The application makes one per platform and passes it to the platform,
 * which keeps it across reconnections (a lease lost and won again); closed at the application's stop.
 */
export function heldQueue(o: {
  platform: string;
  journal?: HeldJournal | undefined;
  logger: Logger;
  timers?: RetryTimers | undefined;
  policy?: RetryPolicy | undefined;
}): RetryLater {
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  return new RetryLater({
    journal: o.journal,
    timers: o.timers,
    policy: o.policy,
    onHeld: (message, what, error) =>
      o.logger.warn({ message, reason: reason(error) }, `${what}: the archive is unavailable; trying again`),
    // The core logged the failure itself. Discord never sends a gateway event twice.
    onLost: (message, what, error) =>
      o.logger.warn({ message, reason: reason(error) }, `${what}: not recorded, and lost`),
    onKept: (message, what) =>
      o.logger.warn({ message }, `${what}: still waiting for the archive; written down for the next start`),
  });
}

/**
 * Tries again, in `queue`, the events of `platform` that processes no longer running wrote down: those
 * found at start and those found later (a replica's, once its marker goes stale). Done whether or not this
 * process holds the platform's connection: recording them needs only the archive, so an instance on standby
 * records what its predecessor held.
 */
export function replayLeftovers(o: {
  journal: HeldJournal;
  queue: RetryLater;
  platform: PlatformName;
  handlers: InboundHandlers;
  logger: Logger;
}): void {
  const replay = replayWith(o.platform, o.handlers);
  o.journal.watch(`${o.platform}.`, (events) => {
    o.logger.info(
      { platform: o.platform, events: events.length },
      'trying again the events an earlier run held',
    );
    o.queue.replay(events, replay);
  });
}

function replayWith(platform: PlatformName, h: InboundHandlers): Replay {
  return (type, data) => {
    switch (type.slice(platform.length + 1) as HeldKind) {
      case 'reaction': {
        const event = SCHEMAS.reaction.parse(data);
        return () => h.onReaction(event);
      }
      case 'cleared': {
        const clear = SCHEMAS.cleared.parse(data);
        return () => h.onReactionsCleared(clear);
      }
      case 'thread-reply': {
        const reply = SCHEMAS['thread-reply'].parse(data);
        return () => h.onThreadReply(reply);
      }
      case 'links': {
        const links = SCHEMAS.links.parse(data);
        return async () => {
          await h.onLinks({ ...links, platform });
        };
      }
      default:
        return null;
    }
  };
}
