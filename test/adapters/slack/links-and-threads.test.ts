import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback, linkShared, reactionEvent } from './event-bodies.ts';
import { type SlackHarness, sharedMessage, startSlackHarness } from './harness.ts';

/**
 * A paper link a person posts (link_shared) is unfurled as a card and recorded as their share, so 👍 on
 * their own message is a vote; replies in the thread under a paper's message are counted, never read.
 */
let h: SlackHarness;
const json = 'application/json';
const KNOWN = '2501.00001'; // in the archive from the start
const FROM_HF = '2410.17243'; // only the fake Hugging Face knows it

beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(() => h?.close());

function threadReply(channel: string, threadTs: string, ts: string, user = 'U0BO'): Record<string, unknown> {
  return {
    type: 'message',
    channel,
    user,
    text: 'I tried this on our data, worked well',
    ts,
    thread_ts: threadTs,
    parent_user_id: 'U0ANA',
    channel_type: 'channel',
    event_ts: ts,
  };
}

describe('links to papers posted by people', () => {
  it('GIVEN a person posts an arXiv link THEN it is unfurled as a paper card and recorded as their share', async () => {
    const res = await h.send(eventCallback(linkShared([`https://arxiv.org/abs/${KNOWN}v2`])), json);
    expect(res.status).toBe(200);
    const unfurl = h.api.unfurls.at(-1);
    expect(unfurl).toMatchObject({ channel: 'C0LINKS', ts: '1767300000.000100' });
    const card = JSON.stringify(unfurl?.unfurls[`https://arxiv.org/abs/${KNOWN}v2`]);
    expect(card).toContain('Machine Unlearning at Scale');
    expect(card).toContain('Ada Lovelace');
    expect(await h.store.getPost('slack:C0LINKS:1767300000.000100')).toMatchObject({
      paperId: KNOWN,
      kind: 'link',
      postedBy: 'slack:U0ANA',
      channel: 'slack:C0LINKS',
    });
  });

  it('GIVEN that message THEN a 👍 on it is a vote for the paper, and the paper counts as shown in the channel', async () => {
    const before = (await h.store.getPaper(KNOWN))?.teamVotes ?? 0;
    const ref = { channel: 'C0LINKS', ts: '1767300000.000100' };
    await h.send(eventCallback(reactionEvent('reaction_added', ref, 'U0CY', '+1')), json);
    expect((await h.store.getPaper(KNOWN))?.teamVotes).toBe(before + 1);
    expect((await h.store.papersPostedIn('slack:C0LINKS')).has(KNOWN)).toBe(true);
  });

  it('GIVEN a Hugging Face link to a paper the archive lacks THEN it is fetched, archived, unfurled and recorded', async () => {
    const url = `https://huggingface.co/papers/${FROM_HF}`;
    await h.send(eventCallback(linkShared([url], { ts: '1767300001.000100' })), json);
    expect(await h.store.getPaper(FROM_HF)).not.toBeNull();
    expect(JSON.stringify(h.api.unfurls.at(-1)?.unfurls[url])).toContain('Breaking the Memory Barrier');
    expect((await h.store.getPost('slack:C0LINKS:1767300001.000100'))?.paperId).toBe(FROM_HF);
  });

  it('GIVEN a link still being typed THEN it is unfurled by its unfurl_id and nothing is recorded', async () => {
    const before = h.api.unfurls.length;
    const draft = linkShared([`https://arxiv.org/pdf/${KNOWN}`], {
      channel: 'COMPOSER',
      ts: 'U0ANA-909b5454-75f8-4ac4-b325-1b40e230bbd8',
      source: 'composer',
      unfurl_id: 'U0ANA-909b5454-75f8-4ac4-b325-1b40e230bbd8-abc',
    });
    await h.send(eventCallback(draft), json);
    expect(h.api.unfurls.length).toBe(before + 1);
    expect(h.api.unfurls.at(-1)).toMatchObject({
      unfurlId: 'U0ANA-909b5454-75f8-4ac4-b325-1b40e230bbd8-abc',
    });
    expect(await h.store.getPost('slack:COMPOSER:U0ANA-909b5454-75f8-4ac4-b325-1b40e230bbd8')).toBeNull();
  });

  it('GIVEN a message linking two papers THEN both are unfurled but the message is no vote for either', async () => {
    const links = [`https://arxiv.org/abs/${KNOWN}`, `https://arxiv.org/abs/${FROM_HF}`];
    await h.send(eventCallback(linkShared(links, { ts: '1767300002.000100' })), json);
    expect(Object.keys(h.api.unfurls.at(-1)?.unfurls ?? {})).toEqual(links);
    expect(await h.store.getPost('slack:C0LINKS:1767300002.000100')).toBeNull();
  });

  it('GIVEN links to no paper THEN nothing is unfurled or recorded', async () => {
    const before = h.api.unfurls.length;
    const res = await h.send(
      eventCallback(linkShared(['https://arxiv.org/list/cs.LG/recent'], { ts: '1767300003.000100' })),
      json,
    );
    expect(res.status).toBe(200);
    expect(h.api.unfurls.length).toBe(before);
    expect(await h.store.getPost('slack:C0LINKS:1767300003.000100')).toBeNull();
  });
});

describe('thread replies under a paper', () => {
  it('GIVEN replies under a shared paper THEN each person’s reply counts once, a retry or a bot adds nothing, a deletion subtracts', async () => {
    const shared = await sharedMessage(h, '2501.00002', 'C0THREAD');
    const reply = (ts: string, user?: string) =>
      eventCallback(threadReply(shared.channel, shared.ts, ts, user));
    await h.send(reply('1767300100.000001'), json);
    await h.send(reply('1767300100.000002', 'U0CY'), json);
    // The same reply delivered again (a new event id, as after a reconnect) is still one reply.
    await h.send(reply('1767300100.000002', 'U0CY'), json);
    // A bot's reply and the thread's own parent message are no discussion.
    await h.send(
      eventCallback({ ...threadReply(shared.channel, shared.ts, '1767300100.000003'), bot_id: 'B0OTHER' }),
      json,
    );
    await h.send(eventCallback(threadReply(shared.channel, shared.ts, shared.ts)), json);
    expect(await h.store.replyCounts(['2501.00002'])).toEqual(new Map([['2501.00002', 2]]));

    const deleted = {
      type: 'message',
      subtype: 'message_deleted',
      channel: shared.channel,
      hidden: true,
      deleted_ts: '1767300100.000001',
      ts: '1767300101.000000',
      previous_message: { type: 'message', user: 'U0BO', ts: '1767300100.000001', thread_ts: shared.ts },
      event_ts: '1767300101.000000',
    };
    const res = await h.send(eventCallback(deleted), json);
    expect(res.status).toBe(200);
    expect(await h.store.replyCounts(['2501.00002'])).toEqual(new Map([['2501.00002', 1]]));
  });

  it('GIVEN a reply in a thread under a message that shows no paper THEN nothing is counted', async () => {
    const res = await h.send(
      eventCallback(threadReply('C0THREAD', '1767300200.000001', '1767300200.000002')),
      json,
    );
    expect(res.status).toBe(200);
    expect(await h.store.replyCounts(['2501.00001', '2501.00002'])).toEqual(new Map([['2501.00002', 1]]));
  });
});
