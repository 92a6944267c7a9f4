import { afterEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../../adapters/slack/platform.ts';
import type { InboundHandlers, Reply } from '../../../src/chat/platform.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { BOT_TOKEN, SIGNING_SECRET } from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NO_HANDLERS: InboundHandlers = {
  onCommand: async () => ({ visibility: 'ephemeral', text: '' }),
  onShare: async () => ({ visibility: 'ephemeral', text: '' }),
  onReaction: async () => undefined,
  onSuggest: async () => [],
  onLinks: async () => [],
  onThreadReply: async () => {},
  onReactionsCleared: async () => undefined,
};

/**
 * The real Slack platform, posting only, against a fake Web API on a clock the test sets (`fixed`), or on
 * the real clock, which a retry's lookup reads as Slack's (they agree within minutes in production).
 */
async function slack(
  fixed = true,
): Promise<{ api: FakeSlackApi; platform: SlackPlatform; clock: { ms: number } }> {
  const clock = { ms: Date.parse('2026-01-05T09:00:00Z') };
  const api = await startFakeSlackApi({ botToken: BOT_TOKEN, now: fixed ? () => clock.ms : Date.now });
  cleanups.push(() => api.close());
  const platform = createSlackPlatform(
    {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      apiUrl: api.apiUrl,
      admins: [],
      teamId: undefined,
    },
    { postIntervalMs: 0, retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 } },
  );
  await platform.start(NO_HANDLERS);
  cleanups.push(() => platform.stop());
  return { api, platform, clock };
}

const reply: Reply = { visibility: 'channel', text: 'Paper roundup for 2026-01-05' };
const calls = (api: FakeSlackApi, from = 0) => api.calls.slice(from).map((c) => `${c.method} ${c.status}`);

describe('Slack posts with an idempotency key', () => {
  it('carry the key as message metadata, and a repeat with `since` finds the message instead of posting', async () => {
    const { api, platform, clock } = await slack();
    const since = new Date(clock.ms).toISOString();
    clock.ms += 2_000;
    const ref = await platform.post('slack:C0ROUND', reply, { idempotencyKey: 'k-header' });
    expect(api.messages.map((m) => m.metadata)).toEqual([
      { event_type: 'paperboy_post', event_payload: { key: 'k-header' } },
    ]);
    // Another process, after a crash, posting the same item again:
    clock.ms += 60_000;
    const from = api.calls.length;
    const again = await platform.post('slack:C0ROUND', reply, { idempotencyKey: 'k-header', since });
    expect(again).toBe(ref);
    expect(api.messages).toHaveLength(1);
    expect(calls(api, from)).toEqual(['conversations.history 200']);
    const lookup = api.calls.at(-1)?.body ?? {};
    expect(lookup).toMatchObject({ channel: 'C0ROUND', include_all_metadata: 'true', inclusive: 'true' });
    // From a little before `since`, for clocks that disagree; never from before the day began.
    expect(Number(lookup.oldest)).toBeLessThanOrEqual(Date.parse(since) / 1000);
    expect(Number(lookup.oldest)).toBeGreaterThan(Date.parse(since) / 1000 - 3600);
  });

  it('posts with `since` when no message carries the key (the earlier run died before posting)', async () => {
    const { api, platform, clock } = await slack();
    await platform.post('slack:C0ROUND', reply, { idempotencyKey: 'other' });
    const since = new Date(clock.ms).toISOString();
    await platform.post('slack:C0ROUND', reply, { idempotencyKey: 'k-new', since });
    expect(api.messages.map((m) => m.metadata?.event_payload.key)).toEqual(['other', 'k-new']);
  });

  it('pages through a long history to find the message', async () => {
    const { api, platform, clock } = await slack();
    const since = new Date(clock.ms).toISOString();
    const ref = await platform.post('slack:C0BUSY', reply, { idempotencyKey: 'k-old' });
    for (let i = 0; i < 450; i++)
      await platform.post('slack:C0BUSY', { visibility: 'channel', text: `${i}` });
    const from = api.calls.length;
    expect(await platform.post('slack:C0BUSY', reply, { idempotencyKey: 'k-old', since })).toBe(ref);
    expect(calls(api, from)).toEqual(Array(3).fill('conversations.history 200'));
    expect(api.messages).toHaveLength(451);
  });

  it('finds the message Slack made when its answer was lost (a 500), and does not post it again', async () => {
    const { api, platform } = await slack(false);
    api.script('chat.postMessage', [{ status: 500, effect: true, body: 'upstream hiccup' }]);
    const ref = await platform.post('slack:C0ROUND', reply, { idempotencyKey: 'k-lost' });
    expect(api.messages).toHaveLength(1);
    expect(ref).toBe(`slack:C0ROUND:${api.messages[0]?.ts}`);
    expect(calls(api).filter((c) => !c.startsWith('conversations.join'))).toEqual([
      'auth.test 200',
      'chat.postMessage 500',
      'conversations.history 200',
    ]);
  });

  it('posts again after a 5xx that made no message, and waits out a 429 without a lookup', async () => {
    const { api, platform } = await slack(false);
    api.script('chat.postMessage', [
      { status: 503 },
      { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } },
    ]);
    await platform.post('slack:C0ROUND', reply, { idempotencyKey: 'k-busy' });
    expect(api.messages).toHaveLength(1);
    expect(calls(api).filter((c) => !/^(auth|conversations\.join)/.test(c))).toEqual([
      'chat.postMessage 503',
      'conversations.history 200',
      'chat.postMessage 429',
      'chat.postMessage 200',
    ]);
  });

  it('gives up at once when Slack refuses the channel (the bot was removed, or it was archived)', async () => {
    const { api, platform } = await slack();
    api.refuse('C0GONE', 'not_in_channel');
    await expect(
      platform.post('slack:C0GONE', reply, { idempotencyKey: 'k-gone', since: new Date().toISOString() }),
    ).rejects.toThrow(/not_in_channel/);
    expect(calls(api).filter((c) => !/^(auth|conversations\.join)/.test(c))).toEqual([
      'conversations.history 200',
    ]);
    api.refuse('C0GONE', null);
    await expect(platform.post('slack:C0GONE', reply, { idempotencyKey: 'k-gone' })).resolves.toMatch(
      /^slack:C0GONE:/,
    );
  });

  it('posts anyway, with a warning, when the app lacks the history scopes (installed before they were added)', async () => {
    const { api, platform } = await slack();
    api.refuse('C0OLD', 'missing_scope', 'conversations.history');
    const ref = await platform.post('slack:C0OLD', reply, {
      idempotencyKey: 'k-old-app',
      since: new Date(Date.parse('2026-01-05T09:00:00Z')).toISOString(),
    });
    expect(ref).toBe(`slack:C0OLD:${api.messages[0]?.ts}`);
    expect(calls(api).filter((c) => !/^(auth|conversations\.join)/.test(c))).toEqual([
      'conversations.history 200',
      'chat.postMessage 200',
    ]);
  });

  it('makes no further attempt once its signal is aborted (a roundup run that lost its lease)', async () => {
    const { api, platform } = await slack();
    api.script('chat.postMessage', [
      { status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } },
    ]);
    const lease = new AbortController();
    const posting = platform.post('slack:C0LOST', reply, {
      idempotencyKey: 'k-lost-lease',
      signal: lease.signal,
    });
    await api.waitFor((c) => c.method === 'chat.postMessage' && c.status === 429);
    lease.abort();
    await expect(posting).rejects.toThrow(/abort/i);
    expect(api.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(api.messages).toHaveLength(0);
  });
});
