import { isoDate, normalizeTitle, type Paper } from '../papers/paper.ts';
import { completePaper, mergePaper, samePaper } from './merge.ts';

/** A stored paper as a batch upsert sees it: the paper and its row key. */
export interface KnownPaper {
  key: number;
  paper: Paper;
}

export interface UpsertPlan {
  inserts: Paper[];
  /** `textChanged`: a searchable field changed (title, abstract, authors, keywords, organization, id). */
  updates: { key: number; paper: Paper; textChanged: boolean }[];
  /** Title-keyed papers that learned their arXiv id: references to `from` must move to `to`. */
  renames: { from: string; to: string }[];
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Decides, for a batch, which papers are new, which update a stored one, and which ids change (pure).
 * `known` must hold every stored paper whose id or normalised title matches one in the batch. Matching
 * follows the store port's contract: same id, else same normalised title (an arXiv paper only takes over a
 * title-keyed one; a title-keyed paper prefers an arXiv one). Duplicates inside the batch merge in order.
 * `listedOn`, the day whose requested feed the batch is, becomes every paper's feed day.
 */
export function planUpsert(
  known: readonly KnownPaper[],
  batch: readonly Paper[],
  listedOn?: string,
): UpsertPlan {
  if (listedOn !== undefined && !isoDate.safeParse(listedOn).success) {
    throw new RangeError(`listedOn "${listedOn}" is not a date as YYYY-MM-DD`);
  }
  const plan: UpsertPlan = { inserts: [], updates: [], renames: [], inserted: 0, updated: 0, unchanged: 0 };
  // Working state: stored rows (key >= 0) and rows this batch inserts (key < 0), by id and by title.
  type Row = { key: number; paper: Paper; original: Paper | null; originalId: string; titleKey: string };
  const rows: Row[] = known.map((k) => ({
    key: k.key,
    paper: completePaper(k.paper),
    original: completePaper(k.paper),
    originalId: k.paper.id,
    titleKey: '',
  }));
  const byId = new Map(rows.map((r) => [r.paper.id, r]));
  const byTitle = new Map<string, Row[]>();
  const indexTitle = (r: Row, key = normalizeTitle(r.paper.title)) => {
    r.titleKey = key;
    const list = byTitle.get(key);
    if (list) list.push(r);
    else byTitle.set(key, [r]);
  };
  for (const r of rows) indexTitle(r);
  let nextNew = -1;
  const outcome = new Map<Row, 'inserted' | 'updated'>();

  const findMatch = (p: Paper, key: string): Row | undefined => {
    const same = byId.get(p.id);
    if (same) return same;
    // A row retitled by a merge stays listed under its old key too; its current key decides.
    const titled = (byTitle.get(key) ?? []).filter((r) => r.titleKey === key);
    if (p.arxivId) return titled.find((r) => r.paper.arxivId === null);
    return titled.find((r) => r.paper.arxivId !== null) ?? titled[0];
  };

  for (const raw of batch) {
    const incoming = completePaper(listedOn ? { ...raw, feedDate: listedOn } : raw);
    const key = normalizeTitle(incoming.title);
    const row = findMatch(incoming, key);
    if (!row) {
      const fresh: Row = {
        key: nextNew--,
        paper: incoming,
        original: null,
        originalId: incoming.id,
        titleKey: '',
      };
      rows.push(fresh);
      byId.set(incoming.id, fresh);
      indexTitle(fresh, key);
      outcome.set(fresh, 'inserted');
      continue;
    }
    const merged = mergePaper(row.paper, incoming, listedOn);
    if (samePaper(row.paper, merged)) {
      if (!outcome.has(row)) plan.unchanged++;
      continue;
    }
    if (merged.id !== row.paper.id) {
      byId.delete(row.paper.id);
      byId.set(merged.id, row);
    }
    row.paper = merged;
    const retitled = normalizeTitle(merged.title);
    if (retitled !== row.titleKey) indexTitle(row, retitled);
    if (!outcome.has(row)) outcome.set(row, 'updated');
  }

  for (const [row, kind] of outcome) {
    if (kind === 'inserted') {
      plan.inserts.push(row.paper);
      plan.inserted++;
      continue;
    }
    const before = row.original!;
    if (samePaper(before, row.paper)) {
      plan.unchanged++;
      continue;
    }
    const textChanged =
      before.title !== row.paper.title ||
      before.abstract !== row.paper.abstract ||
      JSON.stringify(before.authors) !== JSON.stringify(row.paper.authors) ||
      JSON.stringify(before.keywords ?? []) !== JSON.stringify(row.paper.keywords ?? []) ||
      JSON.stringify(before.organization) !== JSON.stringify(row.paper.organization) ||
      before.arxivId !== row.paper.arxivId;
    plan.updates.push({ key: row.key, paper: row.paper, textChanged });
    if (row.paper.id !== row.originalId) plan.renames.push({ from: row.originalId, to: row.paper.id });
    plan.updated++;
  }
  return plan;
}
