import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback, reactionEvent } from './event-bodies.ts';
import { type SlackHarness, sharedMessage, startSlackHarness } from './harness.ts';

/**
 * Wherever a paper is shown, one line says what the team did with it, and names travel only within a
 * channel: in the channel where it was shared the sharer and voters are named; elsewhere the share is a
 * channel link (Slack shows its name only to members) and no one is named.
 */
let h: SlackHarness;
const PAPER = '2501.00001'; // "Machine Unlearning at Scale"

beforeAll(async () => {
  h = await startSlackHarness();
  const shared = await sharedMessage(h, PAPER, 'C0LLM'); // shared by U0BOB
  await h.send(eventCallback(reactionEvent('reaction_added', shared, 'U0CAROL', '+1')), 'application/json');
  await h.send(
    eventCallback({
      type: 'message',
      channel: shared.channel,
      user: 'U0DAVE',
      ts: '1767300100.000001',
      thread_ts: shared.ts,
      event_ts: '1767300100.000001',
    }),
    'application/json',
  );
});
afterAll(() => h?.close());

/** The context lines of the search results a person in `channel` gets for `query`. */
async function searchLines(query: string, channel: string): Promise<string> {
  const { responseUrl } = await h.command(query, { user: 'U0ERIN', channel });
  const call = await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
  return JSON.stringify(call.body.blocks);
}

/** Slack shows a date token (`<!date^…^{date_short_pretty}|today>`) as "today" in the reader's own zone: read as its fallback. */
function readDates(text: string): string {
  return text.replace(/<!date\^\d+\^\{date_short_pretty\}\|([^>]+)>/g, '$1');
}

describe('the team line on Slack', () => {
  it('GIVEN a search in the channel the paper was shared in THEN sharer and voter are named, without pings', async () => {
    const raw = await searchLines('machine unlearning at scale', 'C0LLM');
    expect(raw).toMatch(/here · <!date\^\d+\^\{date_short_pretty\}\|today> · /);
    const blocks = readDates(raw);
    // The harness's slash commands all carry the user_name `alice`, which the adapter remembers for U0BOB.
    expect(blocks).toContain('Shared by alice here · today · 👍 1 (U0CAROL) · 💬 1 reply');
    expect(blocks).not.toContain('<@U0CAROL>');
  });

  it('GIVEN a search in another channel THEN the share is a channel link and nobody is named', async () => {
    const blocks = readDates(await searchLines('machine unlearning at scale', 'C0OTHER'));
    expect(blocks).toContain('Shared in <#C0LLM> · today · 👍 1 · 💬 1 reply');
    expect(blocks).not.toContain('alice');
    expect(blocks).not.toContain('U0CAROL');
  });

  it('GIVEN a paper nobody touched THEN no team line', async () => {
    const blocks = await searchLines('certified unlearning', 'C0OTHER');
    expect(blocks).toContain('Certified Unlearning for LLMs');
    expect(blocks).not.toContain('Shared');
  });
});
