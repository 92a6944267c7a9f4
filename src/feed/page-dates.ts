/*
 * The dates of a papers page: `Dec 2, 2024`, `Jun 9` (the year left to the reader), `Published on Oct 4, 2026`,
 * and the day the page was captured, which places a date shown without its year.
 */

export interface MonthDay {
  month: number;
  day: number;
  year: number | null;
}

/** A calendar day with every part known. */
export type Ymd = { year: number; month: number; day: number };

/** `Dec 2, 2024`, `Jun 9`, `Sept. 3`; trending and single-paper pages say `Published on Oct 4, 2026`. */
const DATE =
  /^(?:(?:published|submitted)\s+on\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:,\s*(\d{4}))?(?:\s+(\d+))?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

export function parseAsOf(asOf: string): Ymd {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  if (!m) throw new RangeError(`asOf must be a date as YYYY-MM-DD, got "${asOf}"`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** `Dec 2, 2024 2` → Dec 2 2024 with 2 comments; `Jun 9` → June 9, year unknown; anything else → null. */
export function parseDateLine(line: string): { date: MonthDay; comments: number | null } | null {
  const m = DATE.exec(line);
  if (!m?.[1]) return null;
  const word = m[1].toLowerCase();
  const month = MONTHS.indexOf(word.slice(0, 3)) + 1;
  // Accept `Sep`, `Sept` and `September`, but not a word that merely starts like a month (`Marching 3`).
  if (month === 0 || !MONTH_NAMES[month - 1]?.startsWith(word)) return null;
  const day = Number(m[2]);
  if (day < 1 || day > 31) return null;
  return {
    date: { month, day, year: m[3] ? Number(m[3]) : null },
    comments: m[4] !== undefined ? Number(m[4]) : null,
  };
}

/**
 * The year of a date shown without one: the reference day's year, or the year before when the date would
 * otherwise fall after the reference day (listings only show past dates without a year).
 */
export function resolveYear(d: MonthDay, ref: Ymd): Ymd {
  if (d.year !== null) return { ...d, year: d.year };
  const later = d.month > ref.month || (d.month === ref.month && d.day > ref.day);
  return { ...d, year: later ? ref.year - 1 : ref.year };
}

/** `YYYY-MM-DD`, or null for an impossible date such as Feb 30. */
export function isoDay(d: Ymd): string | null {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (t.getUTCMonth() !== d.month - 1 || t.getUTCDate() !== d.day) return null;
  return t.toISOString().slice(0, 10);
}
