import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../bench/synthetic.ts';
import { ingestPapers } from '../../src/papers/ingest.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';
import { ingestBatches } from './ingest-batches.ts';

const CHILD = new URL('./ingest-child.ts', import.meta.url).pathname;

/** What a run of kills during ingestion found. Every list is empty when the archive held. */
export interface IngestionCrashReport {
  kills: number;
  /** Kills by where the child was, by its last progress line. */
  phases: Record<string, number>;
  processes: number;
  passesCompleted: number;
  papers: number;
  /** After which kill the archive failed a check, and how. */
  inconsistent: string[];
  /** Rows of the final archive that differ from an uninterrupted run's (missing, extra or changed). */
  differences: string[];
}

/** The archive an uninterrupted run leaves: the first pass, then the last pass, each in full. */
async function reference(lastPass: number): Promise<Map<string, string>> {
  const store = SqliteStore.open(':memory:');
  for (const pass of [0, lastPass]) for (const b of ingestBatches(pass)) await ingestPapers(store, b);
  const rows = rowsOf(store);
  await store.close();
  return rows;
}

function rowsOf(store: SqliteStore): Map<string, string> {
  const rows = store.rawDatabase
    .prepare('SELECT id, title, abstract, upvotes FROM papers ORDER BY id')
    .all() as { id: string }[];
  return new Map(rows.map((r) => [r.id, JSON.stringify(r)]));
}

/**
 * Ingests pass after pass into a SQLite archive in `dir` through child processes, SIGKILLing `kills` of
 * them after a random number of progress lines (inside a batch's transaction, between batches, or just
 * after opening) and checking the archive after each kill (checkArchive). A killed pass resumes from the
 * batch in flight. Then one full pass runs to its end, and the archive must equal what an uninterrupted
 * run leaves.
 */
export async function crashIngestion(options: { dir: string; kills: number; seed: number }) {
  const { dir, kills } = options;
  const path = join(dir, 'ingestion.db');
  const batchesFile = (pass: number): string => {
    // Written once for the children: parsing the fixtures again in each would cost every start.
    const file = join(dir, `batches-${pass}.json`);
    if (!existsSync(file)) writeFileSync(file, JSON.stringify(ingestBatches(pass)));
    return file;
  };
  const random = rng(options.seed);
  const phases: string[] = [];
  const inconsistent: string[] = [];
  let pass = 0;
  let from = 0;
  let passesCompleted = 0;
  let processes = 0;
  const check = (when: string) => {
    const report = checkArchive(path);
    if (report.unfindable.length > 0)
      inconsistent.push(`${when}: unfindable ${report.unfindable.join(', ')}`);
    if (report.indexed !== report.papers) {
      inconsistent.push(`${when}: ${report.indexed} rows indexed for ${report.papers} papers`);
    }
    return report;
  };
  while (phases.length < kills) {
    const killAfter = 1 + Math.floor(random() * 14);
    const run = await runChild(CHILD, [path, batchesFile(pass), String(from)], killAfter);
    processes++;
    assertCleanExit(run, 'the ingesting child');
    if (run.killed) {
      const last = run.lastLine ?? '';
      phases.push(
        last.startsWith('begin')
          ? 'inside a batch transaction'
          : last === 'ready'
            ? 'after opening, before the first batch'
            : 'between batches',
      );
      // Resume from the batch in flight (or the last one done: re-ingesting it is a no-op).
      const n = /^(?:begin|done) (\d+)$/.exec(last)?.[1];
      if (n !== undefined) from = Number(n);
    } else {
      passesCompleted++;
      pass++;
      from = 0;
    }
    check(`after kill ${phases.length}`);
  }

  // A full pass after the last kill must complete, and leave what an uninterrupted run leaves.
  const lastPass = pass + 1;
  const final = await runChild(CHILD, [path, batchesFile(lastPass), '0'], null);
  processes++;
  assertCleanExit(final, 'the final ingestion');
  if (final.lines.at(-1) !== 'complete')
    throw new Error(`the final ingestion ended with ${final.lines.at(-1)}`);
  const report = check('after the final pass');
  const db = SqliteStore.open(path);
  const rows = rowsOf(db);
  await db.close();
  const expected = await reference(lastPass);
  const differences: string[] = [];
  for (const [id, row] of expected) {
    if (!rows.has(id)) differences.push(`${id} missing`);
    else if (rows.get(id) !== row) differences.push(`${id} differs`);
  }
  for (const id of rows.keys()) if (!expected.has(id)) differences.push(`${id} not expected`);
  const result: IngestionCrashReport = {
    kills: phases.length,
    phases: tally(phases),
    processes,
    passesCompleted,
    papers: report.papers,
    inconsistent,
    differences,
  };
  return result;
}

/** One line for the log. */
export function describeIngestion(r: IngestionCrashReport, seed: number): string {
  return (
    `crash/ingestion: ${r.kills} kills (seed ${seed}) by phase ${JSON.stringify(r.phases)}; ` +
    `${r.passesCompleted} passes completed between kills, ${r.processes} processes; final archive ` +
    `${r.papers} papers; ${r.inconsistent.length} inconsistent checks, ${r.differences.length} rows differing`
  );
}
