import { readFileSync } from 'node:fs';

/*
 * Daily Papers responses in the two older shapes that carry no `paper.submittedOnDailyAt`, built from the
 * real 2024-10-25 capture (no raw capture of these shapes was found in public repositories). Only the
 * fields that differ between shapes are rewritten; every other byte of each item stays as captured.
 */

const CAPTURE = readFileSync(new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: the builders reshape parsed fixture JSON freely.
type Item = any;

const items = (): Item[] => JSON.parse(CAPTURE);
const hours = (n: number) => n * 3_600_000;

/** The day a real `date=2024-12-06` response listed its papers for. */
export const LATE_2024_DATE = '2024-12-06';
/** The day a real `date=2025-03-12` response listed its papers for. */
export const MARCH_2025_DATE = '2025-03-12';

/**
 * A `date=2024-12-06` response in the late-2024 shape: the outer publishedAt is the submission time, and
 * papers submitted in the evening (UTC) of the 5th are listed in the 6th's feed, as 16 of 27 were in a real
 * response. Here 16 of 27 items carry a submission time on the evening of 2024-12-05, the rest early on the
 * 6th; ids move to `2412.*` so that these papers are not the capture's.
 */
export function late2024Response(): string {
  return JSON.stringify(
    items()
      .slice(0, 27)
      .map((item, i) => {
        item.paper.id = item.paper.id.replace(/^2410\./, '2412.');
        const submitted =
          i < 16
            ? Date.parse('2024-12-05T17:05:00.000Z') + i * 25 * 60_000 // 17:05 to 23:20 UTC on the 5th
            : Date.parse('2024-12-06T00:40:00.000Z') + (i - 16) * 35 * 60_000;
        item.publishedAt = new Date(submitted).toISOString();
        return item;
      }),
  );
}

/**
 * A `date=2025-03-12` response in the March 2025 transitional shape: outer `summary` and `paper.ai_summary`
 * / `paper.ai_keywords` are present, `paper.submittedOnDailyAt` is not, and the outer publishedAt is
 * `paper.publishedAt` minus 5 hours, an arXiv time. As in a real response of 23 papers, the arXiv days run
 * from 2025-02-26 to 2025-03-11; ids move to `2503.*`.
 */
export function march2025Response(): string {
  return JSON.stringify(
    items()
      .slice(0, 23)
      .map((item, i) => {
        item.paper.id = item.paper.id.replace(/^2410\./, '2503.');
        // Spread over 14 days: item 0 on 02-26, item 22 on 03-11.
        const arxiv = Date.parse('2025-02-26T17:00:00.000Z') + Math.round((i * 13) / 22) * hours(24);
        item.paper.publishedAt = new Date(arxiv).toISOString();
        item.paper.ai_summary = `A one-sentence summary of ${item.title}.`;
        item.paper.ai_keywords = ['large language models', 'benchmark'];
        item.summary = item.paper.summary.replace(/\s+/g, ' ').trim();
        item.publishedAt = new Date(arxiv - hours(5)).toISOString();
        return item;
      }),
  );
}
