import type { webApi } from '@slack/bolt';
import type { ReplyFile } from '../../src/chat/platform.ts';
import { openDirectChannel, slackErrorCode } from './direct.ts';
import { escapeText } from './mrkdwn.ts';

/**
 * Sends a file to one person: their DM with the bot (conversations.open, scope `im:write`), then Slack's
 * upload flow as the Web API client runs it (files.getUploadURLExternal for an upload URL and a file id,
 * the bytes POSTed to that URL, files.completeUploadExternal sharing it into the DM with `comment`; scope
 * `files:write`). `comment` is plain text, escaped here like every text the bot posts. Resolves with the DM's
 * channel id; rejects with an error saying what to do about it.
 */
export async function sendFileDirect(
  client: webApi.WebClient,
  user: string,
  file: ReplyFile,
  comment: string,
): Promise<string> {
  try {
    const channel = await openDirectChannel(client, user);
    await client.filesUploadV2({
      channel_id: channel,
      file: Buffer.from(file.text, 'utf8'),
      filename: file.name,
      title: file.name,
      initial_comment: escapeText(comment),
    });
    return channel;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'missing_scope')
      throw new Error(
        'Slack refused the upload (missing_scope): add files:write and im:write from adapters/slack/manifest.yml and reinstall the app',
        { cause: error },
      );
    throw new Error(
      `Slack refused the upload (${code ?? (error instanceof Error ? error.message : String(error))})`,
      {
        cause: error,
      },
    );
  }
}
