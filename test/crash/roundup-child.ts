import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type {
  ChannelRef,
  ChatPlatform,
  InboundHandlers,
  MessageRef,
  Reply,
} from '../../src/chat/platform.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { createLogger } from '../../src/log.ts';
import { Scheduler } from '../../src/roundup/scheduler.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { progress } from './child-process.ts';

/** One line of the posts file: a message the platform accepted, written before its ref is returned. */
export interface PostLine {
  instance: string;
  channel: ChannelRef;
  message: MessageRef;
  /** Paper ids the message shows (one, or a digest's list). */
  papers: string[];
  /** A roundup header or digest title, or an empty-day line. */
  title: string | null;
  text: string | null;
}

/**
 * A platform that makes each post durable (append + fsync to a file) before returning its ref, as a chat
 * service has the message once it answers: whatever the process does next, the post happened.
 */
class FilePlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  #next = 1;
  constructor(
    private readonly fd: number,
    private readonly instance: string,
  ) {}
  async start(_handlers: InboundHandlers): Promise<void> {}
  async stop(): Promise<void> {}
  async post(channel: ChannelRef, reply: Reply): Promise<MessageRef> {
    const message = `${channel}:${this.instance}.${this.#next++}`;
    const line: PostLine = {
      instance: this.instance,
      channel,
      message,
      papers: (reply.papers ?? []).map((p) => p.paper.id),
      title: reply.title ?? null,
      text: reply.text ?? null,
    };
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fsyncSync(this.fd);
    progress(`posted ${channel} ${message}`);
    return message;
  }
  async react(): Promise<void> {}
}

/** Reports the ledger writes the roundup makes, around the real store. */
function reporting(store: SqliteStore): PaperStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === 'claimRoundup' && result === true) progress(`claimed ${String(args[0])}`);
        if (key === 'recordRoundupItem') progress(`recorded ${String(args[0])} ${String(args[2])}`);
        if (key === 'finishRoundup') progress(`finished ${String(args[0])}`);
        return result;
      };
    },
  });
}

/**
 * A process that runs one scheduler tick on a fixed clock, posting roundups through {@link FilePlatform}.
 * Usage: roundup-child.ts <db path> <posts file> <now ISO> <instance id>
 */
const [path, postsPath, nowIso, instance] = process.argv.slice(2);
if (!path || !postsPath || !nowIso || !instance) throw new Error('usage: <db> <posts> <now> <instance>');
const now = new Date(nowIso);
const store = SqliteStore.open(path, { now: () => now });
const fd = openSync(postsPath, 'a');
const scheduler = new Scheduler({
  store: reporting(store),
  hf: new HfClient({ baseUrl: 'http://127.0.0.1:9', retries: 0 }),
  platforms: new Map([['slack', new FilePlatform(fd, instance)]]),
  defaults: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 6 * 3_600_000 },
  logger: createLogger('error', process.stderr),
  now: () => now,
  instanceId: instance,
  leaseMs: 10 * 60_000,
  // One channel at a time: at most one message is ever between its post and its ledger entry.
  concurrency: 1,
});
progress('ready');
const results = await scheduler.tick();
closeSync(fd);
await store.close();
progress(`complete ${JSON.stringify(results.map((r) => r.outcome))}`);
