import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordPlatform } from '../../adapters/discord/platform.ts';
import { Bot } from '../../src/chat/bot.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { silentLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { Watcher } from '../../src/watch/watcher.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-gateway.ts';
import { until } from '../multi/until.ts';
import { feedFiles, ingestInChild, searchFinds } from './cli-ingest.ts';

const NOWHERE = 'http://127.0.0.1:9';

/**
 * Watches on Discord end to end: `/papers watch` as a real interaction through discord.js over the fake
 * gateway, papers ingested by a separate CLI process, the DM channel opened over REST and the message sent
 * with its key as an enforced nonce.
 */
describe('watches on Discord', () => {
  let dir: string;
  let fake: FakeDiscord;
  let store: SqliteStore;
  let platform: DiscordPlatform;
  let watcher: Watcher;
  let dbPath: string;
  const start = (instanceId: string) => {
    const w = new Watcher({
      store,
      platforms: new Map([['discord', platform]]),
      logger: silentLogger,
      instanceId,
      intervalMs: 100,
      catchUpMs: 6 * 3_600_000,
    });
    w.start();
    return w;
  };
  const dmPosts = () =>
    fake.calls.filter(
      (c) =>
        c.method === 'POST' &&
        /^\/channels\/\d+\/messages$/.test(c.route) &&
        !c.route.includes(fake.channelId),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-discord-watch-'));
    const files = feedFiles(dir);
    dbPath = join(dir, 'archive.db');
    store = SqliteStore.open(dbPath);
    await store.upsertPapers(
      parseHfJson(readFileSync(files.first, 'utf8'), { feedDate: '2024-10-25' }).papers,
    );
    fake = await startFakeDiscord();
    platform = new DiscordPlatform({
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      leaseMs: 30_000,
    });
    const bot = new Bot({
      store,
      hf: new HfClient({ baseUrl: NOWHERE, retries: 0 }),
      arxiv: new ArxivClient({ baseUrl: NOWHERE, retries: 0, minIntervalMs: 0 }),
      upvoteEmoji: ['+1'],
    });
    await platform.start(bot.handlersFor(platform));
    watcher = start('instance-a');
  });
  afterAll(async () => {
    await watcher.stop();
    await platform.stop();
    await fake.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('DMs the new matching papers once, in the person’s DM channel, keyed by an enforced nonce', async () => {
    const before = new Set((await store.papersAfter(0, 1000)).map((n) => n.paper.id));
    const sent = fake.command('watch', { query: '"language models"' }, fake.users.alice);
    const answer = await fake.waitForCall(
      (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
      'the answer to /papers watch',
    );
    const confirm = JSON.stringify(answer.body);
    expect(confirm).toContain('Watching “');
    expect(confirm).toContain('archived papers already match it');

    await ingestInChild(dbPath, join(dir, 'all.json'));
    const expected = await searchFinds(store, '"language models"', before);
    expect(expected.length).toBeGreaterThan(1);
    await until(async () => dmPosts().length > 0, 20_000);
    await until(async () => (await store.ownersToDeliver()).length === 0);

    const opened = fake.calls.filter((c) => c.method === 'POST' && c.route === '/users/@me/channels');
    expect(opened.map((c) => (c.body as { recipient_id: string }).recipient_id)).toEqual([
      fake.users.alice.user.id,
    ]);
    const dm = [...fake.directChannels.values()][0]!;
    const posts = dmPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.route).toBe(`/channels/${dm.id}/messages`);
    expect(posts[0]!.body).toMatchObject({ enforce_nonce: true });
    const body = JSON.stringify(posts[0]!.body);
    for (const id of expected.slice(0, 10)) expect(body).toContain(id);
    expect(body).toMatch(/your watch “.*language models/);
  });

  it('counts a keycap reaction on the DM, in the DM channel, as the person’s vote', async () => {
    const post = dmPosts()[0]!;
    const message = post.response as { id: string; channel_id: string };
    const first = await store.getPost(`discord:${message.channel_id}:${message.id}#1`);
    expect(first?.paperId).toBeTruthy();
    // As Discord sends it for a DM: no guild, the DM channel, the person who reacted.
    fake.dispatch('MESSAGE_REACTION_ADD', {
      user_id: fake.users.alice.user.id,
      channel_id: message.channel_id,
      message_id: message.id,
      emoji: { id: null, name: '1️⃣' },
      burst: false,
      type: 0,
      burst_colors: [],
    });
    await until(async () => ((await store.getPaper(first!.paperId!))?.teamVotes ?? 0) === 1);
  });

  it('sends nothing twice after a restart and a second ingest of the same feed', async () => {
    await watcher.stop();
    watcher = start('instance-b');
    await ingestInChild(dbPath, join(dir, 'all.json'));
    expect((await watcher.tick()).papers).toBe(0);
    expect(dmPosts()).toHaveLength(1);
  });
});
