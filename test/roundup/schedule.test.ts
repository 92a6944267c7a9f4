import { describe, expect, it } from 'vitest';
import {
  dueLocalDate,
  isValidTimeZone,
  localParts,
  nextRun,
  zonedInstant,
} from '../../src/roundup/schedule.ts';

const WEEKDAYS = [1, 2, 3, 4, 5];
const H = 3_600_000;

describe('localParts', () => {
  it.each([
    ['2026-03-06T08:00:00Z', 'UTC', { date: '2026-03-06', time: '08:00', weekday: 5 }],
    ['2026-03-06T08:00:00Z', 'Europe/Berlin', { date: '2026-03-06', time: '09:00', weekday: 5 }],
    ['2026-03-06T03:00:00Z', 'America/Los_Angeles', { date: '2026-03-05', time: '19:00', weekday: 4 }],
    ['2026-03-06T20:00:00Z', 'Pacific/Auckland', { date: '2026-03-07', time: '09:00', weekday: 6 }],
  ])('GIVEN %s in %s THEN %j', (iso, zone, expected) => {
    expect(localParts(new Date(iso), zone)).toEqual(expected);
  });
});

describe('zonedInstant', () => {
  it.each([
    ['2026-03-06', '09:30', 'Europe/Berlin', '2026-03-06T08:30:00.000Z'],
    ['2026-07-06', '09:30', 'Europe/Berlin', '2026-07-06T07:30:00.000Z'],
    ['2026-03-06', '09:00', 'Asia/Kolkata', '2026-03-06T03:30:00.000Z'],
    // Berlin springs forward on 2026-03-29 at 02:00 → 03:00: 02:30 never shows; due when the clock shows 03:00.
    ['2026-03-29', '02:30', 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    // Berlin falls back on 2026-10-25 at 03:00 → 02:00: 02:30 shows twice; the first one counts.
    ['2026-10-25', '02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    // New York springs forward on 2026-03-08 at 02:00.
    ['2026-03-08', '02:15', 'America/New_York', '2026-03-08T07:00:00.000Z'],
  ])('GIVEN %s %s in %s THEN %s', (date, time, zone, iso) => {
    expect(zonedInstant(date, time, zone).toISOString()).toBe(iso);
  });
});

describe('dueLocalDate', () => {
  const berlin = { time: '09:30', timezone: 'Europe/Berlin', days: WEEKDAYS };
  it('is not due before the local time, due at it, and within the catch-up window after', () => {
    expect(dueLocalDate(berlin, new Date('2026-03-06T08:29:00Z'), 6 * H)).toBeNull();
    expect(dueLocalDate(berlin, new Date('2026-03-06T08:30:00Z'), 6 * H)).toBe('2026-03-06');
    expect(dueLocalDate(berlin, new Date('2026-03-06T14:30:00Z'), 6 * H)).toBe('2026-03-06');
    expect(dueLocalDate(berlin, new Date('2026-03-06T14:31:00Z'), 6 * H)).toBeNull();
  });

  it('is due for a minute after its time with no catch-up at all, as checks read the clock late', () => {
    expect(dueLocalDate(berlin, new Date('2026-03-06T08:30:00.004Z'), 0)).toBe('2026-03-06');
    expect(dueLocalDate(berlin, new Date('2026-03-06T08:31:00Z'), 0)).toBe('2026-03-06');
    expect(dueLocalDate(berlin, new Date('2026-03-06T08:31:00.001Z'), 0)).toBeNull();
  });

  it('skips days not in the schedule (weekends by default)', () => {
    expect(dueLocalDate(berlin, new Date('2026-03-07T08:30:00Z'), 6 * H)).toBeNull();
    expect(dueLocalDate({ ...berlin, days: [6] }, new Date('2026-03-07T08:30:00Z'), 6 * H)).toBe(
      '2026-03-07',
    );
  });

  it('catches up a late-evening roundup after midnight, as the previous local date', () => {
    const late = { time: '23:30', timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7] };
    expect(dueLocalDate(late, new Date('2026-03-07T01:00:00Z'), 6 * H)).toBe('2026-03-06');
  });

  it('posts a roundup set inside the skipped DST hour once, when the clock jumps past it', () => {
    const s = { time: '02:30', timezone: 'Europe/Berlin', days: [7] };
    expect(dueLocalDate(s, new Date('2026-03-29T00:59:00Z'), 6 * H)).toBeNull();
    expect(dueLocalDate(s, new Date('2026-03-29T01:00:00Z'), 6 * H)).toBe('2026-03-29');
  });

  it('treats a roundup in the repeated DST hour as due from its first occurrence, the same local date', () => {
    const s = { time: '02:30', timezone: 'Europe/Berlin', days: [7] };
    expect(dueLocalDate(s, new Date('2026-10-25T00:30:00Z'), 6 * H)).toBe('2026-10-25');
    expect(dueLocalDate(s, new Date('2026-10-25T01:30:00Z'), 6 * H)).toBe('2026-10-25');
  });
});

describe('nextRun and zones', () => {
  it('finds the next weekday run', () => {
    const s = { time: '09:00', timezone: 'UTC', days: WEEKDAYS };
    expect(nextRun(s, new Date('2026-03-06T10:00:00Z'))?.toISOString()).toBe('2026-03-09T09:00:00.000Z');
    expect(nextRun({ ...s, days: [] }, new Date('2026-03-06T10:00:00Z'))).toBeNull();
  });

  it('knows valid zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
