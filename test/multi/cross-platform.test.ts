import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { type RunningBot, startBot } from '../../src/app/main.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { silentLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { postSigned } from '../adapters/slack/harness.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-gateway.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { until } from './until.ts';

const SECRET = 'cross-secret';

/** A port free right now, for the Slack receiver of the bot under test. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('one process serving Slack and Discord from one archive', () => {
  let dir: string;
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let hf: FakeHf;
  let bot: RunningBot;
  let port: number;
  let archive: SqliteStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-cross-'));
    const file = join(dir, 'archive.db');
    archive = SqliteStore.open(file);
    const feed = readFileSync(
      new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url),
      'utf8',
    );
    await archive.upsertPapers(parseHfJson(feed, { feedDate: '2024-10-25' }).papers);
    slack = await startFakeSlackApi({ botToken: 'xoxb-cross' });
    discord = await startFakeDiscord();
    hf = await startFakeHf();
    port = await freePort();
    const config = loadConfig({
      DATABASE_URL: `sqlite:${file}`,
      HF_API_URL: hf.url,
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-cross',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
    });
    bot = await startBot(config, { logger: silentLogger, schedule: false });
  });

  afterAll(async () => {
    await bot?.stop();
    await archive?.close();
    await Promise.all([slack?.close(), discord?.close(), hf?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a vote cast on Discord in /papers top on Slack', async () => {
    expect(bot.platforms).toEqual(['slack', 'discord']);
    await discord.waitForFrame((f) => f.kind === 'recv' && f.op === 2, 'the IDENTIFY');

    // Share a paper on Discord, then upvote the bot's message there.
    const share = discord.command('share', { paper: '2410.17243' });
    await discord.waitForCall(
      (c) => c.method === 'PATCH' && c.route.includes(`/${share.token}/messages/`),
      'share confirmation',
    );
    const posted = [...discord.messages.values()].find((m) =>
      m.embeds?.some((e) => /Memory Barrier/.test(e.title ?? '')),
    );
    expect(posted).toBeDefined();
    discord.reactionAdd(posted!.id, { id: null, name: '👍' }, discord.users.alice.user);
    await until(async () => (await archive.getPaper('2410.17243'))?.teamVotes === 1);

    // Ask Slack for the leaderboard, as Slack would: a signed slash command.
    const responseUrl = slack.responseUrl();
    const body = new URLSearchParams({
      team_id: 'T0PAPERS',
      channel_id: 'C0GENERAL',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/papers',
      text: 'top all',
      response_url: responseUrl,
      trigger_id: '1.2.3',
    }).toString();
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, SECRET, body);
    expect(res.status).toBe(200);
    const reply = await slack.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
    const text = JSON.stringify(reply.body);
    expect(text).toMatch(/Breaking the Memory Barrier/);
    expect(text).toMatch(/1 (team )?vote/);
  });
});
