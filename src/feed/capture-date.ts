/*
 * The day a saved copy of a page was captured, when the copy says so at its top: the YAML front matter of
 * reader tools, clippers and notebook exports (`retrieved: 2026-10-02`, `timestamp: 2025-01-20T15:44:55Z`,
 * `created:`, `exported:`), or a capture tool's note above the page (`- Captured (UTC): 2026-06-29T16:31:22Z`).
 * Dates shown without a year on the page are read relative to it.
 */

/** Front matter keys that name when the copy was made; `published:` names the page's own date, so is not one. */
const FRONT_MATTER_KEY =
  /^(?:retrieved|captured|fetched|scraped|crawled|saved|clipped|exported|downloaded|created|timestamp|date)(?:_?at|_?on)?:\s*["']?(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?["']?\s*$/i;
/** A capture note's line: `Captured (UTC): 2026-06-29T16:31:22…`, `- Retrieved on: 2026-10-02`. */
const NOTE_LINE =
  /^(?:[-*]\s+)?(?:\*\*)?(?:Captured|Retrieved|Fetched|Scraped|Saved|Clipped|Exported|Downloaded)(?:\s+(?:at|on))?(?:\s*\(UTC\))?:(?:\*\*)?\s*(\d{4}-\d{2}-\d{2})(?!\d)/i;
/** How many lines at the top are read: front matter and a tool's note are a few lines each. */
const HEAD_LINES = 40;

/** The copy's capture day as `YYYY-MM-DD`, or null when its top names none (or an impossible day). */
export function captureDateOf(text: string): string | null {
  // The head only: the text may be hundreds of megabytes, and the date is in its first lines.
  const lines = text
    .slice(0, 8192)
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/, HEAD_LINES);
  let inFrontMatter = lines[0]?.trim() === '---';
  for (let i = inFrontMatter ? 1 : 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (inFrontMatter && line === '---') {
      inFrontMatter = false;
      continue;
    }
    const day = (inFrontMatter ? FRONT_MATTER_KEY.exec(line) : NOTE_LINE.exec(line))?.[1];
    if (day && isRealDay(day)) return day;
  }
  return null;
}

function isRealDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}
