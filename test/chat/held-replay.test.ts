import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileHeldJournal, IDENTITY } from '../../src/chat/held-journal.ts';
import { heldQueue, replayLeftovers } from '../../src/chat/held-replay.ts';
import type { InboundHandlers, ReactionEvent } from '../../src/chat/platform.ts';
import { UnrecordedPosts } from '../../src/chat/unrecorded-posts.ts';
import { silentLogger } from '../../src/log.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';
import { waitUntil } from '../fakes/wait-until.ts';

let dir: string;
let journal: FileHeldJournal | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-replay-'));
});
afterEach(() => {
  journal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A journal file a process of this host that is gone left, holding `events` in this order. */
function leftover(events: { type: string; key: string; data: unknown }[]): void {
  const pid = spawnSync(process.execPath, ['-e', '']).pid as number;
  const lines = events.map((e, i) => ({
    keep: String(i + 1),
    event: { what: 'an event', arrived: i, ...e },
  }));
  writeFileSync(
    join(dir, `held-${IDENTITY}-${pid}-${randomUUID()}.jsonl`),
    lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
  );
}

const good: ReactionEvent = {
  message: 'discord:1:2',
  channel: 'discord:1',
  user: 'discord:3',
  emoji: '👍',
  added: true,
  byBot: false,
  at: '2024-10-25T12:00:00.000Z',
};

it('gives up a written-down event that is not one (another version’s, damaged), and tries the rest', async () => {
  leftover([
    { type: 'discord.reaction', key: 'discord:1:2', data: { ...good, added: 'yes' } },
    { type: 'discord.reaction', key: 'discord:1:2', data: null },
    { type: 'discord.unknown-kind', key: 'discord:1:2', data: good },
    { type: 'discord.reaction', key: 'discord:1:2', data: good },
  ]);
  journal = new FileHeldJournal(dir, silentLogger);
  const counted: ReactionEvent[] = [];
  const handlers = {
    onReaction: async (e: ReactionEvent) => void counted.push(e),
  } as unknown as InboundHandlers;
  const queue = heldQueue({ platform: 'discord', journal, logger: silentLogger, timers: new ManualTimers() });
  replayLeftovers({ journal, queue, platform: 'discord', handlers, logger: silentLogger });
  const j = journal;
  await waitUntil(() => j.size === 0, 'every event ended');
  expect(counted).toEqual([good]);
});

it('starts, and gives up a written-down share that is not one, rather than fail every start', () => {
  leftover([{ type: 'share.post', key: 'slack:C1:1.2', data: null }]);
  journal = new FileHeldJournal(dir, silentLogger);
  const recorded: unknown[] = [];
  const posts = new UnrecordedPosts({
    logger: silentLogger,
    journal,
    record: async (p) => void recorded.push(p),
  });
  expect(posts.waitingFor('slack:C1:1.2')).toBeNull();
  expect(journal.size).toBe(0);
  expect(recorded).toEqual([]);
});
