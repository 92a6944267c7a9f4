import { createSlackPlatform } from '../../adapters/slack/platform.ts';
import type { InboundHandlers } from '../../src/chat/platform.ts';
import { createLogger } from '../../src/log.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { Watcher } from '../../src/watch/watcher.ts';
import { progress } from '../crash/child-process.ts';

/** Reports the ledger writes a watch tick makes, around the real store. */
function reporting(store: SqliteStore): PaperStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === 'recordWatchMatches' && result === true) progress('matched');
        if (key === 'claimWatchDelivery' && result) progress(`claimed ${String(args[0])}`);
        if (key === 'recordPost') progress(`recorded ${String((args[0] as { message: string }).message)}`);
        if (key === 'finishWatchDelivery') progress(`finished ${String(args[0])}`);
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
  onReactionsCleared: async () => undefined,
  onLinks: async () => [],
  onThreadReply: async () => {},
};

/**
 * A process that runs one watch tick on a fixed clock, sending DMs through the real Slack adapter to the
 * fake Slack Web API the parent runs (which outlives every child, as Slack does).
 * Usage: crash-child.ts <db path> <Slack API URL> <now ISO> <instance id> <lease ms>
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
    signingSecret: 'unused',
    appToken: undefined,
    apiUrl,
    admins: [],
    teamId: undefined,
  },
  { logger, postIntervalMs: 0, retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 } },
);
await slack.start(NO_HANDLERS);
const watcher = new Watcher({
  store: reporting(store),
  platforms: new Map([['slack', slack]]),
  logger,
  instanceId: instance,
  now: () => now,
  leaseMs: Number(lease),
  catchUpMs: 6 * 3_600_000,
  // Several people at once: a kill leaves several DMs in flight, each to be found by its key.
  concurrency: 4,
});
progress('ready');
const tick = await watcher.tick();
await slack.stop();
await store.close();
progress(`complete ${JSON.stringify([...tick.deliveries.values()])}`);
