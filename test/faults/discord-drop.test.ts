import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayOpcodes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordPlatform } from '../../adapters/discord/platform.ts';
import { Bot } from '../../src/bot.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { parseHfJson } from '../../src/feed/hf-json.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-gateway.ts';
import type { SentInteraction } from '../fakes/discord-interactions.ts';
import { DAILY_2024_10_25, type FakeHf, startFakeHf } from '../fakes/hf-server.ts';

let fake: FakeDiscord;
let hf: FakeHf;
let platform: DiscordPlatform;
let store: SqliteStore;
let dir: string;
const NOW = new Date('2024-10-25T12:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-faults-discord-'));
  store = SqliteStore.open(join(dir, 'archive.db'), { now: () => NOW });
  await store.upsertPapers(parseHfJson(DAILY_2024_10_25).papers);
  hf = await startFakeHf({ today: '2024-10-25' });
  fake = await startFakeDiscord();
  platform = new DiscordPlatform(
    { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, leaseMs: 30_000 },
    { store, now: () => NOW },
  );
  const bot = new Bot({
    store,
    hf: new HfClient({ baseUrl: hf.url, retries: 0, timeoutMs: 5000 }),
    arxiv: new ArxivClient({ baseUrl: hf.arxivUrl, retries: 0, minIntervalMs: 0 }),
    upvoteEmoji: ['+1'],
    now: () => NOW,
  });
  await platform.start(bot.handlersFor(platform));
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
  await hf?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const answerTo = (sent: SentInteraction, what: string) =>
  fake.waitForCall(
    (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
    `the answer to ${what}`,
    15_000,
  );
const resumes = () => fake.frames.filter((f) => f.kind === 'recv' && f.op === GatewayOpcodes.Resume);

describe('the Discord gateway dropping mid-dispatch', () => {
  it('answers an interaction whose connection died right after it was dispatched, after RESUME', async () => {
    const before = resumes().length;
    const sent = fake.command('search', { query: 'hallucinations' });
    fake.drop('destroy');
    const resumed = await fake.waitForFrame(
      (f) => f.kind === 'recv' && f.op === GatewayOpcodes.Resume && resumes().indexOf(f) >= before,
      'a RESUME',
      15_000,
    );
    const answer = await answerTo(sent, 'the search');
    expect(JSON.stringify(answer.body)).toContain('Can Knowledge Editing Really Correct Hallucinations?');
    expect(resumed.d).toMatchObject({ token: fake.token });
    // The session was resumed, not re-identified: nothing dispatched meanwhile was lost.
    expect(fake.frames.filter((f) => f.kind === 'recv' && f.op === GatewayOpcodes.Identify)).toHaveLength(1);
    // Answered exactly once.
    const patches = fake.calls.filter((c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/`));
    expect(patches).toHaveLength(1);
  });

  it('answers an interaction dispatched while the connection is down, once it is resumed', async () => {
    const before = resumes().length;
    fake.drop('destroy');
    // Dispatched into the gap: the fake queues it, as Discord does, for the RESUME replay.
    const sent = fake.command('help');
    const resumed = await fake.waitForFrame(
      (f) => f.kind === 'recv' && f.op === GatewayOpcodes.Resume && resumes().indexOf(f) >= before,
      'a RESUME',
      15_000,
    );
    const answer = await answerTo(sent, 'help');
    expect(answer.at).toBeGreaterThanOrEqual(resumed.at);
    expect(JSON.stringify(answer.body)).toMatch(/paperboy/);
  });
});
