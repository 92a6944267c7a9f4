/**
 * Local wall-clock time in IANA time zones, and when a daily roundup is due. Pure: every function takes
 * the instant it reasons about, so tests drive it with a fake clock across DST changes.
 */

/** The calendar day `n` days after `date` (negative: before), both `YYYY-MM-DD`. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The ISO weekday of a calendar day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

export interface LocalParts {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** `HH:MM` in the zone (24-hour). */
  time: string;
  /** ISO weekday in the zone: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    // Intl throws RangeError for an unknown zone; that is the answer, not a failure.
    return false;
  }
}

function parts(instant: Date, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) out[p.type] = p.value;
  return out;
}

/** The local date, time and weekday of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const p = parts(instant, timeZone);
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, time: `${p.hour}:${p.minute}`, weekday: isoWeekday(date) };
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant when the wall clock in `timeZone` first shows `time` on `date`, or, when that local time does
 * not exist (skipped by a DST change), the first instant after the gap. A repeated local time (the clock
 * falling back) gives its first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  // Candidates from the offsets a day before and after: one of them is right unless the time is skipped.
  const candidates = [
    wall - offsetMs(new Date(wall - 86_400_000), timeZone),
    wall - offsetMs(new Date(wall + 86_400_000), timeZone),
  ];
  candidates.sort((a, b) => a - b);
  for (const t of candidates) {
    const local = localParts(new Date(t), timeZone);
    if (local.date === date && local.time === time) return new Date(t);
  }
  // Inside a gap the wall time never shows: find, to the minute, the first instant showing a later time.
  const target = `${date} ${time}`;
  let lo = candidates[0]! - 3_600_000;
  let hi = candidates[1]! + 3_600_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    const l = localParts(new Date(mid), timeZone);
    if (`${l.date} ${l.time}` >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** A channel's schedule: local time, zone and the weekdays it runs on. */
export interface Schedule {
  time: string;
  timezone: string;
  days: readonly number[];
}

/** How long after its time a roundup (or a daily digest) is due at the least: a few checks' worth. */
export const MIN_DUE_MS = 60_000;

/**
 * The local date whose roundup is due at `now`, or null. A roundup is due from its scheduled instant until
 * `catchUpMs` later (a bot that was down posts it when it comes back within that window, and skips it after).
 * Yesterday's local date is considered too, so a late-evening roundup missed across midnight is caught up.
 * Exactly-once is not decided here: the caller claims the (channel, local date) in the ledger.
 */
export function dueLocalDate(schedule: Schedule, now: Date, catchUpMs: number): string | null {
  // Checks run every 15 s and read the clock a little after their second: whatever the catch-up, a
  // roundup stays due for a minute after its time, or a catch-up of 0 would never post one.
  const window = Math.max(catchUpMs, MIN_DUE_MS);
  const today = localParts(now, schedule.timezone).date;
  const yesterday = addDays(today, -1);
  for (const date of [today, yesterday]) {
    if (!schedule.days.includes(isoWeekday(date))) continue;
    const at = zonedInstant(date, schedule.time, schedule.timezone).getTime();
    if (now.getTime() >= at && now.getTime() - at <= window) return date;
  }
  return null;
}

/** The next instant a roundup will be due after `now` (for "next roundup: …" in settings replies). */
export function nextRun(schedule: Schedule, now: Date): Date | null {
  if (schedule.days.length === 0) return null;
  const today = localParts(now, schedule.timezone).date;
  for (let i = 0; i <= 8; i++) {
    const date = addDays(today, i);
    if (!schedule.days.includes(isoWeekday(date))) continue;
    const at = zonedInstant(date, schedule.time, schedule.timezone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}
