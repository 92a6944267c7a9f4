import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { Watcher } from '../../src/watch/watcher.ts';
import { respondedTo, type SlackHarness, startSlackHarness } from '../adapters/slack/harness.ts';
import { directChannelOf } from '../fakes/slack-api.ts';
import { until } from '../multi/until.ts';
import { feedFiles, ingestInChild, searchFinds } from './cli-ingest.ts';

/** Ids of the papers a Slack message shows (each paper's Share button carries its id). */
function shownIds(blocks: unknown): string[] {
  const ids: string[] = [];
  for (const block of blocks as { accessory?: { action_id?: string; value?: string } }[])
    if (block.accessory?.action_id === 'share_paper' && block.accessory.value)
      ids.push(block.accessory.value);
  return ids.sort();
}

/**
 * Watches on Slack end to end: `/papers watch` through Bolt's real HTTP receiver, papers ingested by a
 * separate `paperboy ingest` process while the bot runs, the real watcher polling the archive, and the
 * DMs opened with conversations.open and posted to the fake Slack Web API.
 */
describe('watches on Slack', () => {
  let h: SlackHarness;
  let watcher: Watcher;
  let dir: string;
  const start = (instanceId: string) => {
    const w = new Watcher({
      store: h.store,
      platforms: new Map([['slack', h.platform]]),
      logger: silentLogger,
      instanceId,
      intervalMs: 100,
      catchUpMs: 6 * 3_600_000,
    });
    w.start();
    return w;
  };
  const dmsTo = (user: string) => h.api.messages.filter((m) => m.channel === directChannelOf(user));
  const reply = async (text: string, user: string) => {
    const { responseUrl } = await h.command(text, { user, channel: 'C0GENERAL' });
    const call = await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
    return JSON.stringify(call.body);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-watch-'));
    h = await startSlackHarness();
    await ingestInChild(h.dbPath, feedFiles(dir).first);
    watcher = start('instance-a');
  });
  afterAll(async () => {
    await watcher.stop();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('DMs each person exactly the new papers their watches match, once, within a tick of a CLI ingest', async () => {
    const before = new Set((await h.store.papersAfter(0, 1000)).map((n) => n.paper.id));
    expect(await reply('watch hallucinations', 'U0ALICE')).toContain('Watching “hallucinations”');
    expect(await reply('watch "language models" -rlhf', 'U0BOB')).toContain('Watching');
    expect(await reply('watch quantum chromodynamics', 'U0CAROL')).toContain(
      'No archived paper matches it yet',
    );
    h.api.refuse('U0DAVE', 'user_disabled', 'conversations.open');
    await reply('watch llms', 'U0DAVE');

    await ingestInChild(h.dbPath, join(dir, 'all.json'));
    const alice = await searchFinds(h.store, 'hallucinations', before);
    const bob = await searchFinds(h.store, '"language models" -rlhf', before);
    expect(alice.length).toBeGreaterThan(0);
    expect(bob.length).toBeGreaterThan(0);
    await until(async () => dmsTo('U0ALICE').length > 0 && dmsTo('U0BOB').length > 0, 20_000);
    await until(async () => (await h.store.ownersToDeliver()).length === 0);

    const open = h.api.calls.filter((c) => c.method === 'conversations.open').map((c) => c.body.users);
    expect(open).toEqual(expect.arrayContaining(['U0ALICE', 'U0BOB', 'U0DAVE']));
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    expect(dmsTo('U0BOB')).toHaveLength(1);
    expect(shownIds(dmsTo('U0ALICE')[0]!.blocks)).toEqual(alice.slice(0, 10));
    expect(shownIds(dmsTo('U0BOB')[0]!.blocks)).toEqual(bob.slice(0, 10).sort());
    expect(JSON.stringify(dmsTo('U0ALICE')[0]!.blocks)).toContain('watch “hallucinations” matched');
    expect(dmsTo('U0CAROL')).toHaveLength(0);
    // Dave left the workspace: skipped, his watches paused, nothing sent.
    expect(dmsTo('U0DAVE')).toHaveLength(0);
    expect((await h.store.getWatcher('slack:U0DAVE'))?.pausedReason).toBe('user_disabled');
  });

  it('sends nothing again after a restart, nor for the same papers ingested again', async () => {
    const sent = h.api.messages.length;
    await watcher.stop();
    watcher = start('instance-b');
    await ingestInChild(h.dbPath, join(dir, 'all.json'));
    const tick = await watcher.tick();
    expect(tick.papers).toBe(0);
    expect(h.api.messages.length).toBe(sent);
  });

  it('counts a keycap reaction on the DM as a vote, and Share posts in the channel the watch was set in', async () => {
    const dm = dmsTo('U0BOB')[0]!;
    const first =
      shownIds(dm.blocks).length > 1 ? await h.store.getPost(`slack:${dm.channel}:${dm.ts}#1`) : null;
    const target = first?.paperId ?? (await h.store.getPost(`slack:${dm.channel}:${dm.ts}`))?.paperId;
    expect(target).toBeTruthy();
    const emoji = first ? 'one' : '+1';
    expect(
      (await h.reaction('reaction_added', { channel: dm.channel, ts: dm.ts }, 'U0BOB', emoji)).status,
    ).toBe(200);
    await h.reactionsHandled(1);
    expect((await h.store.getPaper(target!))?.teamVotes).toBe(1);

    const before = h.api.messages.filter((m) => m.channel === 'C0GENERAL').length;
    const { responseUrl } = await h.pressShare(target!, { user: 'U0BOB', channel: dm.channel });
    await until(async () => h.api.messages.filter((m) => m.channel === 'C0GENERAL').length > before);
    // The confirmation, in the DM, names where the paper went rather than "this channel".
    expect(JSON.stringify((await respondedTo(h, responseUrl)).body)).toContain(
      'in the channel of your latest watch.',
    );
    expect(h.api.messages.filter((m) => m.channel === dm.channel)).toHaveLength(1);
  });
});
