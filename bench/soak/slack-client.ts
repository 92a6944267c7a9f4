import { createHmac } from 'node:crypto';

/**
 * Sends Slack-shaped requests to a Bolt HTTP receiver the way Slack does: `v0=` HMAC-SHA256 of
 * `v0:<timestamp>:<body>` under the signing secret, slash commands form-encoded, events as JSON.
 */
export class SignedSlackClient {
  readonly #endpoint: string;
  readonly #secret: string;
  #events = 0;
  #commands = 0;

  constructor(endpoint: string, secret: string) {
    this.#endpoint = endpoint;
    this.#secret = secret;
  }

  /** POSTs a `/papers` command; resolves with the HTTP status once the ack (the response) is read. */
  command(fields: { team: string; channel: string; user: string; text: string; responseUrl: string }) {
    const body = new URLSearchParams({
      team_id: fields.team,
      channel_id: fields.channel,
      user_id: fields.user,
      user_name: fields.user.toLowerCase(),
      command: '/papers',
      text: fields.text,
      response_url: fields.responseUrl,
      // Slack gives every command its own trigger id; paperboy handles each id once.
      trigger_id: `1.${++this.#commands}.0`,
    }).toString();
    return this.#post(body, 'application/x-www-form-urlencoded');
  }

  /** POSTs a `reaction_added` / `reaction_removed` Events API callback on a message. */
  reaction(fields: {
    team: string;
    added: boolean;
    user: string;
    emoji: string;
    channel: string;
    ts: string;
  }) {
    const now = Date.now() / 1000;
    const n = ++this.#events;
    const body = JSON.stringify({
      token: 'unused-verification-token',
      team_id: fields.team,
      api_app_id: 'A0PAPERS',
      type: 'event_callback',
      event_id: `Ev${n.toString(36).toUpperCase()}`,
      event_time: Math.floor(now),
      event: {
        type: fields.added ? 'reaction_added' : 'reaction_removed',
        user: fields.user,
        reaction: fields.emoji,
        item: { type: 'message', channel: fields.channel, ts: fields.ts },
        event_ts: now.toFixed(6),
      },
    });
    return this.#post(body, 'application/json');
  }

  async #post(body: string, contentType: string): Promise<number> {
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', this.#secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(this.#endpoint, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
      body,
      // A request the receiver never answers fails after 30 s rather than holding the soak open.
      signal: AbortSignal.timeout(30_000),
    });
    await res.text();
    return res.status;
  }
}
