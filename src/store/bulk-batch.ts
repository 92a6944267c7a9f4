import { normalizeTitle, type Paper, paperSchema } from '../papers/paper.ts';
import { vocabularyWords } from '../papers/spelling.ts';
import { abbreviationRows } from './abbreviation-rows.ts';
import type { BulkBatch } from './bulk-port.ts';
import { completePaper } from './merge.ts';
import { type PaperRow, paperToRow, rowToPaper } from './rows.ts';

/** The columns of a batch row, in order: a `papers` row without its timestamps. */
export const BULK_COLUMNS = [
  'id',
  'arxiv_id',
  'title_key',
  'title',
  'abstract',
  'authors',
  'keywords',
  'author_count',
  'org_id',
  'org_name',
  'published_at',
  'feed_date',
  'upvotes',
  'comments',
  'extras',
] as const;

const utf8 = new TextEncoder();

/** The buffers of batches, for a `postMessage` transfer list. */
export function batchBuffers(batches: readonly BulkBatch[]): ArrayBuffer[] {
  return batches.flatMap((b) => [b.rows, b.abbreviations, b.words].map((u) => u.buffer as ArrayBuffer));
}

/** A batch's JSON field as a value. */
export function readJson<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
}

/** A JSON field as bytes SQLite binds as a blob without a copy to convert (read back with CAST AS TEXT). */
export function jsonBlob(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Validates and prepares papers for {@link BulkLoadStore.bulkUpsert}: throws (zod) on an invalid paper, as
 * `upsertPapers` does, so a bad paper never reaches the store. Pure, and cheap to run on a worker thread.
 * `validated`: the papers are a feed parser's output just now (every parser returns only what paperSchema
 * accepted), so they are not checked a second time: 7 s of the reading thread's CPU in a million-paper
 * import, on a core the writing thread shares.
 */
export function prepareBulkBatch(
  papers: readonly Paper[],
  listedOn?: string,
  options: { validated?: boolean } = {},
): BulkBatch {
  const check = (p: Paper) => (options.validated && listedOn === undefined ? p : paperSchema.parse(p));
  const ready = papers.map((p) =>
    completePaper(check(listedOn === undefined ? p : { ...p, feedDate: listedOn })),
  );
  return {
    ...newPaperRows(ready),
    merging: mergingPositions(ready),
    withoutArxivId: ready.filter((p) => p.arxivId === null).length,
    listedOn: listedOn ?? null,
  };
}

/**
 * Complete papers (completePaper) as the JSON a multi-row INSERT reads: their rows (BULK_COLUMNS in order),
 * the abbreviations they define as `[position, short, long_key, long]`, and how many of them hold each
 * vocabulary word, as `[word, papers]`. What both the bulk load and the upsert insert new papers from.
 */
export function newPaperRows(
  papers: readonly Paper[],
): Pick<BulkBatch, 'count' | 'rows' | 'abbreviations' | 'words'> {
  const rows = papers.map((p) => {
    const row = paperToRow(p);
    return BULK_COLUMNS.map((c) => row[c]);
  });
  const abbreviations = abbreviationRows(
    papers.map((p, i) => ({ id: String(i), title: p.title, abstract: p.abstract })),
  ).map((a) => [Number(a.paper_id), a.short, a.long_key, a.long]);
  const words = new Map<string, number>();
  for (const p of papers) for (const w of vocabularyWords(p)) words.set(w, (words.get(w) ?? 0) + 1);
  return {
    count: papers.length,
    rows: utf8.encode(JSON.stringify(rows)),
    abbreviations: utf8.encode(JSON.stringify(abbreviations)),
    words: utf8.encode(JSON.stringify([...words])),
  };
}

/**
 * Positions of papers that may merge with another of the batch, by the upsert's rule (upsert-plan.ts): the
 * same id or arXiv id, or the same normalised title where one of the two has no arXiv id (two arXiv
 * papers of one title stay two papers).
 */
function mergingPositions(papers: readonly Paper[]): number[] {
  const ids = new Map<string, number>();
  const titles = new Map<string, { papers: number; withoutArxiv: number }>();
  const keys = papers.map((p) => {
    const own = new Set([p.id, ...(p.arxivId ? [p.arxivId] : [])]);
    for (const k of own) ids.set(k, (ids.get(k) ?? 0) + 1);
    const title = normalizeTitle(p.title);
    const t = titles.get(title) ?? { papers: 0, withoutArxiv: 0 };
    t.papers++;
    if (p.arxivId === null) t.withoutArxiv++;
    titles.set(title, t);
    return { own, title };
  });
  const out: number[] = [];
  keys.forEach((k, i) => {
    const t = titles.get(k.title);
    const byTitle = t !== undefined && t.papers > 1 && t.withoutArxiv > 0;
    if (byTitle || [...k.own].some((id) => (ids.get(id) ?? 0) > 1)) out.push(i);
  });
  return out;
}

/** A batch row back as the paper it was made from (for the papers that take the ordinary upsert). */
export function bulkRowToPaper(row: readonly unknown[]): Paper {
  const r = Object.fromEntries(BULK_COLUMNS.map((c, i) => [c, row[i]])) as unknown as PaperRow;
  const { teamVotes: _v, teamReplies: _r, firstSeenAt: _f, ...paper } = rowToPaper(r);
  return paper;
}
