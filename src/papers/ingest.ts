import type { PaperStore, UpsertOptions, UpsertResult } from '../store/port.ts';
import type { Paper, SkippedItem } from './paper.ts';

export interface IngestReport extends UpsertResult {
  skipped: SkippedItem[];
}

/** Rows per transaction: large enough to amortise commits, small enough to keep write locks short. */
const BATCH = 500;

/**
 * Stores parsed papers in batches and reports what happened to each, including what the parser skipped.
 * `options.listedOn`: the papers are the daily feed requested for that day, which becomes their feed day.
 * `options.batch`: papers per transaction (a bulk import takes bigger ones).
 */
export async function ingestPapers(
  store: PaperStore,
  papers: readonly Paper[],
  skipped: SkippedItem[] = [],
  options: UpsertOptions & { batch?: number } = {},
): Promise<IngestReport> {
  const report: IngestReport = { inserted: 0, updated: 0, unchanged: 0, skipped: [...skipped] };
  const { batch = BATCH, ...upsert } = options;
  for (let i = 0; i < papers.length; i += batch) {
    const r = await store.upsertPapers(papers.slice(i, i + batch), upsert);
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
  }
  return report;
}
