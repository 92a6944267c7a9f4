import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileHeldJournal, type HeldEvent } from '../../src/chat/held-journal.ts';
import { RetryLater } from '../../src/chat/retry-later.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';
import { waitUntil } from '../fakes/wait-until.ts';

/** A pid no process has now: a child's, once it exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

const vote = (key: string, arrived: number, added = true): HeldEvent => ({
  type: 'discord.reaction',
  key,
  what: 'A Discord reaction',
  data: { message: key, added },
  arrived,
});

let dir: string;
const open: FileHeldJournal[] = [];
const journal = () => {
  const j = new FileHeldJournal(dir, silentLogger);
  open.push(j);
  return j;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-held-'));
});
afterEach(() => {
  for (const j of open.splice(0)) j.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A journal file as a process that was killed left it. */
function leftBy(pid: number, lines: unknown[], raw = ''): string {
  const name = `held-${pid}-left.jsonl`;
  writeFileSync(join(dir, name), lines.map((l) => `${JSON.stringify(l)}\n`).join('') + raw);
  return name;
}

describe('FileHeldJournal', () => {
  it('keeps its file only while something waits', () => {
    const j = journal();
    const a = j.keep(vote('m1', 1));
    const b = j.keep(vote('m2', 2));
    j.clear(a);
    expect(readdirSync(dir)).toEqual([j.file.slice(dir.length + 1)]);
    j.clear(b);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over what a process that is gone left waiting, in the order the events came, and only once', () => {
    const pid = deadPid();
    leftBy(pid, [
      { keep: '1', event: vote('m1', 30) },
      { keep: '2', event: vote('m1', 20, false) },
      { keep: '3', event: vote('m2', 10) },
      { clear: '1' },
    ]);
    const j = journal();
    expect(j.leftover('discord.').map((e) => [e.key, e.arrived])).toEqual([
      ['m2', 10],
      ['m1', 20],
    ]);
    // Handed out once; the file it came from is gone, its events are in the new one's file.
    expect(j.leftover('discord.')).toEqual([]);
    expect(readdirSync(dir)).toEqual([j.file.slice(dir.length + 1)]);
    // Another process starting now finds nothing to take: the events are the running one's.
    expect(journal().size).toBe(0);
  });

  it('leaves alone the file of a process still running, and other platforms’ events to them', () => {
    const running = leftBy(process.ppid, [{ keep: '1', event: vote('m1', 1) }]);
    const gone = deadPid();
    leftBy(gone, [{ keep: '1', event: { ...vote('m9', 5), type: 'slack.post' } }]);
    const j = journal();
    expect(readdirSync(dir)).toContain(running);
    expect(j.leftover('discord.')).toEqual([]);
    expect(j.leftover('slack.').map((e) => e.key)).toEqual(['m9']);
  });

  it('skips a last line cut short by a kill, and keeps the lines before it', () => {
    leftBy(deadPid(), [{ keep: '1', event: vote('m1', 1) }], '{"keep":"2","event":{"type":"disc');
    expect(
      journal()
        .leftover('discord.')
        .map((e) => e.key),
    ).toEqual(['m1']);
  });
});

describe('FileHeldJournal when its folder cannot be written', () => {
  it('says so once, and the event still waits in the process and is recorded when the archive is back', async () => {
    const errors: string[] = [];
    const logger = createLogger('error', { write: (line: string) => errors.push(JSON.parse(line).msg) });
    const j = new FileHeldJournal(dir, logger);
    open.push(j);
    // The folder goes away under the bot (a volume unmounted): every write fails.
    rmSync(dir, { recursive: true, force: true });
    const timers = new ManualTimers();
    const taken: string[] = [];
    let down = true;
    const later = new RetryLater({ timers, journal: j, onLost: () => {} });
    const write = (what: string) => async () => {
      if (down) throw new StoreUnavailableError('sqlite', new Error('database is locked'));
      taken.push(what);
    };
    const runs = [
      later.submit('m1', 'add', write('add'), { type: 'discord.reaction', data: 'add' }),
      later.submit('m1', 'remove', write('remove'), { type: 'discord.reaction', data: 'remove' }),
    ];
    await timers.waits.waitFor(() => true, 'the add waiting');
    down = false;
    timers.fire();
    expect(await Promise.all(runs)).toEqual(['done', 'done']);
    expect(taken).toEqual(['add', 'remove']);
    expect(errors).toEqual([
      'could not write down events held for the archive; a restart now would lose them',
    ]);
  });
});

describe('RetryLater with a journal', () => {
  const locked = () => new StoreUnavailableError('sqlite', new Error('database is locked'));

  it('writes an event down when it starts to wait, and those queued behind it, so a killed process leaves them to the next', async () => {
    const timers = new ManualTimers();
    const j = journal();
    const later = new RetryLater({ timers, journal: j, onLost: () => {} });
    void later.submit(
      'm1',
      'A Discord reaction',
      async () => {
        throw locked();
      },
      { type: 'discord.reaction', data: { n: 1 } },
    );
    await timers.waits.waitFor(() => true, 'the event waiting');
    // Queued behind it, never tried: written down at once too.
    void later.submit('m1', 'A Discord reaction', async () => {}, {
      type: 'discord.reaction',
      data: { n: 2 },
    });
    // The process is killed here, without close: its file, as the next process on the host finds it.
    const host = mkdtempSync(join(tmpdir(), 'paperboy-held-next-'));
    try {
      copyFileSync(j.file, join(host, `held-${deadPid()}-killed.jsonl`));
      const next = new FileHeldJournal(host, silentLogger);
      open.push(next);
      expect(next.leftover('discord.').map((e) => [e.key, e.data])).toEqual([
        ['m1', { n: 1 }],
        ['m1', { n: 2 }],
      ]);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  it('at close keeps what waits and what queued behind it, and the next process tries them in their order', async () => {
    const timers = new ManualTimers();
    const lost: string[] = [];
    const kept: string[] = [];
    const first = journal();
    const later = new RetryLater({
      timers,
      journal: first,
      onLost: (_k, what) => lost.push(what),
      onKept: (_k, what) => kept.push(what),
    });
    const refuse = async () => {
      throw locked();
    };
    const add = later.submit('m1', 'add', refuse, { type: 'discord.reaction', data: 'add' });
    await timers.waits.waitFor(() => true, 'the add waiting');
    const remove = later.submit('m1', 'remove', refuse, { type: 'discord.reaction', data: 'remove' });
    later.close();
    expect(await Promise.all([add, remove])).toEqual(['kept', 'kept']);
    expect(kept).toEqual(['add', 'remove']);
    expect(lost).toEqual([]);
    first.close();

    const taken: unknown[] = [];
    const next = journal();
    const again = new RetryLater({ timers: new ManualTimers(), journal: next, onLost: () => {} });
    expect(
      again.resume('discord.', (_type, data) => async () => {
        taken.push(data);
      }),
    ).toHaveLength(2);
    await waitUntil(() => next.size === 0, 'both recorded');
    expect(taken).toEqual(['add', 'remove']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
