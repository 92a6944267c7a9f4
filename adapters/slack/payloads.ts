import { z } from 'zod';
import { MAX_EMOJI_NAME_LENGTH } from '../../src/chat/emoji.ts';

/**
 * The parts of Slack's payloads paperboy reads, checked at the edge. A signed request is from Slack, but
 * Slack relays what clients and other apps put in it, and a missing `user` once became a vote by
 * `slack:undefined`: nothing reaches the core without passing these. Unknown keys are allowed (Slack adds
 * fields over time) and dropped.
 */

/** A person: `U…`, or `W…` on Enterprise Grid. */
const userId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'not a Slack user id');
/** A conversation: public `C…`, private `G…`, direct message `D…`. */
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,30}$/, 'not a Slack channel id');
/** A message timestamp, the message's id within its channel: `1712345678.000100`. */
const ts = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'not a Slack timestamp');
/** An Events API delivery's id, the same on every retry of it: `Ev0123ABCD`. */
const eventId = z.string().regex(/^Ev[A-Za-z0-9]{1,40}$/, 'not a Slack event id');
/** One interaction (a command, a button press): `13345224609.738474920.8088930838d88f008e0`. */
const triggerId = z.string().regex(/^\d{1,20}\.\d{1,20}\.[0-9a-f]{1,64}$/, 'not a Slack trigger id');
/** A short name without colons: `+1`, `thumbsup::skin-tone-2`, a custom `party-parrot`. */
const emojiName = z
  .string()
  .max(MAX_EMOJI_NAME_LENGTH)
  .regex(/^[^\s\p{Cc}:<>&]+(?:::[^\s\p{Cc}:<>&]+)*$/u, 'not a Slack emoji name');
/** A display name; Slack's own are far shorter. */
const name = z.string().max(100);
/** A paper id as the Share button carries it: an arXiv id (`2410.17243`, `hep-ex/0307015`) or `title:…`. */
const paperId = z.string().regex(/^[\w./:-]{1,100}$/, 'not a paper id');

/**
 * The longest command text run, in characters as typed (after command-text.ts decodes Slack's entities).
 * Longer text is answered with a note saying so (listeners.ts), never dropped without a word: it is a
 * person's paste, not a malformed payload.
 */
export const MAX_COMMAND_TEXT = 4000;

/** A `reaction_added` / `reaction_removed` event callback. */
export const reactionCallback = z.object({
  event_id: eventId,
  event: z.object({
    type: z.enum(['reaction_added', 'reaction_removed']),
    user: userId,
    reaction: emojiName,
    // Files and file comments have no channel and ts; they are never paper posts, and are skipped later.
    item: z.object({ type: z.string().max(40), channel: channelId.optional(), ts: ts.optional() }),
    event_ts: ts,
  }),
});
export type ReactionCallback = z.infer<typeof reactionCallback>;

/** A slash command, as the form fields Slack posts. */
export const slashCommand = z.object({
  trigger_id: triggerId,
  channel_id: channelId,
  user_id: userId,
  user_name: name.optional(),
  // Not bounded here: Slack delivers each typed `&`, `<` or `>` as a five-character entity, so the text as
  // sent says little about its length as typed (the request itself is bounded by the route's body limit).
  text: z.string(),
});
export type SlashCommand = z.infer<typeof slashCommand>;

/** A press of the Share button (`block_actions` with one button action). */
export const shareButtonPress = z.object({
  trigger_id: triggerId,
  user: z.object({ id: userId, username: name.optional(), name: name.optional() }),
  // The channel of the message the button was on: `channel` on messages, `container` on ephemerals.
  channel: z.object({ id: channelId }).nullish(),
  container: z.object({ channel_id: channelId.optional() }).nullish(),
  actions: z.tuple([z.object({ type: z.literal('button'), value: paperId })], z.unknown()),
});
export type ShareButtonPress = z.infer<typeof shareButtonPress>;

/** A link as `link_shared` names it: bounded far above any real URL (browsers stop near 2,000 and Slack near 4,000). */
const sharedLink = z.object({ domain: z.string().max(255), url: z.string().max(4000) });

/**
 * A `link_shared` event: links to an `unfurl_domains` site, in a posted message (`source`
 * `conversations_history`, with the message's channel and ts) or still in the composer (`source`
 * `composer`: the channel is `COMPOSER` and the ts no message's; only `unfurl_id` addresses it).
 */
export const linkSharedCallback = z.object({
  event_id: eventId,
  event: z.object({
    type: z.literal('link_shared'),
    channel: z.string().max(40),
    user: userId,
    message_ts: z.string().max(200),
    thread_ts: ts.optional(),
    unfurl_id: z.string().max(400).optional(),
    source: z.string().max(40).optional(),
    links: z.array(sharedLink).max(100),
    event_ts: ts,
  }),
});
export type LinkSharedCallback = z.infer<typeof linkSharedCallback>;

/**
 * A `message` event, for thread replies: a person's reply (no subtype, or `thread_broadcast` /
 * `file_share`) with a `thread_ts` other than its own `ts`, or a deleted one (`message_deleted` with the
 * `previous_message`). Text is never read.
 */
export const messageCallback = z.object({
  event_id: eventId,
  event: z.object({
    type: z.literal('message'),
    subtype: z.string().max(60).optional(),
    channel: channelId,
    user: userId.optional(),
    bot_id: z.string().max(40).optional(),
    ts: ts.optional(),
    thread_ts: ts.optional(),
    deleted_ts: ts.optional(),
    previous_message: z
      .object({ user: userId.optional(), ts: ts.optional(), thread_ts: ts.optional() })
      .optional(),
    event_ts: ts,
  }),
});
export type MessageCallback = z.infer<typeof messageCallback>;

const eventDelivery = z.object({ type: z.literal('event_callback'), event_id: eventId });
const interaction = z.object({ trigger_id: triggerId });

/**
 * The id of a delivery, for handling each once (deliveries.ts): `event:<event_id>` for an event callback
 * (Slack keeps it across retries), `trigger:<trigger_id>` for a slash command or an interaction. Undefined
 * for a body without a well-formed one (validation then drops it, or it is not paperboy's to handle).
 */
export function deliveryId(body: unknown): string | undefined {
  const event = eventDelivery.safeParse(body);
  if (event.success) return `event:${event.data.event_id}`;
  const trigger = interaction.safeParse(body);
  return trigger.success ? `trigger:${trigger.data.trigger_id}` : undefined;
}

/** A validation failure in a few words for the log: where and what, never the offending value. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
}
