import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directChannelOf } from '../../fakes/slack-api.ts';
import { eventCallback } from './event-bodies.ts';
import { type SlackHarness, sharedMessage, startSlackHarness } from './harness.ts';

/**
 * The reading list through the real Bolt receiver: signed reaction events with 📌 (`pushpin`) on a bot
 * post, and signed `/papers list` commands answered through the response URL. `list all` asks the fake
 * Web API's users.conversations which channels the person is in.
 */
let h: SlackHarness;
const PAPER = '2501.00001'; // "Machine Unlearning at Scale"
const OTHER = '2501.00002'; // "Certified Unlearning for LLMs"
let shared: { channel: string; ts: string };

beforeAll(async () => {
  h = await startSlackHarness();
  shared = await sharedMessage(h, PAPER, 'C0LLM');
});
afterAll(() => h?.close());

/** Runs `/papers <text>` as `user` in `channel` and returns the blocks of the answer, as JSON text. */
async function answer(text: string, user: string, channel: string): Promise<string> {
  const { res, responseUrl } = await h.command(text, { user, channel });
  expect(res.status).toBe(200);
  const call = await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
  return readDates(JSON.stringify(call.body.blocks ?? call.body.text));
}

/** Slack shows a date token (`<!date^…^{date_short_pretty}|today>`) as "today" in the reader's own zone: read as its fallback. */
function readDates(text: string): string {
  return text.replace(/<!date\^\d+\^\{date_short_pretty\}\|([^>]+)>/g, '$1');
}

async function pin(type: 'reaction_added' | 'reaction_removed', user: string): Promise<void> {
  const res = await h.reaction(type, shared, user, 'pushpin');
  // Acked only once handled (HTTP mode waits for the listener).
  expect(res.status).toBe(200);
}

describe('the reading list on Slack', () => {
  it('GIVEN 📌 on a bot post THEN /papers list shows the paper with who added it, and it is no vote', async () => {
    await pin('reaction_added', 'U0CAROL');
    const list = await answer('list', 'U0ERIN', 'C0LLM');
    expect(list).toContain("This channel's reading list (1)");
    expect(list).toContain('Machine Unlearning at Scale');
    expect(list).toContain('📌 Added by U0CAROL · today');
    expect(list).toContain('📌 reading list');
    expect(list).not.toContain('<@U0CAROL>');
    expect((await h.store.getPaper(PAPER))?.teamVotes).toBe(0);
    // The team line elsewhere says nothing of this channel's list.
    const elsewhere = await answer('machine unlearning at scale', 'U0ERIN', 'C0OTHER');
    expect(elsewhere).not.toContain('reading list');
  });

  it('GIVEN two people pinned THEN it stays until the last 📌 is removed', async () => {
    await pin('reaction_added', 'U0DAVE');
    expect(await answer('list', 'U0ERIN', 'C0LLM')).toContain('📌 Added by U0CAROL, U0DAVE · today');
    await pin('reaction_removed', 'U0CAROL');
    const left = await answer('list', 'U0ERIN', 'C0LLM');
    expect(left).toContain('📌 Added by U0DAVE · today');
    expect(left).not.toContain('U0CAROL');
    await pin('reaction_removed', 'U0DAVE');
    expect(await answer('list', 'U0ERIN', 'C0LLM')).toContain("This channel's reading list is empty");
  });

  it('GIVEN /papers save THEN it is listed, and list remove takes it off by number', async () => {
    expect(await answer(`save ${OTHER}`, 'U0FRANK', 'C0LLM')).toContain(
      "Saved “Certified Unlearning for LLMs” to this channel's reading list",
    );
    expect(await answer(`save ${OTHER}`, 'U0FRANK', 'C0LLM')).toContain('you saved it before');
    expect(await answer('list remove 2', 'U0FRANK', 'C0LLM')).toContain(
      "There is no paper 2 on this channel's reading list (there is only paper 1)",
    );
    expect(await answer('list remove 1', 'U0FRANK', 'C0LLM')).toContain(
      "Took paper 1, “Certified Unlearning for LLMs”, off this channel's reading list.",
    );
    expect(await answer('list', 'U0FRANK', 'C0LLM')).toContain('is empty');
  });

  it('GIVEN 📌 on a person’s message linking a paper (recorded as their share) THEN that channel lists it', async () => {
    const ts = '1767300000.000100';
    const linked = await h.send(
      eventCallback({
        type: 'link_shared',
        channel: 'C0LINKS',
        is_bot_user_member: true,
        user: 'U0ANA',
        message_ts: ts,
        unfurl_id: `C0LINKS.${ts}.abc123`,
        source: 'conversations_history',
        links: [{ domain: 'arxiv.org', url: `https://arxiv.org/abs/${OTHER}` }],
        event_ts: '1767300000.000200',
      }),
      'application/json',
    );
    expect(linked.status).toBe(200);
    expect(
      (await h.reaction('reaction_added', { channel: 'C0LINKS', ts }, 'U0CAROL', 'pushpin')).status,
    ).toBe(200);
    const list = await answer('list', 'U0ERIN', 'C0LINKS');
    expect(list).toContain('Certified Unlearning for LLMs');
    expect(list).toContain('📌 Added by U0CAROL · today');
    // A 📌 on a message that shows no paper is ignored.
    expect(
      (
        await h.reaction(
          'reaction_added',
          { channel: 'C0LINKS', ts: '1767300099.000100' },
          'U0CAROL',
          'pushpin',
        )
      ).status,
    ).toBe(200);
    expect(await h.store.readingListChannels('slack:')).toEqual(['slack:C0LINKS']);
    expect(
      (await h.reaction('reaction_removed', { channel: 'C0LINKS', ts }, 'U0CAROL', 'pushpin')).status,
    ).toBe(200);
    expect(await answer('list', 'U0ERIN', 'C0LINKS')).toContain('is empty');
  });

  it('GIVEN lists in several channels THEN list all shows only those the person is a member of, never a DM', async () => {
    await pin('reaction_added', 'U0CAROL'); // C0LLM
    await answer(`save ${OTHER}`, 'U0FRANK', 'C0SECRET');
    await answer(`save ${OTHER}`, 'U0ERIN', 'DERIN01');
    await answer(`save ${PAPER}`, 'U0ERIN', 'C0GENERAL');
    h.api.members.set('U0ERIN', ['C0GENERAL', 'C0LLM', 'DERIN01']);
    const before = h.api.calls.filter((c) => c.method === 'users.conversations').length;

    const all = await answer('list all', 'U0ERIN', 'C0GENERAL');
    expect(all).toContain("This channel's reading list");
    expect(all).toContain('Reading list of another channel');
    expect(all).toContain('📌 Added by U0CAROL in <#C0LLM> · today');
    expect(all).not.toContain('C0SECRET');
    expect(all).not.toContain('Certified Unlearning for LLMs');
    expect(all).not.toContain('DERIN01');
    const asked = h.api.calls.filter((c) => c.method === 'users.conversations').slice(before);
    expect(asked.map((c) => [c.body.user, c.body.types])).toEqual([
      ['U0ERIN', 'public_channel,private_channel'],
    ]);

    // Frank is in the secret channel: he sees its list, and Erin's DM's list stays in her DM.
    h.api.members.set('U0FRANK', ['C0SECRET', 'C0GENERAL']);
    const frank = await answer('list all', 'U0FRANK', 'C0GENERAL');
    // Slash commands carry the invoker's name (`alice` in these requests), which the adapter remembers.
    expect(frank).toContain('📌 Added by alice in <#C0SECRET> · today');
    // Not C0LLM's list. (The paper general saved was shared in C0LLM, and its team line says so as a channel
    // link, as a search in general shows it: Slack shows the channel's name only to its members.)
    expect(frank).not.toContain('Added by U0CAROL');
    expect(frank).toContain('Shared in <#C0LLM>');
    expect(await answer('list all', 'U0ERIN', 'DERIN01')).toContain('Certified Unlearning for LLMs');

    // Memberships are reused for a minute: Erin's second look asks Slack nothing more.
    await answer('list all', 'U0ERIN', 'C0GENERAL');
    expect(
      h.api.calls.filter((c) => c.method === 'users.conversations' && c.body.user === 'U0ERIN').length,
    ).toBe(1);
  });

  it('GIVEN 📌 on a roundup digest THEN nothing is pinned, and the person is told by DM how to save one, once', async () => {
    // A digest as the roundup records it: the message shows no one paper; its places `<message>#<n>` do.
    const digest = { channel: 'C0DIGEST', ts: '1767225600.000100' };
    const message = `slack:${digest.channel}:${digest.ts}`;
    const post = { channel: `slack:${digest.channel}`, postedBy: null, postedAt: new Date().toISOString() };
    await h.store.recordPost({ ...post, message, paperId: null, kind: 'roundup-header' });
    for (const [n, paperId] of [PAPER, OTHER].entries())
      await h.store.recordPost({ ...post, message: `${message}#${n + 1}`, paperId, kind: 'roundup' });
    const dms = () => h.api.messages.filter((m) => m.channel === directChannelOf('U0GRACE'));

    expect((await h.reaction('reaction_added', digest, 'U0GRACE', 'pushpin')).status).toBe(200);
    expect(await answer('list', 'U0GRACE', 'C0DIGEST')).toContain("This channel's reading list is empty");
    const [dm, ...more] = dms();
    expect(more).toEqual([]);
    const said = JSON.stringify([dm?.text, dm?.blocks]);
    expect(said).toContain('cannot say which of its papers you mean');
    expect(said).toContain(`1. /papers save ${PAPER}`);
    expect(said).toContain('Machine Unlearning at Scale');
    expect(said).toContain(`2. /papers save ${OTHER}`);
    // Taken off and put back: no second message; the keycaps still vote as before.
    await h.reaction('reaction_removed', digest, 'U0GRACE', 'pushpin');
    await h.reaction('reaction_added', digest, 'U0GRACE', 'pushpin');
    expect(dms()).toHaveLength(1);
    await h.reaction('reaction_added', digest, 'U0GRACE', 'two');
    expect((await h.store.getPaper(OTHER))?.teamVotes).toBe(1);
    await h.reaction('reaction_removed', digest, 'U0GRACE', 'two');

    // A watch's DM records its places alike, with no roundup header: a 📌 there is ignored, no DM about digests.
    const watchDm = { channel: directChannelOf('U0GRACE'), ts: '1767225600.000200' };
    const dmMessage = `slack:${watchDm.channel}:${watchDm.ts}`;
    for (const [n, paperId] of [PAPER, OTHER].entries())
      await h.store.recordPost({
        ...post,
        channel: `slack:${watchDm.channel}`,
        message: `${dmMessage}#${n + 1}`,
        paperId,
        kind: 'watch',
      });
    expect((await h.reaction('reaction_added', watchDm, 'U0GRACE', 'pushpin')).status).toBe(200);
    expect(dms()).toHaveLength(1);
  });
});
