import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
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

/** How often a running process says it is alive (its marker's time) and looks for files left to take. */
const HEARTBEAT_MS = 10_000;
/** A marker this much older than its heartbeat means its process is gone (stopped, killed, its host down). */
const STALE_MS = 3 * HEARTBEAT_MS;

/** This host, as it goes in file names: a container's own host name, so two containers never share it. */
const HOST = hostname().replace(/\W/g, '_') || 'host';

/**
 * A {@link HeldJournal} in a folder: each process appends to its own file
 * (`held-<host>-<pid>-<uuid>.jsonl`, a line a kept or cleared event), emptied whenever nothing waits, and
 * keeps a marker beside it (`….alive`) whose time it renews every 10 s. A process takes over the files of
 * processes that are gone: on this host, a pid that no longer runs or its own (a container restarted, its
 * process again pid 1); on any host sharing the folder (replicas on one volume), a marker not renewed for
 * 30 s. It renames each file to its own name first, so two processes never both take one, copies what still
 * waits into its own file, and deletes it; it looks at start and at every heartbeat. Synchronous writes:
 * events are held only while the archive is down.
 */
export class FileHeldJournal implements HeldJournal {
  readonly file: string;
  readonly #marker: string;
  /** Events kept and not cleared, by id, in the order they were kept. */
  readonly #waiting = new Map<string, HeldEvent>();
  /** Events taken over and not yet handed out, in arrival order. */
  #inherited: WrittenEvent[] = [];
  readonly #watchers: { prefix: string; take: (events: WrittenEvent[]) => void }[] = [];
  /** Lines in the file: rewritten from what waits once cleared lines are most of it. */
  #lines = 0;
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Whether the last write failed: said once per failing stretch, not once an event. */
  #failing = false;

  /** Throws when the folder cannot be made or written. */
  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    mkdirSync(dir, { recursive: true });
    const name = `held-${HOST}-${process.pid}-${randomUUID()}`;
    this.file = join(dir, `${name}.jsonl`);
    this.#marker = join(dir, `${name}.alive`);
    writeFileSync(this.#marker, '');
    OPEN_FILES.add(this.file);
    this.#takeOver();
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  /**
   * This process is done with the journal. What still waits stays in its file, and its marker stops
   * being renewed: the next process takes them over (at once on this host).
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

  #heartbeat(): void {
    this.#write(() => {
      const now = new Date();
      try {
        utimesSync(this.#marker, now, now);
      } catch {
        writeFileSync(this.#marker, '');
      }
    });
    this.#takeOver();
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

  #takeOver(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const now = Date.now();
    const found: { path: string; events: HeldEvent[] }[] = [];
    for (const name of names) {
      // A journal, or one a process was taking over when it stopped (`<taker>.jsonl.taking-<name>`).
      const m = /^(held-(\w+)-(\d+)-[\da-f-]{36})\.jsonl(\.taking-.+)?$/.exec(name);
      if (!m || OPEN_FILES.has(join(this.dir, `${m[1]}.jsonl`))) continue;
      if (!this.#gone(m[1] as string, m[2] as string, Number(m[3]), now)) continue;
      const claimed = `${this.file}.taking-${name}`;
      try {
        renameSync(join(this.dir, name), claimed);
      } catch {
        continue; // another process took it first
      }
      found.push({ path: claimed, events: readWaiting(claimed, this.logger) });
      // A gone process's marker goes with its last file (a leftover marker only costs a name).
      if (!m[4]) rmSync(join(this.dir, `${m[1]}.alive`), { force: true });
    }
    // Markers of processes that are gone and left no file (a taker stopped after its takeover).
    for (const name of names) {
      const m = /^(held-(\w+)-(\d+)-[\da-f-]{36})\.alive$/.exec(name);
      if (!m || OPEN_FILES.has(join(this.dir, `${m[1]}.jsonl`)) || names.includes(`${m[1]}.jsonl`)) continue;
      if (this.#gone(m[1] as string, m[2] as string, Number(m[3]), now))
        rmSync(join(this.dir, name), { force: true });
    }
    if (found.length === 0) return;
    const events = found.flatMap((f) => f.events).sort((a, b) => a.arrived - b.arrived);
    // Written down here before the files they came from go: a kill between the two repeats them, never loses.
    for (const event of events) this.#inherited.push({ ...event, id: this.keep(event) });
    for (const f of found) rmSync(f.path, { force: true });
    if (events.length > 0)
      this.logger.warn(
        { files: found.length, events: events.length },
        'events processes that are gone held for the archive are taken over and tried again',
      );
    this.#handOut();
  }

  /** Whether the process that wrote `held-<host>-<pid>-…` is gone. */
  #gone(base: string, host: string, pid: number, now: number): boolean {
    if (host === HOST && (pid === process.pid || !processAlive(pid))) return true;
    try {
      return now - statSync(join(this.dir, `${base}.alive`)).mtimeMs > STALE_MS;
    } catch {
      // No marker: it was removed at a clean close, or never written; the file is old news either way.
      return true;
    }
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
