import { setTimeout as delay } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';

/** The metadata event type on every keyed post; its payload is `{ key }`. */
export const POST_METADATA_EVENT = 'paperboy_post';

/**
 * How far before a time a lookup starts: a ledger time comes from the store's clock (the database
 * server's, or this host's) and a message's ts from Slack's, and clocks disagree by seconds, rarely more.
 */
const CLOCK_ALLOWANCE_MS = 5 * 60_000;
/** conversations.history pages read at most in one lookup (200 messages each). */
const MAX_PAGES = 10;

/** What a keyed post needs: a Web API client that never retries by itself, and the retry budget. */
export interface KeyedPostContext {
  /** A client with `retries: 0` and `rejectRateLimitedCalls`: every retry is decided here. */
  client: webApi.WebClient;
  /** The bot's own bot id (auth.test): a message counts as ours only when it carries it. */
  botId: string;
  retry: { retries: number; minTimeout: number; factor: number; maxTimeout: number };
  logger: Logger;
}

/**
 * chat.postMessage carrying the key as message metadata, so that it can be found again. With `since`, the
 * channel's history from then on is searched first and a message with the key is returned instead of
 * posting. Retries are made here, not by the Web API client: a 429 is waited out and retried (Slack made
 * no message), a Slack error such as `not_in_channel` is final, and after an answer that leaves it unknown
 * whether the message was made (a 5xx, a dropped connection) the history is searched before trying again.
 * An aborted `signal` stops before the next attempt. Returns the message's ts.
 */
export async function keyedPost(
  ctx: KeyedPostContext,
  args: webApi.ChatPostMessageArguments & { channel: string },
  key: string,
  since: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  if (since !== undefined) {
    const found = await findKeyed(ctx, args.channel, key, Date.parse(since));
    if (found) return found;
  }
  const { retries, minTimeout, factor, maxTimeout } = ctx.retry;
  const metadata = { event_type: POST_METADATA_EVENT, event_payload: { key } };
  for (let attempt = 0; ; attempt++) {
    // Whoever asked no longer may post (a roundup run that lost its lease): no further attempt.
    signal?.throwIfAborted();
    const startedAt = Date.now();
    try {
      const res = await ctx.client.chat.postMessage({ ...args, metadata });
      if (!res.ts) throw new Error('Slack chat.postMessage returned no ts');
      return res.ts;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'slack_webapi_platform_error' || attempt >= retries) throw error;
      if (code === 'slack_webapi_rate_limited_error') {
        // A 429 makes no message: wait as long as Slack asked, then try again.
        await delay(((error as { retryAfter?: number }).retryAfter ?? 1) * 1000, undefined, { signal });
        continue;
      }
      await delay(Math.min(maxTimeout, minTimeout * factor ** attempt), undefined, { signal });
      // The message may have been made before the answer was lost.
      const found = await findKeyed(ctx, args.channel, key, startedAt);
      if (found) return found;
    }
  }
}

/**
 * The ts of the bot's message in `channel` whose metadata carries `key`, posted no earlier than `fromMs`
 * (less the clock allowance), or null. Reads the history newest first, a bounded number of pages.
 */
export async function findKeyed(
  ctx: KeyedPostContext,
  channel: string,
  key: string,
  fromMs: number,
): Promise<string | null> {
  const oldest = Math.max(0, (fromMs - CLOCK_ALLOWANCE_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let res: webApi.ConversationsHistoryResponse;
    try {
      res = await historyPage(ctx, channel, oldest, cursor);
    } catch (error) {
      // An app installed before the history scopes were added cannot look: posting (and perhaps
      // repeating one message) beats failing every roundup until someone reinstalls it.
      if ((error as { data?: { error?: string } }).data?.error !== 'missing_scope') throw error;
      ctx.logger.warn(
        { channel },
        'Slack refused to show the channel history (missing_scope): add channels:history and groups:history from adapters/slack/manifest.yml and reinstall the app, or a post repeated after a crash may show twice',
      );
      return null;
    }
    for (const m of res.messages ?? []) {
      const payload = m.metadata?.event_payload as { key?: unknown } | undefined;
      if (m.metadata?.event_type === POST_METADATA_EVENT && payload?.key === key && m.bot_id === ctx.botId)
        return m.ts ?? null;
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) return null;
  }
  ctx.logger.warn(
    { channel, key, pages: MAX_PAGES },
    'Slack history too long to search for an earlier post; posting it as new',
  );
  return null;
}

/** One conversations.history page, a 429 waited out (reading makes nothing, so it is always safe). */
async function historyPage(
  ctx: KeyedPostContext,
  channel: string,
  oldest: string,
  cursor: string | undefined,
): Promise<webApi.ConversationsHistoryResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.client.conversations.history({
        channel,
        oldest,
        inclusive: true,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'slack_webapi_platform_error' || attempt >= ctx.retry.retries) throw error;
      const waitS =
        code === 'slack_webapi_rate_limited_error' ? (error as { retryAfter?: number }).retryAfter : 0;
      await delay(waitS ? waitS * 1000 : Math.min(ctx.retry.maxTimeout, ctx.retry.minTimeout * 2 ** attempt));
    }
  }
}
