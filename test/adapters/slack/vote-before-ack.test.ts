import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualTimers } from '../../fakes/manual-timers.ts';
import { until } from '../../multi/until.ts';
import { eventCallback, linkShared, reactionEvent } from './event-bodies.ts';
import {
  blocksOf,
  respondedTo,
  SIGNING_SECRET,
  type SlackHarness,
  sharedMessage,
  sign,
  startSlackHarness,
} from './harness.ts';

/**
 * A reaction is acked only once its vote is written: when the archive cannot take the write, Slack is
 * answered with a 500 and its retry (same event, `x-slack-retry-num`) records the vote. (Commands are
 * still acked before their work: http.test.ts, "acks before slow work".) So is a person's link to a paper:
 * its share is recorded before the answer, or Slack is asked to send it again.
 */
let h: SlackHarness;
let message: { channel: string; ts: string };
/** The timers the bot tries again on to record a post the archive refused. */
const timers = new ManualTimers();
const PAPER = '2410.17243';

beforeAll(async () => {
  // A write waiting for another writer's lock gives up after 50 ms (SQLITE_BUSY), as after 5 s in production.
  h = await startSlackHarness({ busyTimeoutMs: 50, retryTimers: timers });
  message = await sharedMessage(h, PAPER, 'C0ACK');
});
afterAll(() => h?.close());

/** POSTs an event callback signed now, as Slack sends a delivery; `retry` adds Slack's retry headers. */
function deliver(body: string, retry?: number): Promise<Response> {
  const ts = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sign(SIGNING_SECRET, ts, body),
  };
  if (retry !== undefined) {
    headers['x-slack-retry-num'] = String(retry);
    headers['x-slack-retry-reason'] = 'http_error';
  }
  return fetch(h.endpoint, { method: 'POST', headers, body });
}

const votes = async () => (await h.store.getPaper(PAPER))?.teamVotes;

/** Runs `run` while another connection holds the archive's write lock (BEGIN IMMEDIATE), then lets go. */
async function whileLocked<T>(run: () => Promise<T>): Promise<T> {
  const other = new Database(h.dbPath);
  try {
    other.exec('BEGIN IMMEDIATE');
    return await run();
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
}

describe('reaction events are acked after the vote is written', () => {
  it('GIVEN a reaction THEN by the time Slack has its answer, the vote is in the archive', async () => {
    const res = await deliver(eventCallback(reactionEvent('reaction_added', message, 'U0CAROL', '+1')));
    expect(res.status).toBe(200);
    expect(await votes()).toBe(1);
  });

  it('GIVEN the archive locked by another writer THEN a 500, and Slack’s retry after the lock is gone records the vote', async () => {
    const body = eventCallback(reactionEvent('reaction_added', message, 'U0DAVE', '+1'));
    await whileLocked(async () => {
      const refused = await deliver(body);
      expect(refused.status).toBe(500);
      expect(await votes()).toBe(1);
    });
    const retried = await deliver(body, 1);
    expect(retried.status).toBe(200);
    expect(await votes()).toBe(2);
  });

  it('GIVEN the archive locked by another writer THEN a link to a paper it lacks gets a 500, and Slack’s retry records the share', async () => {
    // Only the fake Hugging Face knows it: looking it up stores it, a write the lock refuses.
    const paper = '2404.04487';
    const where = { channel: 'C0ACK', ts: '1767300009.000100', user: 'U0ERIN' };
    const body = eventCallback(linkShared([`https://arxiv.org/abs/${paper}`], where));
    await whileLocked(async () => {
      const refused = await deliver(body);
      expect(refused.status).toBe(500);
    });
    expect(await h.store.getPost(`slack:C0ACK:${where.ts}`)).toBeNull();
    const retried = await deliver(body, 1);
    expect(retried.status).toBe(200);
    expect(await h.store.getPost(`slack:C0ACK:${where.ts}`)).toMatchObject({
      paperId: paper,
      kind: 'link',
      postedBy: 'slack:U0ERIN',
    });
  });

  it('GIVEN the archive locked by another writer THEN Share on a paper it lacks says so and posts nothing, and pressed again it shares', async () => {
    const paper = '2403.19399'; // only the fake Hugging Face knows it
    await whileLocked(async () => {
      const { responseUrl } = await h.pressShare(paper, { user: 'U0ERIN', channel: 'C0ACK' });
      const told = blocksOf(await respondedTo(h, responseUrl));
      expect(told).toContain('The paper archive is busy or unreachable right now');
      expect(told).toContain('Try again in a minute');
    });
    expect(h.api.calls.some((c) => c.method === 'chat.postMessage' && blocksOf(c).includes('KazParC'))).toBe(
      false,
    );
    const { responseUrl } = await h.pressShare(paper, { user: 'U0ERIN', channel: 'C0ACK' });
    expect(blocksOf(await respondedTo(h, responseUrl))).toContain('Shared');
    expect(await h.store.getPaper(paper)).not.toBeNull();
  });

  it('GIVEN the archive locked while a paper it holds is shared THEN the post goes out, a vote on it gets a 500, and both count once it is back', async () => {
    const paper = '2501.00002'; // in the archive: sharing it reads, then records the post (a write)
    const { post, vote } = await whileLocked(async () => {
      const { responseUrl } = await h.command(`share ${paper}`, { user: 'U0ERIN', channel: 'C0BUSY' });
      const told = JSON.stringify((await respondedTo(h, responseUrl)).body);
      expect(told).toContain('Shared “');
      expect(told).toContain('reactions on it count once it is back');
      const posted = h.api.messages.find((m) => m.channel === 'C0BUSY');
      if (!posted) throw new Error('the share was not posted');
      const post = { channel: posted.channel, ts: posted.ts };
      // A colleague's 👍 before the post is recorded: refused, so Slack sends it again.
      const vote = eventCallback(reactionEvent('reaction_added', post, 'U0FRED', '+1'));
      expect((await deliver(vote)).status).toBe(500);
      return { post, vote };
    });
    await timers.waits.waitFor(() => true, 'the post waiting to be recorded');
    // The archive is back, but the post is not recorded until the bot's next try: Slack's first retry is
    // refused again rather than finding no post and dropping the vote.
    expect((await deliver(vote, 1)).status).toBe(500);
    timers.fire();
    // Recorded on the bot's next try.
    await until(async () => (await h.store.getPost(`slack:${post.channel}:${post.ts}`)) !== null);
    expect((await deliver(vote, 2)).status).toBe(200);
    expect((await h.store.getPaper(paper))?.teamVotes).toBe(1);
  });

  it('GIVEN a vote refused while the archive was locked and taken back after THEN Slack’s late retry of it brings no vote back', async () => {
    const before = await votes();
    const at = Math.floor(Date.now() / 1000);
    const added = reactionEvent('reaction_added', message, 'U0GINA', '+1');
    const add = eventCallback({ ...added, event_ts: `${at - 60}.000100` });
    await whileLocked(async () => expect((await deliver(add)).status).toBe(500));
    const removed = reactionEvent('reaction_removed', message, 'U0GINA', '+1');
    expect((await deliver(eventCallback({ ...removed, event_ts: `${at - 30}.000100` }))).status).toBe(200);
    // Slack's retry of the add, after the removal: acked, and no vote.
    expect((await deliver(add, 1)).status).toBe(200);
    expect(await votes()).toBe(before);
  });

  it('GIVEN a link the locked archive refused THEN a vote on its message waits for Slack to send the link again, and both count', async () => {
    const paper = '2111.13419'; // only the fake Hugging Face knows it
    const where = { channel: 'C0LATE', ts: '1767300011.000100', user: 'U0HANA' };
    const link = eventCallback(linkShared([`https://huggingface.co/papers/${paper}`], where));
    await whileLocked(async () => expect((await deliver(link)).status).toBe(500));
    // The archive is back before Slack sends the link again: a colleague's 👍 on the message is refused
    // too, not dropped for want of a post.
    const vote = eventCallback(reactionEvent('reaction_added', where, 'U0IVAN', '+1'));
    expect((await deliver(vote)).status).toBe(500);
    expect((await deliver(link, 1)).status).toBe(200);
    expect((await deliver(vote, 1)).status).toBe(200);
    expect((await h.store.getPaper(paper))?.teamVotes).toBe(1);
  });
});
