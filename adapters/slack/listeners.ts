import type { App, RespondFn, webApi } from '@slack/bolt';
import type { z } from 'zod';
import type { CommandInvocation, InboundHandlers, Reply, ShareAction } from '../../src/chat/platform.ts';
import type { Logger } from '../../src/log.ts';
import { commandText } from './command-text.ts';
import type { DeliveryLog } from './deliveries.ts';
import { sendFileDirect } from './files.ts';
import { isPostedMessage, toLinksPosted, toThreadReply } from './messages.ts';
import type { UserNames } from './names.ts';
import {
  deliveryId,
  describeIssues,
  linkSharedCallback,
  MAX_COMMAND_TEXT,
  messageCallback,
  reactionCallback,
  type SlashCommand,
  shareButtonPress,
  slashCommand,
} from './payloads.ts';
import { toReactionEvent } from './reactions.ts';
import { RedeliveryWanted } from './redelivery.ts';
import { peopleToName, renderPaper, renderReply, SHARE_ACTION_ID } from './render.ts';
import type { SlackConfig } from './settings.ts';

/** What the listeners need besides the Bolt app. */
export interface ListenerContext {
  handlers: InboundHandlers;
  config: SlackConfig;
  logger: Logger;
  /** The bot's own user id (auth.test), to mark its reactions. */
  botUserId: string;
  names: UserNames;
  /** The deliveries already handled, so that a retried or replayed one is ignored. */
  deliveries: DeliveryLog;
}

/** Shown to the person when a command or the Share button fails unexpectedly (the details go to the log). */
const FAILURE_REPLY: Reply = {
  visibility: 'ephemeral',
  text: 'Sorry, something went wrong on our side. Please try again in a moment.',
};

/**
 * Registers paperboy's Slack listeners on `app`: the team filter, the `/papers` slash command, the Share
 * button and reaction events. Commands and button presses are acked before any work (Slack's 3 s deadline);
 * replies then go through `respond()` (the response_url stays valid for 30 minutes). Every payload is
 * validated first (payloads.ts); an invalid one is acked, logged and dropped.
 */
export function registerListeners(app: App, ctx: ListenerContext): void {
  const { handlers, config, logger } = ctx;

  app.use(async (args) => {
    const team = teamIdOf(args.body);
    if (!config.teamId || team === config.teamId) return args.next();
    logger.warn({ team, expected: config.teamId }, 'Ignored a Slack request from another workspace');
    // Ack anyway so Slack does not retry or show the person a timeout; nothing else happens.
    if ('ack' in args && typeof args.ack === 'function') await args.ack();
  });

  // Each delivery once: a retry of an event already handled, or a replayed request, is acked and ignored.
  // The id is remembered only when the listeners succeeded, so a retry of a failed event is handled.
  app.use(async (args) => {
    const id = deliveryId(args.body);
    if (!id) return args.next();
    const outcome = await ctx.deliveries.once(id, () => args.next());
    if (outcome === 'handled') return;
    if (outcome === 'elsewhere' && id.startsWith('event:')) {
      // Another instance is handling it now: its outcome is unknown, so Slack is asked to try again later
      // (a 500); by then it is recorded as handled, or released because it failed.
      throw new RedeliveryWanted(new Error('another instance is handling this event'));
    }
    logger.debug({ id, retry: args.context.retryNum, outcome }, 'Ignored a Slack delivery already handled');
    // Events are acked when the listeners return (by Bolt, held back until then by the receivers);
    // commands and interactions are acked here.
    if ('ack' in args && typeof args.ack === 'function') await args.ack();
  });

  // Any command starting with /papers, so a second install can name its command /papers-staging.
  app.command(/^\/papers/, async ({ command: raw, ack, respond, client }) => {
    await ack();
    const parsed = slashCommand.safeParse(raw);
    if (!parsed.success) return dropInvalid(ctx, 'slash command', parsed.error);
    afterAck(ctx, () => runCommand(ctx, parsed.data, respond, client));
  });

  app.action({ type: 'block_actions', action_id: SHARE_ACTION_ID }, async ({ ack, body, respond }) => {
    await ack();
    const parsed = shareButtonPress.safeParse(body);
    if (!parsed.success) return dropInvalid(ctx, 'Share button press', parsed.error);
    const press = parsed.data;
    const channel = press.channel?.id ?? press.container?.channel_id;
    if (!channel) return logger.warn('Dropped a Share button press that names no channel');
    const share: ShareAction = {
      platform: 'slack',
      channel: `slack:${channel}`,
      user: `slack:${press.user.id}`,
      userName: press.user.username || press.user.name || null,
      paperId: press.actions[0].value,
    };
    afterAck(ctx, async () => {
      const reply = await guarded(ctx, () => handlers.onShare(share), { share: share.paperId });
      await deliver(ctx, respond, reply);
    });
  });

  // Bolt acks events itself; that answer waits for this listener (HTTP: processBeforeResponse; Socket Mode:
  // socket-receiver.ts), so Slack hears of a reaction only once its vote is written, and is asked to retry
  // when it was not.
  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ body }) => {
      const parsed = reactionCallback.safeParse(body);
      if (!parsed.success) return dropInvalid(ctx, type, parsed.error);
      const reaction = toReactionEvent(parsed.data.event, ctx.botUserId);
      if (!reaction) return;
      try {
        await handlers.onReaction(reaction);
      } catch (error) {
        throw new RedeliveryWanted(error);
      }
    });
  }

  // A person posted links to arXiv or Hugging Face papers (the manifest's unfurl_domains): the message is
  // recorded as their share before the event is answered, then each paper is unfurled as a compact card.
  app.event('link_shared', async ({ body, client }) => {
    const parsed = linkSharedCallback.safeParse(body);
    if (!parsed.success) return dropInvalid(ctx, 'link_shared', parsed.error);
    const event = parsed.data.event;
    let papers: Awaited<ReturnType<InboundHandlers['onLinks']>>;
    try {
      papers = await handlers.onLinks(toLinksPosted(event));
    } catch (error) {
      throw new RedeliveryWanted(error);
    }
    if (papers.length === 0) return;
    const names = await ctx.names.resolve(peopleToName({ visibility: 'channel', papers }));
    const unfurls = Object.fromEntries(
      papers.map(({ url, paper, team }) => [url, { blocks: renderPaper({ paper, team }, { names }) }]),
    );
    // The card is a courtesy: the share is recorded whether or not Slack takes it.
    try {
      await client.chat.unfurl(
        isPostedMessage(event) || !event.unfurl_id || !event.source
          ? { channel: event.channel, ts: event.message_ts, unfurls }
          : { unfurl_id: event.unfurl_id, source: event.source as 'composer', unfurls },
      );
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      logger.warn({ code: code ?? String(error), links: papers.length }, 'Slack chat.unfurl failed');
    }
  });

  // Replies in a thread under a paper's message count as its discussion: who and when, never the text.
  app.event('message', async ({ body }) => {
    const parsed = messageCallback.safeParse(body);
    if (!parsed.success) return dropInvalid(ctx, 'message', parsed.error);
    const reply = toThreadReply(parsed.data.event);
    if (!reply) return;
    try {
      await handlers.onThreadReply(reply);
    } catch (error) {
      throw new RedeliveryWanted(error);
    }
  });
}

/** The answer to command text over {@link MAX_COMMAND_TEXT}: what the limit is, so the person can shorten it. */
function tooLong(length: number): Reply {
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    visibility: 'ephemeral',
    text: `That command is ${n(length)} characters long; /papers takes at most ${n(MAX_COMMAND_TEXT)}. Please shorten it and try again.`,
  };
}

/**
 * Runs `work` after the listener returns. Over HTTP, Slack's answer is sent when the listeners are done
 * (processBeforeResponse, for the events' sake), so a command or button press that did its work inside
 * the listener would miss Slack's 3 s deadline; its ack is sent as soon as the listener returns instead.
 * The work starts on the next turn of the event loop, once the ack is written: the archive is read
 * synchronously (SQLite), and a search run from the listener's own promise chain would hold the ack back
 * for as long as it takes. The work reports its own failures to the person; anything else is logged here.
 */
function afterAck(ctx: ListenerContext, work: () => Promise<void>): void {
  setImmediate(() => {
    work().catch((error: unknown) => ctx.logger.error({ err: error }, 'Slack command failed after its ack'));
  });
}

async function runCommand(
  ctx: ListenerContext,
  command: SlashCommand,
  respond: RespondFn,
  client: webApi.WebClient,
): Promise<void> {
  const text = commandText(command.text);
  if (text.length > MAX_COMMAND_TEXT) return deliver(ctx, respond, tooLong(text.length));
  const invocation: CommandInvocation = {
    platform: 'slack',
    channel: `slack:${command.channel_id}`,
    user: `slack:${command.user_id}`,
    userName: command.user_name || null,
    input: { kind: 'text', text },
    // Channel settings may be changed by the configured admins and by workspace admins and owners. Asked
    // of Slack (users.info) only by a command that changes them: not a round trip before every search.
    canManageChannel: async () =>
      ctx.config.admins.includes(command.user_id) ||
      (await ctx.names.isWorkspaceAdmin(`slack:${command.user_id}`)),
  };
  ctx.names.remember(invocation.user, invocation.userName);
  const reply = await guarded(ctx, () => ctx.handlers.onCommand(invocation), { command: command.text });
  await deliver(ctx, respond, reply.file ? await handOver(ctx, client, command.user_id, reply) : reply);
}

/**
 * Sends a reply's file to the person's DM (a response_url cannot carry a file) and returns the reply to
 * answer with, saying where the file went or why it could not go.
 */
async function handOver(
  ctx: ListenerContext,
  client: webApi.WebClient,
  user: string,
  reply: Reply,
): Promise<Reply> {
  const { file, ...rest } = reply;
  if (!file) return reply;
  try {
    await sendFileDirect(client, user, file, reply.text ?? file.name);
    return {
      ...rest,
      text: [reply.text, `Sent to you as a direct message: ${file.name}`].filter(Boolean).join('\n'),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.logger.error({ reason, file: file.name }, 'Slack file upload failed');
    return { ...rest, text: `I could not send you ${file.name}: ${reason}.` };
  }
}

/**
 * Logs a payload that failed validation, once, at warn: what it was and which fields were wrong, never
 * their values (an emoji name of 10,000 characters does not belong in the log either). It has been acked,
 * so Slack will not send it again, and nothing else happens.
 */
function dropInvalid(ctx: ListenerContext, what: string, error: z.ZodError): void {
  ctx.logger.warn({ what, problems: describeIssues(error) }, 'Dropped an invalid Slack payload');
}

/** Runs a handler; a failure is logged with its context and turned into a short apology for the person. */
async function guarded(ctx: ListenerContext, run: () => Promise<Reply>, what: object): Promise<Reply> {
  try {
    return await run();
  } catch (error) {
    ctx.logger.error({ err: error, ...what }, 'Slack command failed');
    return FAILURE_REPLY;
  }
}

/**
 * Sends a reply through the response_url: ephemeral unless the reply is for the channel, never replacing the
 * message the button was on (the search results stay). Unfurls are off: a reply with ten arXiv links would
 * otherwise grow ten previews.
 */
async function deliver(ctx: ListenerContext, respond: RespondFn, reply: Reply): Promise<void> {
  const people = peopleToName(reply);
  const names = people.length > 0 ? await ctx.names.resolve(people) : new Map<string, string>();
  const message = renderReply(reply, { names });
  try {
    await respond({
      ...message,
      response_type: reply.visibility === 'channel' ? 'in_channel' : 'ephemeral',
      replace_original: false,
      unfurl_links: false,
      unfurl_media: false,
    });
  } catch (error) {
    // Log the message only: an HTTP client error carries the request, response_url included.
    const reason = error instanceof Error ? error.message : String(error);
    ctx.logger.error({ reason }, 'Slack respond() failed; the reply was not delivered');
  }
}

/** The workspace a request comes from: `team_id` (commands, events) or `team.id` (interactions). */
function teamIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { team_id?: unknown; team?: { id?: unknown } | null };
  if (typeof b.team_id === 'string') return b.team_id;
  return typeof b.team?.id === 'string' ? b.team.id : undefined;
}
