import type { webApi } from '@slack/bolt';

/**
 * Slack errors that mean this person cannot be sent a direct message, now or on a retry: they left or were
 * deactivated, are a bot, or the workspace does not let the app write to them.
 */
const UNREACHABLE = new Set([
  'user_not_found',
  'users_not_found',
  'user_disabled',
  'account_inactive',
  'cannot_dm_bot',
  'user_is_bot',
  'is_archived',
  'channel_not_found',
  'not_in_channel',
  'restricted_action',
  'messages_tab_disabled',
  'cannot_reply_to_message',
]);

/** The Slack error code of a Web API failure, when Slack answered with one. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

/** Whether a Web API failure says the person cannot be sent a DM (rather than "try again"). */
export function isUnreachable(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && UNREACHABLE.has(code);
}

/**
 * The id of the bot's DM channel with `user` (conversations.open, scope `im:write`). Slack returns the same
 * channel every time, so opening it again for each delivery is safe. Rejects with Slack's error.
 */
export async function openDirectChannel(client: webApi.WebClient, user: string): Promise<string> {
  const res = await client.conversations.open({ users: user, return_im: false });
  const id = res.channel?.id;
  if (!id) throw new Error('Slack conversations.open returned no channel');
  return id;
}
