import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { type RunningBot, startBot } from '../../src/app/main.ts';
import { type HeldEvent, IDENTITY } from '../../src/chat/held-journal.ts';
import type { ReactionEvent } from '../../src/chat/platform.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { silentLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-gateway.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { until } from './until.ts';

let dir: string;
let archive: SqliteStore;
let discord: FakeDiscord;
let hf: FakeHf;
let bot: RunningBot | undefined;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-standby-'));
  archive = SqliteStore.open(join(dir, 'archive.db'));
  const feed = readFileSync(new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url), 'utf8');
  await archive.upsertPapers(parseHfJson(feed, { feedDate: '2024-10-25' }).papers);
  discord = await startFakeDiscord();
  hf = await startFakeHf();
});
afterEach(async () => {
  await bot?.stop();
  await archive.close();
  await Promise.all([discord.close(), hf.close()]);
  rmSync(dir, { recursive: true, force: true });
});

it('a restarted instance that finds Discord held by another still records the votes its predecessor held', async () => {
  const message = `discord:${discord.channelId}:1299999999999992001`;
  await archive.recordPost({
    message,
    channel: `discord:${discord.channelId}`,
    paperId: '2410.16251',
    kind: 'share',
    postedBy: null,
    postedAt: '2024-10-25T12:00:00.000Z',
  });
  // Another instance holds the gateway: this one stands by.
  expect(await archive.acquireLease('discord-gateway', 'another-instance', 3_600_000)).toBe(true);
  // The instance before this one on the host stopped while its vote waited for the archive.
  const vote: ReactionEvent = {
    message,
    channel: `discord:${discord.channelId}`,
    user: 'discord:1299999999999990001',
    emoji: '👍',
    added: true,
    byBot: false,
    at: '2024-10-25T12:05:00.000Z',
  };
  const held: HeldEvent = {
    type: 'discord.reaction',
    key: message,
    what: 'A Discord reaction',
    data: vote,
    arrived: 1,
  };
  const folder = join(dir, 'held-events');
  mkdirSync(folder);
  const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
  // Named as a journal of this host names its files: held-<host and pid namespace>-<pid>-<uuid>.jsonl.
  const name = `held-${IDENTITY}-${gone}-${randomUUID()}.jsonl`;
  writeFileSync(join(folder, name), `${JSON.stringify({ keep: '1', event: held })}\n`);

  bot = await startBot(
    loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`,
      HF_API_URL: hf.url,
      PORT: '0',
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
    }),
    { logger: silentLogger, schedule: false },
  );
  await until(async () => (await archive.getPaper('2410.16251'))?.teamVotes === 1);
  // Standing by all along, and nothing is left written down.
  expect(discord.frames.length).toBe(0);
  expect(readdirSync(folder).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
});
