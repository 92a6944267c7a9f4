import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksOf, respondedTo, type SlackHarness, startSlackHarness } from './harness.ts';

/**
 * Text typed into /papers reaches a post escaped exactly once. Slack delivers `&`, `<` and `>` in
 * command text as entities; the adapter decodes them, the core sees what was typed, the renderer escapes.
 */
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(() => h?.close());

async function sharedNote(slackText: string, channel: string): Promise<string> {
  const { res } = await h.command(`share 2410.17243 ${slackText}`, { user: 'U0BOB', channel });
  expect(res.status).toBe(200);
  const post = await h.api.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
  const credit = JSON.stringify(post.body.blocks).match(/Shared by <@U0BOB>: ([^"]*)"/)?.[1];
  if (credit === undefined) throw new Error(`no credit line in ${JSON.stringify(post.body.blocks)}`);
  return JSON.parse(`"${credit}"`) as string;
}

describe('a share note typed in Slack', () => {
  it('GIVEN `<!here> R&D &lt;b&gt;` typed (delivered as entities) THEN the post escapes it once, pinging nobody', async () => {
    const note = await sharedNote('&lt;!here&gt; R&amp;D &amp;lt;b&amp;gt;', 'C0TYPED');
    // Slack shows exactly what was typed: `<!here> R&D &lt;b&gt;`.
    expect(note).toBe('&lt;!here&gt; R&amp;D &amp;lt;b&amp;gt;');
    expect(note).not.toContain('<!here>');
  });

  it('GIVEN a NUL and a right-to-left override typed THEN neither reaches the post', async () => {
    const note = await sharedNote('read \u202eti\u0000 now', 'C0BIDI');
    expect(note).toBe('read ti now');
  });
});

describe('long command text', () => {
  it('GIVEN a note of 900 typed `&` (4,500 characters as Slack delivers them) THEN the share is posted', async () => {
    const { res, responseUrl } = await h.command(`share 2410.17243 ${'&amp;'.repeat(900)}`, {
      user: 'U0BOB',
      channel: 'C0AMPS',
    });
    expect(res.status).toBe(200);
    const post = await h.api.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0AMPS');
    expect(blocksOf(post)).toContain('Shared by <@U0BOB>: &amp;&amp;');
    expect(JSON.stringify((await respondedTo(h, responseUrl)).body)).toContain('Shared “Breaking the Memory');
  });

  it('GIVEN 4,001 characters typed THEN the person is told the limit, and nothing runs', async () => {
    const posts = h.api.messages.length;
    const { res, responseUrl } = await h.command(`share 2410.17243 ${'x'.repeat(4001 - 17)}`, {
      channel: 'C0LONG',
    });
    expect(res.status).toBe(200);
    const answer = await respondedTo(h, responseUrl);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(answer.body.text).toBe(
      'That command is 4,001 characters long; /papers takes at most 4,000. Please shorten it and try again.',
    );
    expect(h.api.messages).toHaveLength(posts);
  });
});
