import { createSlackPlatform } from '../../adapters/slack/platform.ts';
import type { InboundHandlers } from '../../src/chat/platform.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { createLogger } from '../../src/log.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { progress } from './child-process.ts';

/** Reports the ledger writes the roundup makes, around the real store. */
function reporting(store: SqliteStore): PaperStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === 'claimRoundup' && result === true) progress(`claimed ${String(args[0])}`);
        if (key === 'saveRoundupPlan' && result === true) progress(`planned ${String(args[0])}`);
        if (key === 'recordRoundupItem') progress(`recorded ${String(args[0])} ${String(args[2])}`);
        if (key === 'finishRoundup') progress(`finished ${String(args[0])}`);
        return result;
      };
    },
  });
}

const NO_HANDLERS: InboundHandlers = {
  onCommand: async () => ({ visibility: 'ephemeral', text: '' }),
  onShare: async () => ({ visibility: 'ephemeral', text: '' }),
  onReaction: async () => undefined,
  onSuggest: async () => [],
  onLinks: async () => [],
  onThreadReply: async () => {},
  onReactionsCleared: async () => undefined,
};

/**
 * A process that runs one scheduler tick on a fixed clock, posting roundups through the real Slack
 * adapter to the fake Slack Web API the parent runs (which outlives every child, as Slack does).
 * Usage: roundup-child.ts <db path> <Slack API URL> <now ISO> <instance id> <lease ms>
 */
const [path, apiUrl, nowIso, instance, lease] = process.argv.slice(2);
if (!path || !apiUrl || !nowIso || !instance || !lease)
  throw new Error('usage: <db> <slack api url> <now> <instance> <lease ms>');
const now = new Date(nowIso);
const store = SqliteStore.open(path, { now: () => now });
const logger = createLogger('error', process.stderr);
const slack = createSlackPlatform(
  {
    botToken: 'xoxb-crash',
    signingSecret: 'unused: this process only posts',
    appToken: undefined,
    apiUrl,
    admins: [],
    teamId: undefined,
  },
  { logger, postIntervalMs: 0, retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 } },
);
await slack.start(NO_HANDLERS);
const scheduler = new Scheduler({
  store: reporting(store),
  hf: new HfClient({ baseUrl: 'http://127.0.0.1:9', retries: 0 }),
  platforms: new Map([['slack', slack]]),
  defaults: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 6 * 3_600_000 },
  logger,
  now: () => now,
  instanceId: instance,
  leaseMs: Number(lease),
  // Several channels at once: a kill leaves several messages in flight, each to be found by its key.
  concurrency: 4,
});
progress('ready');
const results = await scheduler.tick();
await slack.stop();
await store.close();
progress(`complete ${JSON.stringify(results.map((r) => r.outcome))}`);
