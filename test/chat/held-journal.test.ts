import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileHeldJournal, type HeldEvent, IDENTITY, type WrittenEvent } from '../../src/chat/held-journal.ts';
import { RetryLater } from '../../src/chat/retry-later.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';
import { waitUntil } from '../fakes/wait-until.ts';

/** This process's host and pid namespace as journal file names spell them. */
const HOST = IDENTITY;

/** A pid no process has now: a child's, once it exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

const vote = (key: string, arrived: number, added = true): HeldEvent => ({
  type: 'discord.reaction',
  key,
  what: 'A Discord reaction',
  data: { message: key, added },
  arrived,
});

const locked = () => new StoreUnavailableError('sqlite', new Error('database is locked'));

let dir: string;
const open: FileHeldJournal[] = [];
const journal = (folder = dir) => {
  const j = new FileHeldJournal(folder, silentLogger);
  open.push(j);
  return j;
};
/** What a journal hands out of `prefix`'s events: now, and (one watcher a prefix) as it takes more. */
const taken = (j: FileHeldJournal, prefix = 'discord.') => {
  const out: WrittenEvent[] = [];
  j.watch(prefix, (events) => out.push(...events));
  return out;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-held-'));
});
afterEach(() => {
  for (const j of open.splice(0)) j.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A journal file another process left (`lines` and, after them, `raw`), with its marker `markerAgeMs` old
 * (none when null). Returns its file name.
 */
function leftBy(
  host: string,
  pid: number,
  lines: unknown[],
  options: { raw?: string; markerAgeMs?: number | null } = {},
): string {
  const base = `held-${host}-${pid}-${randomUUID()}`;
  writeFileSync(
    join(dir, `${base}.jsonl`),
    lines.map((l) => `${JSON.stringify(l)}\n`).join('') + (options.raw ?? ''),
  );
  const age = options.markerAgeMs === undefined ? 0 : options.markerAgeMs;
  if (age !== null) {
    writeFileSync(join(dir, `${base}.alive`), '');
    const at = new Date(Date.now() - age);
    utimesSync(join(dir, `${base}.alive`), at, at);
  }
  return `${base}.jsonl`;
}

describe('FileHeldJournal', () => {
  it('keeps its file only while something waits, and its marker until it closes', () => {
    const j = journal();
    const a = j.keep(vote('m1', 1));
    const b = j.keep(vote('m2', 2));
    j.clear(a);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jsonl'))).toHaveLength(1);
    j.clear(b);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
    j.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over what a process of this host that is gone left waiting, in the order the events came, once', () => {
    leftBy(HOST, deadPid(), [
      { keep: '1', event: vote('m1', 30) },
      { keep: '2', event: vote('m1', 20, false) },
      { keep: '3', event: vote('m2', 10) },
      { clear: '1' },
    ]);
    const j = journal();
    expect(taken(j).map((e) => [e.key, e.arrived])).toEqual([
      ['m2', 10],
      ['m1', 20],
    ]);
    // Handed out once; the file it came from and its marker are gone, the events are in the new file.
    expect(taken(j)).toEqual([]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jsonl'))).toEqual([j.file.slice(dir.length + 1)]);
    // Another process starting now finds nothing to take: the events are the running one's.
    expect(journal().size).toBe(0);
  });

  it('leaves alone a running process’s file, on this host or on another sharing the folder', () => {
    const here = leftBy(HOST, process.ppid, [{ keep: '1', event: vote('m1', 1) }], { markerAgeMs: 0 });
    // Another container sharing the volume, its process also pid 1, renewing its marker.
    const replica = leftBy('replica_b', process.pid, [{ keep: '1', event: vote('m2', 2) }], {
      markerAgeMs: 2_000,
    });
    const j = journal();
    expect(taken(j)).toEqual([]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining([here, replica]));
  });

  it('takes over another host’s file once it has seen its marker unchanged for 20 s, whatever the clocks say', () => {
    // Both markers look old by their times (another host's clock may be behind); one has none at all.
    leftBy('replica_b', 1, [{ keep: '1', event: vote('m2', 2) }], { markerAgeMs: 3_600_000 });
    leftBy('replica_c', 1, [{ keep: '1', event: vote('m3', 3) }], { markerAgeMs: null });
    const clock = { ms: 0 };
    const j = new FileHeldJournal(dir, silentLogger, { clock: () => clock.ms });
    open.push(j);
    const got = taken(j);
    expect(got).toEqual([]);
    clock.ms = 19_000;
    j.scan();
    expect(got).toEqual([]);
    clock.ms = 21_000;
    j.scan();
    expect(got.map((e) => e.key)).toEqual(['m2', 'm3']);
  });

  it('keeps watching a marker that is renewed: a live replica’s file is never taken', () => {
    const name = leftBy('replica_b', 1, [{ keep: '1', event: vote('m2', 2) }]);
    const marker = join(dir, name.replace(/\.jsonl$/, '.alive'));
    const clock = { ms: 0 };
    const j = new FileHeldJournal(dir, silentLogger, { clock: () => clock.ms });
    open.push(j);
    const got = taken(j);
    for (let s = 1; s <= 10; s++) {
      clock.ms = s * 10_000;
      // The replica renews its marker every few seconds of its own.
      const at = new Date(Date.now() + s * 1000);
      utimesSync(marker, at, at);
      j.scan();
    }
    expect(got).toEqual([]);
    expect(readdirSync(dir)).toContain(name);
  });

  it('leaves events of platforms it does not run to a process that runs them', () => {
    leftBy(HOST, deadPid(), [
      { keep: '1', event: vote('m1', 1) },
      { keep: '2', event: { ...vote('m9', 5), type: 'share.post' } },
    ]);
    const slackOnly = new FileHeldJournal(dir, silentLogger, { serves: ['share.', 'slack.'] });
    open.push(slackOnly);
    expect(taken(slackOnly, 'share.').map((e) => e.key)).toEqual(['m9']);
    expect(slackOnly.size).toBe(1);
    const discord = new FileHeldJournal(dir, silentLogger, { serves: ['share.', 'discord.'] });
    open.push(discord);
    expect(taken(discord, 'discord.').map((e) => e.key)).toEqual(['m1']);
  });

  it('hands out only the watched platform’s events, and the others to whoever watches them', () => {
    leftBy(HOST, deadPid(), [
      { keep: '1', event: vote('m1', 1) },
      { keep: '2', event: { ...vote('m9', 5), type: 'share.post' } },
    ]);
    const j = journal();
    expect(taken(j, 'share.').map((e) => e.key)).toEqual(['m9']);
    expect(taken(j, 'discord.').map((e) => e.key)).toEqual(['m1']);
  });

  it('claims a file another process was taking over when it stopped, before reading it', () => {
    // `<taker>.jsonl.taking-<taken>`: the taker is gone (a dead pid of this host).
    const taker = `held-${HOST}-${deadPid()}-${randomUUID()}`;
    writeFileSync(
      join(dir, `${taker}.jsonl.taking-held-x-1-${randomUUID()}.jsonl`),
      `${JSON.stringify({ keep: '1', event: vote('m1', 1) })}\n`,
    );
    const first = journal();
    expect(taken(first).map((e) => e.key)).toEqual(['m1']);
    expect(readdirSync(dir).some((n) => n.includes('.taking-'))).toBe(false);
    expect(taken(journal())).toEqual([]);
  });

  it('skips lines that are no event (cut short by a kill, another version’s, damaged) and keeps the rest', () => {
    leftBy(
      HOST,
      deadPid(),
      [
        { keep: '1', event: vote('m1', 1) },
        7,
        null,
        { keep: '2' },
        { keep: '3', event: { type: 'discord.reaction' } },
      ],
      { raw: '{"keep":"4","event":{"type":"disc' },
    );
    expect(taken(journal()).map((e) => e.key)).toEqual(['m1']);
  });

  it('removes a rewrite a process that is gone left half done, and takes the file it was to replace', () => {
    const name = leftBy(HOST, deadPid(), [{ keep: '1', event: vote('m1', 1) }]);
    writeFileSync(join(dir, `${name}.tmp`), '{"keep":"1","ev');
    const j = journal();
    expect(taken(j).map((e) => e.key)).toEqual(['m1']);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('rewrites its file from what waits once cleared lines are most of it', () => {
    const j = journal();
    // One event no process here tries stays; hundreds of others come and go.
    j.keep(vote('stuck', 0));
    for (let i = 1; i <= 500; i++) j.clear(j.keep(vote(`m${i}`, i)));
    const lines = readFileSync(j.file, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(70);
    expect(lines[0]).toContain('"stuck"');
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
    const done: string[] = [];
    let down = true;
    const later = new RetryLater({ timers, journal: j, onLost: () => {} });
    const write = (what: string) => async () => {
      if (down) throw locked();
      done.push(what);
    };
    const runs = [
      later.submit('m1', 'add', write('add'), { type: 'discord.reaction', data: 'add' }),
      later.submit('m1', 'remove', write('remove'), { type: 'discord.reaction', data: 'remove' }),
    ];
    await timers.waits.waitFor(() => true, 'the add waiting');
    down = false;
    timers.fire();
    expect(await Promise.all(runs)).toEqual(['done', 'done']);
    expect(done).toEqual(['add', 'remove']);
    expect(errors).toEqual([
      'could not write down events held for the archive; a restart now would lose them',
    ]);
  });
});

describe('RetryLater with a journal', () => {
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
    const next = mkdtempSync(join(tmpdir(), 'paperboy-held-next-'));
    try {
      copyFileSync(j.file, join(next, `held-${HOST}-${deadPid()}-${randomUUID()}.jsonl`));
      expect(taken(journal(next)).map((e) => [e.key, e.data])).toEqual([
        ['m1', { n: 1 }],
        ['m1', { n: 2 }],
      ]);
    } finally {
      rmSync(next, { recursive: true, force: true });
    }
  });

  it('at close writes down what waits, what queued behind it and what is still being tried, and the next process tries them in order', async () => {
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
    // A link on another message whose lookup is still under way, and outlasts the close's wait.
    const slow = later.submit('m2', 'link', () => new Promise<void>(() => {}), {
      type: 'discord.links',
      data: 'link',
    });
    await later.close(50);
    expect(await Promise.all([add, remove])).toEqual(['kept', 'kept']);
    expect(kept).toEqual(['add', 'remove']);
    expect(lost).toEqual([]);
    void slow;
    first.close();

    const done: unknown[] = [];
    const next = journal();
    const again = new RetryLater({ timers: new ManualTimers(), journal: next, onLost: () => {} });
    next.watch('discord.', (events) =>
      again.replay(events, (_type, data) => async () => {
        done.push(data);
      }),
    );
    await waitUntil(() => next.size === 0, 'all three recorded');
    // One message's events in the order they came; another message's do not wait behind them.
    expect(done).toHaveLength(3);
    expect(done.filter((d) => d !== 'link')).toEqual(['add', 'remove']);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
  });

  it('keeps written down an event whose try, still under way at close, then fails however (the archive closed under it)', async () => {
    const j = journal();
    const lost: string[] = [];
    const later = new RetryLater({
      timers: new ManualTimers(),
      journal: j,
      onLost: (_k, what) => lost.push(what),
    });
    let fail: (error: Error) => void = () => {};
    const slow = later.submit(
      'm1',
      'link',
      () =>
        new Promise<void>((_resolve, reject) => {
          fail = reject;
        }),
      { type: 'discord.links', data: 'link' },
    );
    await later.close(10);
    // The store is closed by now: the driver's own error, not "unavailable".
    fail(new TypeError('The database connection is not open'));
    expect(await slow).toBe('kept');
    expect(lost).toEqual([]);
    expect(j.size).toBe(1);
  });

  it('keeps a replayed event and a live one of the same message in the order they came', async () => {
    leftBy(HOST, deadPid(), [{ keep: '1', event: { ...vote('m1', 1), data: 'cleared before the restart' } }]);
    const timers = new ManualTimers();
    const j = journal();
    const queue = new RetryLater({ timers, journal: j, onLost: () => {} });
    let down = true;
    const done: unknown[] = [];
    const record = (what: unknown) => async () => {
      if (down) throw locked();
      done.push(what);
    };
    j.watch('discord.', (events) => queue.replay(events, (_type, data) => record(data)));
    await timers.waits.waitFor(() => true, 'the replayed event waiting');
    // A vote on the same message arrives live while the archive is still locked: it waits behind.
    const live = queue.submit('m1', 'A Discord reaction', record('added after the restart'));
    down = false;
    timers.fire();
    expect(await live).toBe('done');
    expect(done).toEqual(['cleared before the restart', 'added after the restart']);
  });
});
