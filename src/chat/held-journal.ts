import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.ts';

/** An event that waits for the archive, as it can be written down and tried again by another process. */
export interface HeldEvent {
  /** Who tries it again, and how: `discord.reaction`, `share.post` (see held-replay.ts). */
  type: string;
  /** What orders it: events of one key run in the order they came (the message). */
  key: string;
  /** What it is, for the log ("A Discord reaction"). */
  what: string;
  /** The event as the platform parsed it: plain JSON, checked again before it is tried. */
  data: unknown;
  /**
   * When it came, in ms (`performance.timeOrigin + performance.now()`): events are tried again in this
   * order, whichever order they began to wait in (a 👍 removed must stay after its add).
   */
  arrived: number;
}

/** A written-down event with the id it is cleared by. */
export type WrittenEvent = HeldEvent & { id: string };

/**
 * Where events held for the archive are written down while they wait, so that a process stopped or killed
 * before the archive came back does not lose them: another process sharing the folder takes them over and
 * tries them again. Discord sends each gateway event once and cannot be asked for it again.
 */
export interface HeldJournal {
  /** Writes down an event that waits; the id to clear it with. */
  keep(event: HeldEvent): string;
  /** The event ended: recorded, or given up for a reason another process would not mend. */
  clear(id: string): void;
  /**
   * Hands `take` the events of types starting with `prefix` that processes no longer running left
   * waiting, in arrival order: those found so far at once, those found later as they are. Each is handed
   * out once and stays written down (under its id) until cleared.
   */
  watch(prefix: string, take: (events: WrittenEvent[]) => void): void;
}

type Line = { keep: string; event: HeldEvent } | { clear: string };

/** The files this process's open journals write: never a predecessor's, whatever their names say. */
const OPEN_FILES = new Set<string>();

/** How often a running process renews its marker and looks for files left to take. */
const HEARTBEAT_MS = 5_000;
/**
 * A marker seen unchanged this long, on the looking process's own clock, means its process is gone
 * (stopped, killed, its host down): shorter than Discord's gateway lease (30 s), so a standby that takes the
 * gateway has usually taken the events first. The writer's clock is never compared with the reader's.
 */
const STALE_MS = 20_000;

/**
 * Who can tell a pid's life from here: this host and this pid namespace. Containers that share a host name
 * (host networking, a fixed `hostname:`) each have their own pid namespace, and all run as pid 1.
 */
export const IDENTITY = `${hostname().replace(/\W/g, '_') || 'host'}_${pidNamespace()}`;

/** A journal's name: `held-<identity>-<pid>-<uuid>`, or an orphan's: events for a platform's processes. */
const JOURNAL = /^(held-(\w+)-(\d+)-[\da-f-]{36})\.(jsonl|alive)(\.taking-.+|\.tmp)?$/;
const ORPHAN = /^held-orphan-(\w+)-[\da-f-]{36}\.jsonl$/;

export interface FileHeldJournalOptions {
  /**
   * The type prefixes this process tries again (`share.`, `discord.`): taken-over events of others are
   * left in orphan files for a process that does. Default: every type.
   */
  serves?: readonly string[];
  /** The monotonic clock markers are watched on (ms); `performance.now()` unless a test's. */
  clock?: () => number;
}

/**
 * A {@link HeldJournal} in a folder: each process appends to its own file
 * (`held-<identity>-<pid>-<uuid>.jsonl`, a line a kept or cleared event), emptied whenever nothing waits,
 * and renews a marker beside it (`….alive`) every 5 s. At start and at every heartbeat a process takes over
 * the files of processes that are gone: of its own identity (host and pid namespace), a pid that no longer
 * runs; of any other (a restarted container, a replica on the same volume), a marker it has seen unchanged
 * for 20 s. It renames each file to its own name first, so two processes never both take one, copies what
 * still waits and it serves into its own file, leaves the rest in orphan files for a process that serves
 * them, and deletes it. A process that finds its own marker gone was taken over (its heartbeat starved for
 * 20 s): it writes no more and says so. Synchronous writes: events are held only while the archive is down.
 */
export class FileHeldJournal implements HeldJournal {
  readonly file: string;
  readonly #marker: string;
  readonly #serves: readonly string[];
  readonly #clock: () => number;
  /** Events kept and not cleared, by id, in the order they were kept. */
  readonly #waiting = new Map<string, HeldEvent>();
  /** Events taken over and not yet handed out, in arrival order. */
  #inherited: WrittenEvent[] = [];
  readonly #watchers: { prefix: string; take: (events: WrittenEvent[]) => void }[] = [];
  /** Other processes' markers as last seen: their time, and when (this clock) it was first seen so. */
  readonly #seen = new Map<string, { mtime: number; since: number }>();
  /** Lines in the file: rewritten from what waits once cleared lines are most of it. */
  #lines = 0;
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Whether the last write failed: said once per failing stretch, not once an event. */
  #failing = false;
  /** Another process took this one's file over: it writes no more (the events are that process's). */
  #takenOver = false;

  /** Throws when the folder cannot be made or written. */
  constructor(
    readonly dir: string,
    private readonly logger: Logger,
    options: FileHeldJournalOptions = {},
  ) {
    this.#serves = options.serves ?? [''];
    this.#clock = options.clock ?? (() => performance.now());
    mkdirSync(dir, { recursive: true });
    const name = `held-${IDENTITY}-${process.pid}-${randomUUID()}`;
    this.file = join(dir, `${name}.jsonl`);
    this.#marker = join(dir, `${name}.alive`);
    writeFileSync(this.#marker, '');
    OPEN_FILES.add(this.file);
    this.scan();
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  /**
   * This process is done with the journal. What still waits stays in its file, and its marker stops
   * being renewed: another process takes them over.
   */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    OPEN_FILES.delete(this.file);
    if (this.#waiting.size === 0) this.#write(() => rmSync(this.#marker, { force: true }));
  }

  keep(event: HeldEvent): string {
    const id = `${++this.#next}`;
    this.#waiting.set(id, event);
    this.#append({ keep: id, event });
    return id;
  }

  clear(id: string): void {
    if (!this.#waiting.delete(id)) return;
    if (this.#waiting.size === 0) {
      // Nothing waits: the file starts over.
      this.#write(() => rmSync(this.file, { force: true }));
      this.#lines = 0;
    } else if (this.#lines > 64 && this.#lines > 4 * this.#waiting.size) {
      // A long outage, or an event no process here tries: the file keeps only what waits.
      this.#rewrite();
    } else this.#append({ clear: id });
  }

  watch(prefix: string, take: (events: WrittenEvent[]) => void): void {
    this.#watchers.push({ prefix, take });
    this.#handOut();
  }

  /** How many events wait now (this process's and those taken over). */
  get size(): number {
    return this.#waiting.size;
  }

  /** Looks for files of processes that are gone, and takes them over (at start and every heartbeat). */
  scan(): void {
    try {
      this.#takeOver();
    } catch (error) {
      // A folder turned read-only, a file another process holds: the next heartbeat looks again.
      this.logger.warn({ err: error, dir: this.dir }, 'could not take over held events left in the folder');
    }
  }

  #heartbeat(): void {
    if (this.#takenOver) return;
    try {
      const now = new Date();
      utimesSync(this.#marker, now, now);
      this.#failing = false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(this.dir)) {
        // The marker went: another process judged this one gone and took its file.
        this.#takenOver = true;
        this.logger.error(
          { file: this.file, waiting: this.#waiting.size },
          'another process took over the held events of this one (its heartbeat stalled for 20 s); they may be recorded twice, and this process writes down no more',
        );
        return;
      }
      this.#write(() => {
        throw error;
      });
    }
    this.scan();
  }

  #append(line: Line): void {
    this.#write(() => appendFileSync(this.file, `${JSON.stringify(line)}\n`));
    this.#lines++;
  }

  #rewrite(): void {
    const lines = [...this.#waiting].map(([id, event]) => `${JSON.stringify({ keep: id, event })}\n`);
    const tmp = `${this.file}.tmp`;
    this.#write(() => {
      writeFileSync(tmp, lines.join(''));
      renameSync(tmp, this.file);
    });
    this.#lines = lines.length;
  }

  /**
   * A write that fails (a full disk, a folder gone) must not stop the event: it still waits in this
   * process, as without a journal; only a restart meanwhile would lose it, which the log says.
   */
  #write(write: () => void): void {
    if (this.#takenOver) return;
    try {
      write();
      this.#failing = false;
    } catch (error) {
      if (!this.#failing)
        this.logger.error(
          { err: error, file: this.file },
          'could not write down events held for the archive; a restart now would lose them',
        );
      this.#failing = true;
    }
  }

  #handOut(): void {
    if (this.#inherited.length === 0) return;
    for (const w of this.#watchers) {
      const mine = this.#inherited.filter((e) => e.type.startsWith(w.prefix));
      if (mine.length === 0) continue;
      this.#inherited = this.#inherited.filter((e) => !e.type.startsWith(w.prefix));
      w.take(mine);
    }
  }

  #serving(type: string): boolean {
    return this.#serves.some((prefix) => type.startsWith(prefix));
  }

  #takeOver(): void {
    if (this.#takenOver) return;
    const names = readdirSync(this.dir);
    const found: { path: string; events: HeldEvent[] }[] = [];
    const claim = (name: string): void => {
      const claimed = `${this.file}.taking-${name}`;
      try {
        renameSync(join(this.dir, name), claimed);
      } catch {
        return; // another process took it first
      }
      found.push({ path: claimed, events: readWaiting(claimed, this.logger) });
    };
    for (const name of names) {
      const orphan = ORPHAN.exec(name);
      if (orphan) {
        if (this.#serving(`${orphan[1]}.`)) claim(name);
        continue;
      }
      // A journal, its marker, or a journal a process was taking over when it stopped.
      const m = JOURNAL.exec(name);
      if (!m || OPEN_FILES.has(join(this.dir, `${m[1]}.jsonl`))) continue;
      const [, base, identity, pid] = m as unknown as [string, string, string, string];
      if (!this.#gone(base, identity, Number(pid))) continue;
      // A rewrite cut short by a kill: the file it was to replace still holds every event.
      if (m[5] === '.tmp') rmSync(join(this.dir, name), { force: true });
      else if (m[4] === 'jsonl') claim(name);
      else if (!names.includes(`${base}.jsonl`)) rmSync(join(this.dir, name), { force: true });
    }
    // Forget markers no longer there, so the map stays as small as the folder.
    for (const base of this.#seen.keys())
      if (!names.includes(`${base}.alive`) && !names.includes(`${base}.jsonl`)) this.#seen.delete(base);
    if (found.length === 0) return;
    const events = found.flatMap((f) => f.events).sort((a, b) => a.arrived - b.arrived);
    const served = events.filter((e) => this.#serving(e.type));
    // Written down here before the files they came from go: a kill between the two repeats them, never loses.
    for (const event of served) this.#inherited.push({ ...event, id: this.keep(event) });
    const others = events.filter((e) => !this.#serving(e.type));
    try {
      this.#leaveOrphans(others);
    } catch (error) {
      // Kept here rather than lost: written down in this process's file, for whoever comes after it.
      this.logger.warn(
        { err: error, events: others.length },
        'could not leave held events for other processes',
      );
      for (const event of others) this.keep(event);
    }
    for (const f of found) rmSync(f.path, { force: true });
    if (events.length > 0)
      this.logger.warn(
        { files: found.length, events: served.length, leftForOthers: events.length - served.length },
        'events processes that are gone held for the archive are taken over and tried again',
      );
    this.#handOut();
  }

  /** Events for platforms this process does not run, in one file a platform, for a process that does. */
  #leaveOrphans(events: HeldEvent[]): void {
    const byPlatform = new Map<string, HeldEvent[]>();
    for (const e of events) {
      const platform = e.type.split('.')[0]?.replace(/\W/g, '_') || 'unknown';
      byPlatform.set(platform, [...(byPlatform.get(platform) ?? []), e]);
    }
    for (const [platform, list] of byPlatform) {
      const path = join(this.dir, `held-orphan-${platform}-${randomUUID()}.jsonl`);
      const text = list.map((event, i) => `${JSON.stringify({ keep: String(i + 1), event })}\n`).join('');
      // Renamed into place whole: a process taking orphans never reads one half written.
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    }
  }

  /** Whether the process that wrote `base` (`held-<identity>-<pid>-…`) is gone. */
  #gone(base: string, identity: string, pid: number): boolean {
    if (identity === IDENTITY) return pid === process.pid || !processAlive(pid);
    let mtime = -1;
    try {
      mtime = statSync(join(this.dir, `${base}.alive`)).mtimeMs;
    } catch {
      // No marker (a clean close left events, or a taker removed it): watched as unchanged all the same.
    }
    const now = this.#clock();
    const seen = this.#seen.get(base);
    if (!seen || seen.mtime !== mtime) {
      this.#seen.set(base, { mtime, since: now });
      return false;
    }
    return now - seen.since >= STALE_MS;
  }
}

/** This process's pid namespace (Linux), or `0` where it cannot be read. */
function pidNamespace(): string {
  try {
    return /\d+/.exec(readlinkSync('/proc/self/ns/pid'))?.[0] ?? '0';
  } catch {
    return '0';
  }
}

/** The events a journal file still holds: kept and not cleared. A line cut short or not an event is skipped. */
function readWaiting(path: string, logger: Logger): HeldEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const waiting = new Map<string, HeldEvent>();
  let bad = 0;
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      bad++;
      continue;
    }
    if (typeof line !== 'object' || line === null) bad++;
    else if ('keep' in line && typeof line.keep === 'string' && 'event' in line && isHeldEvent(line.event))
      waiting.set(line.keep, line.event);
    else if ('clear' in line && typeof line.clear === 'string') waiting.delete(line.clear);
    else bad++;
  }
  if (bad > 0)
    logger.warn({ file: path, lines: bad }, 'skipped lines of a held-events file that are no event');
  return [...waiting.values()];
}

function isHeldEvent(e: unknown): e is HeldEvent {
  if (typeof e !== 'object' || e === null) return false;
  const { type, key, what, arrived } = e as Record<string, unknown>;
  return (
    typeof type === 'string' &&
    typeof key === 'string' &&
    typeof what === 'string' &&
    typeof arrived === 'number'
  );
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
