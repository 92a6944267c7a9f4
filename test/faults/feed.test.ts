import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HfClient } from '../../src/feed/hf-client.ts';
import { silentLogger } from '../../src/log.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { type FakeHf, type FakeResponse, startFakeHf } from '../fakes/hf-server.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';
import { type FaultBot, startFaultBot } from './slack-bot.ts';

const PAPER = '2410.17243';
const TITLE = 'Breaking the Memory Barrier';

/** What a person should read when a lookup fails: one sentence naming the services, no stack, no apology. */
const CLEAR_FAILURE = new RegExp(
  // Each service named once, and no parenthesis inside another (a reason wrapped in a reason).
  `^(?!.*\\([^)]*\\()(?!(?:.*Hugging Face){2})(?!(?:.*could not be reached){3})I could not look up ${PAPER.replace('.', '\\.')}: Hugging Face [^,]+, and arXiv (does not know it|[^,]+)\\. Try again in a minute\\.$`,
);

describe('/papers share while Hugging Face misbehaves (Slack)', () => {
  let bot: FaultBot;
  beforeAll(async () => {
    bot = await startFaultBot({ hfTimeoutMs: 500 });
  });
  afterAll(() => bot?.close());

  const cases: [string, FakeResponse, RegExp][] = [
    ['429 with Retry-After', { status: 429, headers: { 'retry-after': '30' } }, /answered 429/],
    ['500', { status: 500 }, /answered 500/],
    [
      'an HTML page instead of JSON',
      { status: 200, body: '<!DOCTYPE html><html><body>Oops</body></html>' },
      /./,
    ],
    ['no answer at all (hanging)', { hang: true }, /did not answer within 500 ms/],
  ];
  for (const [what, response, detail] of cases) {
    it(`answers ${what} with a clear private sentence, and posts nothing`, async () => {
      const posts = bot.channelPosts().length;
      bot.hf.script(`/api/papers/${PAPER}`, [response]);
      const answer = await bot.ask(`share ${PAPER}`);
      expect(answer.public).toBe(false);
      expect(answer.text).toMatch(CLEAR_FAILURE);
      expect(answer.text).toMatch(detail);
      expect(answer.text).not.toMatch(/Error:|\n\s+at |undefined|Something went wrong/);
      expect(bot.channelPosts()).toHaveLength(posts);
      expect(await bot.store.getPaper(PAPER)).toBeNull();
    });
  }

  it('says both services failed when arXiv fails too', async () => {
    bot.hf.script(`/api/papers/${PAPER}`, [{ status: 503 }]);
    bot.hf.script('/api/query', [{ status: 500 }]);
    const answer = await bot.ask(`share ${PAPER}`);
    expect(answer.text).toMatch(CLEAR_FAILURE);
    expect(answer.text).toMatch(/and arXiv answered 500/);
  });

  it('shares the paper once Hugging Face answers again', async () => {
    const answer = await bot.ask(`share ${PAPER}`);
    expect(answer.text).toContain(`Shared “${TITLE}`);
    expect(bot.channelPosts().at(-1)?.body.text).toContain(TITLE);
    expect((await bot.store.getPaper(PAPER))?.title).toContain(TITLE);
  });
});

describe('scheduled ingestion while Hugging Face answers 500', () => {
  const clock = { now: new Date('2024-10-25T09:00:00Z') };
  let hf: FakeHf;
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-faults-ingest-'));
    store = SqliteStore.open(join(dir, 'archive.db'), { now: () => clock.now });
    hf = await startFakeHf({ today: '2024-10-25' });
  });
  afterEach(async () => {
    await store.close();
    await hf.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records why it failed, says so in an empty roundup, and catches up at the next run', async () => {
    for (const [channel, time] of [
      ['slack:CEARLY', '09:00'],
      ['slack:CLATE', '10:00'],
    ] as const) {
      await store.saveChannelSettings({ ...defaultSettings(channel, { time, timezone: 'UTC' }), days: [5] });
    }
    const platform = new RecordingPlatform();
    const scheduler = new Scheduler({
      store,
      hf: new HfClient({ baseUrl: hf.url, retries: 2, sleep: async () => {} }),
      platforms: new Map([['slack', platform]]),
      defaults: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 6 * 3_600_000 },
      logger: silentLogger,
      now: () => clock.now,
    });
    // Every attempt of the first day's request fails: three 500s use up the client's two retries.
    hf.script('/api/daily_papers', [{ status: 500 }, { status: 500 }, { status: 500 }]);
    await scheduler.ingest();
    expect(scheduler.lastIngestion).toMatchObject({ ok: false });
    expect(scheduler.lastIngestion?.error).toMatch(/Hugging Face answered 500 three times/);
    expect(await store.countPapers()).toBe(0);

    expect((await scheduler.tick()).map((r) => [r.channel, r.outcome])).toEqual([['slack:CEARLY', 'empty']]);
    expect(platform.posts.map((p) => p.reply.text)).toEqual([
      'No roundup for 2024-10-25: the Hugging Face feed could not be reached. I will keep trying.',
    ]);

    // The feed is back: the next run stores the day, and the later roundup has papers.
    clock.now = new Date('2024-10-25T09:30:00Z');
    await scheduler.ingest();
    expect(scheduler.lastIngestion).toMatchObject({ ok: true, error: null });
    expect(await store.papersOnFeedDate('2024-10-25')).toHaveLength(29);
    clock.now = new Date('2024-10-25T10:00:00Z');
    expect((await scheduler.tick()).map((r) => [r.channel, r.outcome])).toEqual([['slack:CLATE', 'posted']]);
    expect(platform.posts.filter((p) => p.channel === 'slack:CLATE' && p.reply.papers)).toHaveLength(5);
  });
});
