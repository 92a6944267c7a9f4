import type { ReactionEvent } from '../../src/chat/platform.ts';
import type { ReactionCallback } from './payloads.ts';

/** The fields of a validated `reaction_added` / `reaction_removed` event that paperboy reads. */
export type SlackReactionPayload = ReactionCallback['event'];

/** A platform-qualified message ref for a Slack message: `slack:C123:1712345678.000100`. */
export function slackMessageRef(channel: string, ts: string): string {
  return `slack:${channel}:${ts}`;
}

/**
 * Maps a Slack reaction event to the neutral {@link ReactionEvent}. Returns null for reactions on things that
 * are not messages (files, file comments), which can never be paper posts. `botUserId` is the bot's own user
 * id (from auth.test): its reactions are marked `byBot` so the core never counts them as votes.
 */
export function toReactionEvent(
  event: SlackReactionPayload,
  botUserId: string | undefined,
): ReactionEvent | null {
  const { item } = event;
  if (item.type !== 'message' || !item.channel || !item.ts) return null;
  const seconds = Number(event.event_ts);
  return {
    message: slackMessageRef(item.channel, item.ts),
    channel: `slack:${item.channel}`,
    user: `slack:${event.user}`,
    emoji: event.reaction,
    added: event.type === 'reaction_added',
    byBot: botUserId !== undefined && event.user === botUserId,
    at: new Date(Number.isFinite(seconds) ? seconds * 1000 : Date.now()).toISOString(),
  };
}

/**
 * Splits a Slack message ref into channel id and ts; null when `ref` is not one (another platform's ref,
 * or malformed).
 */
export function parseSlackMessageRef(ref: string): { channel: string; ts: string } | null {
  const m = /^slack:([A-Z0-9]+):(\d+\.\d+)$/.exec(ref);
  return m?.[1] && m[2] ? { channel: m[1], ts: m[2] } : null;
}
