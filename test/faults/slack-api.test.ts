import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_PAPERS } from '../adapters/slack/harness.ts';
import { type FaultBot, startFaultBot } from './slack-bot.ts';

const [FIRST, SECOND] = SEED_PAPERS.map((p) => p.id) as [string, string];

describe("Slack's Web API refusing chat.postMessage", () => {
  let bot: FaultBot;
  // Each test's share comes two hours after the last one's, so none is an unneeded repeat of the paper in
  // the channel (which the bot answers with the earlier post instead of posting again).
  let shift = 0;
  beforeEach(() => {
    shift += 2 * 3600_000;
  });
  beforeAll(async () => {
    // Six retries, as in production, with short backoffs: a 429 is waited out for its Retry-After first.
    bot = await startFaultBot({
      retryConfig: { retries: 6, factor: 2, minTimeout: 10, maxTimeout: 50 },
      now: () => new Date(Date.now() + shift),
    });
  });
  afterAll(() => bot?.close());

  const attempts = (from: number) =>
    bot.api.calls
      .slice(from)
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => c.status);

  it('waits out a storm of five 429s (Retry-After: 1) and the share lands once', async () => {
    const from = bot.api.calls.length;
    bot.api.script(
      'chat.postMessage',
      Array.from({ length: 5 }, () => ({
        status: 429,
        headers: { 'retry-after': '1' },
        body: { ok: false, error: 'ratelimited' },
      })),
    );
    const answer = await bot.ask(`share ${FIRST}`);
    expect(answer.text).toBe('Shared “Machine Unlearning at Scale” in this channel.');
    expect(attempts(from)).toEqual([429, 429, 429, 429, 429, 200]);
    // Each retry came no sooner than the second Slack asked for.
    const times = bot.api.calls
      .slice(from)
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => c.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
    const landed = bot.api.messages.filter((m) => m.text.includes('Machine Unlearning at Scale'));
    expect(landed).toHaveLength(1);
    const post = await bot.store.getPost(`slack:C0GENERAL:${landed[0]?.ts}`);
    expect(post?.paperId).toBe(FIRST);
  }, 20_000);

  it('retries 5xx answers until the post lands', async () => {
    const from = bot.api.calls.length;
    bot.api.script('chat.postMessage', [{ status: 500 }, { status: 503 }, { status: 502 }]);
    const answer = await bot.ask(`share ${SECOND}`);
    expect(answer.text).toBe('Shared “Certified Unlearning for LLMs” in this channel.');
    expect(attempts(from)).toEqual([500, 503, 502, 200]);
  });

  it('with more failures than the retry budget, tells the person and records nothing', async () => {
    const from = bot.api.calls.length;
    const before = bot.api.messages.length;
    bot.api.script(
      'chat.postMessage',
      Array.from({ length: 8 }, () => ({ status: 503 })),
    );
    const answer = await bot.ask(`share ${FIRST}`);
    expect(answer.public).toBe(false);
    expect(answer.text).toMatch(/^I could not post in this channel \(.+\)\. Try again in a minute\.$/);
    expect(answer.text).not.toMatch(/\n\s+at /);
    expect(attempts(from)).toEqual(Array.from({ length: 7 }, () => 503));
    expect(bot.api.messages).toHaveLength(before);
    // The one message that shows this paper is still the first share: nothing new was recorded for it.
    const ids = [...(await bot.store.papersPostedIn('slack:C0GENERAL'))].sort();
    expect(ids).toEqual([FIRST, SECOND].sort());
    // Slack is healthy again (one scripted 503 is left over and retried away): the next share works.
    const again = await bot.ask(`share ${SECOND}`);
    expect(again.text).toBe('Shared “Certified Unlearning for LLMs” in this channel.');
  });

  it('finds a share Slack made before its answer was lost (a 500), and shows the paper once', async () => {
    const from = bot.api.calls.length;
    const before = bot.api.messages.length;
    bot.api.script('chat.postMessage', [{ status: 500, effect: true }]);
    const answer = await bot.ask(`share ${FIRST}`);
    expect(answer.text).toBe('Shared “Machine Unlearning at Scale” in this channel.');
    // One attempt: the lookup before the retry found the message the share's key made.
    expect(attempts(from)).toEqual([500]);
    expect(bot.api.calls.slice(from).map((c) => c.method)).toContain('conversations.history');
    expect(bot.api.messages).toHaveLength(before + 1);
    const made = bot.api.messages.at(-1);
    expect(await bot.store.getPost(`slack:${made?.channel}:${made?.ts}`)).toMatchObject({ paperId: FIRST });
  });
});
