import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respondedTo, type SlackHarness, startSlackHarness } from './harness.ts';

/**
 * A Web API request that is never answered (a connection a NAT or proxy dropped without a reset) fails
 * after the request timeout, instead of leaving the person without an answer and the channel's later
 * posts queued behind it.
 */
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ requestTimeoutMs: 1000 });
});
afterAll(() => h?.close());

describe('a Slack Web API request left unanswered', () => {
  it('GIVEN chat.postMessage made the message but its answer never came THEN the share is answered, posted once, and the channel posts again', async () => {
    h.api.script('chat.postMessage', [{ status: 200, hang: true, effect: true }]);
    const first = await h.command('share 2501.00001', { user: 'U0BOB', channel: 'C0STALL' });
    expect(first.res.status).toBe(200);
    expect(JSON.stringify((await respondedTo(h, first.responseUrl)).body)).toContain(
      'Shared “Machine Unlearning at Scale” in this channel',
    );
    // The message Slack made before the answer was lost was found in the history, not posted again.
    expect(h.api.messages.filter((m) => m.channel === 'C0STALL')).toHaveLength(1);

    const second = await h.command('share 2501.00002', { user: 'U0BOB', channel: 'C0STALL' });
    expect(JSON.stringify((await respondedTo(h, second.responseUrl)).body)).toContain(
      'Shared “Certified Unlearning for LLMs” in this channel',
    );
    expect(h.api.messages.filter((m) => m.channel === 'C0STALL')).toHaveLength(2);
  });
});
