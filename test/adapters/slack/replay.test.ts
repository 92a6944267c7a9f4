import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { FAKE_TEAM_ID } from '../../fakes/slack-api.ts';
import { eventCallback, eventId, reactionEvent } from './event-bodies.ts';
import {
  SIGNING_SECRET,
  type SlackHarness,
  sharedMessage,
  sign,
  startSlackHarness,
  triggerId,
} from './harness.ts';

/**
 * Each Slack delivery is handled once: a replayed signed request (within the five minutes its signature
 * stays valid) and Slack's own retries (same event id, `x-slack-retry-num`) are acked and ignored.
 */
interface LogLine {
  level: number;
  msg: string;
  id?: string;
}
const IGNORED = 'Ignored a Slack delivery already handled';

let h: SlackHarness;
let logs: Recorder<LogLine>;
let message: { channel: string; ts: string };
const PAPER = '2410.17243';

beforeAll(async () => {
  logs = new Recorder<LogLine>();
  const logger = createLogger('debug', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  h = await startSlackHarness({ logger });
  message = await sharedMessage(h, PAPER, 'C0REPLAY');
});
afterAll(() => h?.close());

/** POSTs `body` with the given signature timestamp; `retry` adds Slack's retry headers. */
function post(body: string, timestamp: number, retry?: number): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': sign(SIGNING_SECRET, timestamp, body),
  };
  if (retry !== undefined) {
    headers['x-slack-retry-num'] = String(retry);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(h.endpoint, { method: 'POST', headers, body });
}
const now = () => Math.floor(Date.now() / 1000);
const FORM = 'application/x-www-form-urlencoded';
const votes = async () => (await h.store.getPaper(PAPER))?.teamVotes ?? 0;

describe('reaction events', () => {
  it('GIVEN add, remove, then the captured add replayed byte for byte THEN the vote stays removed', async () => {
    const add = eventCallback(reactionEvent('reaction_added', message, 'U0CAROL', '+1'), eventId());
    const signedAt = now();
    expect((await post(add, signedAt)).status).toBe(200);
    expect(await votes()).toBe(1);
    const remove = eventCallback(reactionEvent('reaction_removed', message, 'U0CAROL', '+1'), eventId());
    expect((await post(remove, now())).status).toBe(200);
    expect(await votes()).toBe(0);

    const replay = await post(add, signedAt);
    expect(replay.status).toBe(200);
    expect(await votes()).toBe(0);
    expect(logs.items.filter((l) => l.msg === IGNORED)).toHaveLength(1);
  });

  it('GIVEN Slack retrying an event already handled (x-slack-retry-num) THEN it is acked and not applied again', async () => {
    const id = eventId();
    const add = eventCallback(reactionEvent('reaction_added', message, 'U0DAVE', '+1'), id);
    expect((await post(add, now())).status).toBe(200);
    const remove = eventCallback(reactionEvent('reaction_removed', message, 'U0DAVE', '+1'), eventId());
    expect((await post(remove, now())).status).toBe(200);
    const retried = await post(add, now(), 1);
    expect(retried.status).toBe(200);
    expect(await votes()).toBe(0);
    expect(logs.items.some((l) => l.msg === IGNORED && l.id === `event:${id}`)).toBe(true);
  });
});

describe('slash commands', () => {
  it('GIVEN a captured /papers share replayed THEN it runs once: one post, one answer', async () => {
    const responseUrl = h.api.responseUrl();
    const body = new URLSearchParams({
      team_id: FAKE_TEAM_ID,
      channel_id: 'C0ONCE',
      channel_name: 'once',
      user_id: 'U0ERIN',
      user_name: 'erin',
      command: '/papers',
      text: 'share 2410.16251',
      api_app_id: 'A0PAPERS',
      response_url: responseUrl,
      trigger_id: triggerId(),
    }).toString();
    const signedAt = now();
    const first = await h.send(body, FORM, { timestamp: signedAt });
    expect(first.status).toBe(200);
    await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));

    const replay = await h.send(body, FORM, { timestamp: signedAt });
    expect(replay.status).toBe(200);
    // The decision is made before Slack's answer, so once it is logged nothing else can be running.
    expect(logs.items.filter((l) => l.msg === IGNORED).at(-1)?.id).toMatch(/^trigger:/);
    expect(h.api.messages.filter((m) => m.channel === 'C0ONCE')).toHaveLength(1);
    expect(h.api.calls.filter((c) => c.method === 'respond' && responseUrl.endsWith(c.path))).toHaveLength(1);
  });
});
