/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field holding a quote, comma,
 * CR or LF enclosed in double quotes with its quotes doubled. Text that a spreadsheet would run as a
 * formula (a cell starting with `=`, `+`, `-`, `@`, or a tab or CR that some spreadsheets skip first) gets
 * a leading `'`, OWASP's advice against CSV injection: a paper title is someone else's text.
 */

/** One cell: a number as written, text guarded against formulas and quoted when it must be. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** A whole CSV text: the header, then one record per row, each line ending in CRLF. */
export function csvText(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
