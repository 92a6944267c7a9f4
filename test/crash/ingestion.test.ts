import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../bench/synthetic.ts';
import { ingestPapers } from '../../src/papers/ingest.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { checkArchive } from './archive-check.ts';
import { assertCleanExit, runChild, tally } from './child-process.ts';
import { ingestBatches } from './ingest-batches.ts';

const KILLS = 17;
const SEED = Number(process.env.CRASH_SEED ?? 20251112);
const CHILD = new URL('./ingest-child.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The batches of pass `pass`, written once for the children (parsing the fixtures in each costs time). */
function batchesFile(pass: number): string {
  const file = join(dir, `batches-${pass}.json`);
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(ingestBatches(pass)));
  return file;
}

/** The archive an uninterrupted run leaves: the first pass, then the last pass, each in full. */
async function reference(lastPass: number) {
  const store = SqliteStore.open(':memory:');
  for (const pass of [0, lastPass]) for (const b of ingestBatches(pass)) await ingestPapers(store, b);
  const rows = store.rawDatabase
    .prepare('SELECT id, title, abstract, upvotes FROM papers ORDER BY id')
    .all() as unknown[];
  await store.close();
  return rows;
}

describe('kill -9 during ingestion (SQLite)', () => {
  it(`leaves a consistent archive after each of ${KILLS} kills, and a re-run completes`, async () => {
    const path = join(dir, 'archive.db');
    const random = rng(SEED);
    const phases: string[] = [];
    let pass = 0;
    let from = 0;
    let passesCompleted = 0;
    while (phases.length < KILLS) {
      const killAfter = 1 + Math.floor(random() * 14);
      const run = await runChild(CHILD, [path, batchesFile(pass), String(from)], killAfter);
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
      const report = checkArchive(path);
      expect(report.unfindable, `after kill ${phases.length}`).toEqual([]);
      expect(report.indexed, `after kill ${phases.length}`).toBe(report.papers);
    }

    // A full pass after the last kill must complete, and leave what an uninterrupted run leaves.
    const lastPass = pass + 1;
    const final = await runChild(CHILD, [path, batchesFile(lastPass), '0'], null);
    assertCleanExit(final, 'the final ingestion');
    expect(final.lines.at(-1)).toBe('complete');
    const report = checkArchive(path);
    expect(report.unfindable).toEqual([]);
    expect(report.indexed).toBe(report.papers);
    const db = SqliteStore.open(path);
    const rows = db.rawDatabase
      .prepare('SELECT id, title, abstract, upvotes FROM papers ORDER BY id')
      .all() as unknown[];
    await db.close();
    const expected = await reference(lastPass);
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
    console.info(
      `crash/ingestion: ${phases.length} kills (seed ${SEED}) by phase ${JSON.stringify(tally(phases))}; ` +
        `${passesCompleted} passes completed between kills; final archive ${report.papers} papers, consistent`,
    );
  }, 400_000);
});
