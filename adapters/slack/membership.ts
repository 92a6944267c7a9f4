import type { webApi } from '@slack/bolt';
import { slackErrorCode } from './direct.ts';

/** How long a person's channel memberships are reused: joining or leaving shows within this. */
export const MEMBERSHIP_TTL_MS = 60_000;
/** Pages of users.conversations read for one person (1,000 conversations a page). */
const MAX_PAGES = 10;

/**
 * The public and private channels each person is a member of, from users.conversations (scopes
 * `channels:read`, `groups:read`), cached briefly. Direct messages are never asked for. A private channel
 * is listed only when the bot is in it too, which is where a reading list can be made anyway.
 */
export class ChannelMembership {
  readonly #client: webApi.WebClient;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { at: number; channels: Promise<Set<string>> }>();

  constructor(client: webApi.WebClient, ttlMs = MEMBERSHIP_TTL_MS) {
    this.#client = client;
    this.#ttlMs = ttlMs;
  }

  /** Channel ids (`C…`, `G…`) the Slack user `userId` is a member of. Rejects when Slack will not say. */
  channelsOf(userId: string): Promise<Set<string>> {
    const cached = this.#cache.get(userId);
    if (cached && Date.now() - cached.at < this.#ttlMs) return cached.channels;
    const channels = this.#fetch(userId);
    this.#cache.set(userId, { at: Date.now(), channels });
    // A failure is not kept: the next request asks again.
    channels.catch(() => this.#cache.delete(userId));
    return channels;
  }

  async #fetch(userId: string): Promise<Set<string>> {
    const out = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      let res: webApi.UsersConversationsResponse;
      try {
        res = await this.#client.users.conversations({
          user: userId,
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
      } catch (error) {
        if (slackErrorCode(error) === 'missing_scope')
          throw new Error(
            'Slack refused users.conversations (missing_scope): add channels:read and groups:read from adapters/slack/manifest.yml and reinstall the app',
            { cause: error },
          );
        throw error;
      }
      for (const c of res.channels ?? []) if (c.id && !c.is_im && !c.is_mpim) out.add(c.id);
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return out;
  }
}
