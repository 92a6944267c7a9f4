import { z } from 'zod';
import type { ChannelRef, MessageRef, UserRef } from '../../src/chat/platform.ts';

/** A Discord id as the gateway sends it: a numeric string (a 64-bit number, at most 20 digits). */
export const snowflake = z.string().regex(/^\d{1,20}$/, 'not a snowflake');

/**
 * Platform-qualified ids for Discord: `discord:<channelId>`, `discord:<channelId>:<messageId>`,
 * `discord:<userId>`. Snowflakes are numeric strings, so the colon never collides with an id.
 */
export const channelRef = (channelId: string): ChannelRef => `discord:${channelId}`;
export const messageRef = (channelId: string, messageId: string): MessageRef =>
  `discord:${channelId}:${messageId}`;
export const userRef = (userId: string): UserRef => `discord:${userId}`;

/** The channel id in a Discord channel ref; throws on a ref of another platform or shape. */
export function parseChannelRef(ref: ChannelRef): string {
  const m = /^discord:(\d+)$/.exec(ref);
  if (!m?.[1]) throw new Error(`not a Discord channel ref: ${ref}`);
  return m[1];
}

/** The channel and message ids in a Discord message ref; throws on a ref of another platform or shape. */
export function parseMessageRef(ref: MessageRef): { channelId: string; messageId: string } {
  const m = /^discord:(\d+):(\d+)$/.exec(ref);
  if (!m?.[1] || !m[2]) throw new Error(`not a Discord message ref: ${ref}`);
  return { channelId: m[1], messageId: m[2] };
}
