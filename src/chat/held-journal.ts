import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';

/** An event that waits for the archive, as it can be written down and tried again by another process. */
export interface HeldEvent {
  /** Who tries it again, and how: `discord.reaction`, … (the platform's own names). */
  type: string;
  /** What orders it: events of one key run in the order they came (the message). */
  key: string;
  /** What it is, for the log ("A Discord reaction"). */
  what: string;
  /** The event as the platform parsed it: plain JSON. */
  data: unknown;
  /**
   * When it came, in ms (`performance.timeOrigin + performance.now()`): events are tried again in this
   * order, whichever order they began to wait in (a 👍 removed must stay after its add).
   */
  arrived: number;
}

/**
 * Where events held for the archive are written down while they wait, so that a process stopped or killed
 * before the archive came back does not lose them: the next process on this host takes them over and
 * tries them again. Discord sends each gateway event once and cannot be asked for it again.
 */
export interface HeldJournal {
  /** Writes down an event that waits; the id to clear it with. */
  keep(event: HeldEvent): string;
  /** The event ended: recorded, or given up for a reason a restart would not mend. */
  clear(id: string): void;
  /**
   * Events of types starting with `prefix` that processes before this one left waiting, in arrival order,
   * each handed out once; they stay written down (under their ids) until cleared.
   */
  leftover(prefix: string): (HeldEvent & { id: string })[];
}

type Line = { keep: string; event: HeldEvent } | { clear: string };

/** The files this process's open journals write: not a predecessor's, though they carry its pid. */
const OPEN_FILES = new Set<string>();

/**
 * A {@link HeldJournal} in a folder on this host: each process appends to its own file
 * (`held-<pid>-<uuid>.jsonl`, a line a kept or cleared event), emptied whenever nothing waits. At start a
 * process takes over the files of processes no longer running: it renames each to its own name first
 * (so two processes starting together never both take one), copies what still waits into its own file, and
 * deletes it. Synchronous writes: events are held only while the archive is down, a few at a time.
 */
export class FileHeldJournal implements HeldJournal {
  readonly file: string;
  /** Events kept and not cleared, by id, in the order they were kept. */
  readonly #waiting = new Map<string, HeldEvent>();
  /** Ids taken over from earlier processes, not yet handed out by leftover(). */
  readonly #inherited: string[] = [];
  #next = 0;

  /** Whether the last write failed: said once per failing stretch, not once an event. */
  #failing = false;

  /** Throws when the folder cannot be made. */
  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `held-${process.pid}-${randomUUID()}.jsonl`);
    this.#takeOver();
    OPEN_FILES.add(this.file);
  }

  /**
   * This process is done with the journal: what still waits stays in its file for the next process to
   * take over (even one in this process, as a test's restart is).
   */
  close(): void {
    OPEN_FILES.delete(this.file);
  }

  keep(event: HeldEvent): string {
    const id = `${++this.#next}`;
    this.#waiting.set(id, event);
    this.#append({ keep: id, event });
    return id;
  }

  clear(id: string): void {
    if (!this.#waiting.delete(id)) return;
    // Nothing waits: the file starts over, so it never grows past one outage's events.
    if (this.#waiting.size === 0) this.#write(() => rmSync(this.file, { force: true }));
    else this.#append({ clear: id });
  }

  leftover(prefix: string): (HeldEvent & { id: string })[] {
    const out: (HeldEvent & { id: string })[] = [];
    for (let i = 0; i < this.#inherited.length; i++) {
      const id = this.#inherited[i] as string;
      const event = this.#waiting.get(id);
      if (!event?.type.startsWith(prefix)) continue;
      out.push({ ...event, id });
      this.#inherited.splice(i--, 1);
    }
    return out;
  }

  /** How many events wait now (this process's and those taken over). */
  get size(): number {
    return this.#waiting.size;
  }

  #append(line: Line): void {
    this.#write(() => appendFileSync(this.file, `${JSON.stringify(line)}\n`));
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

  #takeOver(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const found: { path: string; events: HeldEvent[] }[] = [];
    for (const name of names) {
      const m = /^held-(\d+)-[\w-]+\.jsonl$/.exec(name);
      if (!m || OPEN_FILES.has(join(this.dir, name))) continue;
      const pid = Number(m[1]);
      // The same pid as this process means a predecessor (a container restarts its process as pid 1).
      if (pid !== process.pid && processAlive(pid)) continue;
      const claimed = `${this.file}.taking-${name}`;
      try {
        renameSync(join(this.dir, name), claimed);
      } catch {
        continue; // another process starting beside this one took it first
      }
      found.push({ path: claimed, events: readWaiting(claimed, this.logger) });
    }
    // Files another process was taking over when it died: what they hold is taken over the same way.
    for (const name of names) {
      const m = /^held-(\d+)-[\w-]+\.jsonl\.taking-/.exec(name);
      const path = join(this.dir, name);
      const taker = path.slice(0, path.indexOf('.taking-'));
      if (!m || OPEN_FILES.has(taker) || (Number(m[1]) !== process.pid && processAlive(Number(m[1]))))
        continue;
      found.push({ path, events: readWaiting(path, this.logger) });
    }
    const events = found.flatMap((f) => f.events).sort((a, b) => a.arrived - b.arrived);
    // Written down here before the files they came from go: a kill between the two repeats them, never loses.
    for (const event of events) this.#inherited.push(this.keep(event));
    for (const f of found) rmSync(f.path, { force: true });
    if (events.length > 0)
      this.logger.warn(
        { files: found.length, events: events.length },
        'events stopped processes held for the archive are taken over and tried again',
      );
  }
}

/** The events a journal file still holds: kept and not cleared. A torn last line (a kill mid-write) is skipped. */
function readWaiting(path: string, logger: Logger): HeldEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const waiting = new Map<string, HeldEvent>();
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      logger.warn({ file: path }, 'skipped a line of a held-events file that was cut short');
      continue;
    }
    if ('keep' in line && isHeldEvent(line.event)) waiting.set(line.keep, line.event);
    else if ('clear' in line) waiting.delete(line.clear);
  }
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
