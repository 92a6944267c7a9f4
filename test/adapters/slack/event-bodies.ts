import { FAKE_TEAM_ID } from '../../fakes/slack-api.ts';

/** A reaction event as Slack puts it inside an event callback; override or delete any field. */
export function reactionEvent(
  type: 'reaction_added' | 'reaction_removed',
  ref: { channel: string; ts: string },
  user: string,
  emoji: string,
): Record<string, unknown> {
  return {
    type,
    user,
    reaction: emoji,
    item: { type: 'message', channel: ref.channel, ts: ref.ts },
    item_user: 'UBOT0001',
    event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
  };
}

/** A link_shared event (a person posted paper links) as Slack puts it inside an event callback. */
export function linkShared(
  links: string[],
  where: { channel?: string; ts?: string; user?: string; source?: string; unfurl_id?: string } = {},
): Record<string, unknown> {
  return {
    type: 'link_shared',
    channel: where.channel ?? 'C0LINKS',
    is_bot_user_member: true,
    user: where.user ?? 'U0ANA',
    message_ts: where.ts ?? '1767300000.000100',
    unfurl_id: where.unfurl_id ?? `C0LINKS.${where.ts ?? '1767300000.000100'}.abc123`,
    source: where.source ?? 'conversations_history',
    links: links.map((url) => ({ domain: new URL(url).hostname.replace(/^www\./, ''), url })),
    event_ts: '1767300000.000200',
  };
}

let next = 0;
/** A fresh event id, as Slack gives each delivery (its retries keep it). */
export function eventId(): string {
  next += 1;
  return `Ev0EDGE${String(next).padStart(6, '0')}`;
}

/** The JSON body of an Events API callback carrying `event`, exactly as Slack posts it. */
export function eventCallback(event: Record<string, unknown>, id = eventId()): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM_ID,
    api_app_id: 'A0PAPERS',
    event,
    type: 'event_callback',
    event_id: id,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { team_id: FAKE_TEAM_ID, user_id: 'UBOT0001', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  });
}
