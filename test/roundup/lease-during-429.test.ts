import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSlackPlatform } from '../../adapters/slack/platform.ts';
import type { InboundHandlers } from '../../src/chat/platform.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { silentLogger } from '../../src/log.ts';
import { defaultSettings } from '../../src/roundup/roundup.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { BOT_TOKEN } from '../adapters/slack/harness.ts';
import { type Archive, NOWHERE, openArchive } from '../commands/archive.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';

/** Long enough that a busy CI machine's event-loop stalls do not let it run out between renewals. */
const LEASE_MS = 1000;
let archive: Archive;
let slack: FakeSlackApi;
beforeEach(async () => {
  archive = await openArchive(['daily']);
  slack = await startFakeSlackApi({ botToken: BOT_TOKEN });
});
afterEach(async () => {
  await slack.close();
  await archive.close();
});

const NO_HANDLERS: InboundHandlers = {
  onCommand: async () => ({ visibility: 'ephemeral', text: '' }),
  onShare: async () => ({ visibility: 'ephemeral', text: '' }),
  onReaction: async () => undefined,
  onSuggest: async () => [],
  onLinks: async () => [],
  onThreadReply: async () => {},
  onReactionsCleared: async () => undefined,
};

it('keeps the lease of a roundup whose post waits out a 429 longer than the lease', async () => {
  await archive.store.saveChannelSettings({
    ...defaultSettings('slack:C0SLOW', { time: '09:00', timezone: 'UTC' }),
    size: 1,
  });
  const platform = createSlackPlatform(
    {
      botToken: BOT_TOKEN,
      signingSecret: 's',
      appToken: undefined,
      apiUrl: slack.apiUrl,
      admins: [],
      teamId: undefined,
    },
    { postIntervalMs: 0, retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 } },
  );
  await platform.start(NO_HANDLERS);
  // The store on the real clock, as leases are renewed by timers; the schedule on a Friday at 09:00.
  const store = SqliteStore.open(archive.path);
  const scheduler = new Scheduler({
    store,
    hf: new HfClient({ baseUrl: NOWHERE, retries: 0, timeoutMs: 500 }),
    platforms: new Map([['slack', platform]]),
    defaults: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 3_600_000 },
    logger: silentLogger,
    now: () => new Date('2024-10-25T09:00:00Z'),
    leaseMs: LEASE_MS,
  });
  try {
    // Slack asks the header's post to wait three seconds: three leases.
    slack.script('chat.postMessage', [
      { status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } },
    ]);
    const ticking = scheduler.tick();
    let other: boolean | undefined;
    // The moment the post is retried, three seconds have passed since the claim, with no ledger write between.
    await slack
      .waitFor((c) => c.method === 'chat.postMessage' && c.status === 200, 10_000)
      .then(async () => {
        other = await archive.store.claimRoundup('slack:C0SLOW', '2024-10-25', 'other', LEASE_MS);
      });
    expect(other).toBe(false);
    expect((await ticking).map((r) => r.outcome)).toEqual(['posted']);
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status);
    expect(posts).toEqual([429, 200, 200]);
  } finally {
    await store.close();
    await platform.stop();
  }
});
