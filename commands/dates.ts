/** `YYYY-MM-DD` of an instant in UTC: the feed's days are UTC days. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * A feed day as a person reads it, e.g. `Tuesday 24 October`; the year is added when it is not the year
 * of `today`, so an old archive never reads as this week's.
 */
export function longDay(day: string, today: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  })
    .format(date)
    .replace(',', '');
}
