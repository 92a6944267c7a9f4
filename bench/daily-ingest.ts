/**
 * The daily ingest on a large archive: 1,000 new synthetic papers (fresh ids) through `ingestPapers`, the
 * way the feed job stores a day, timed on a fresh copy of the archive each run so that runs start alike.
 * With the archive's impact lists as they are, or, with --no-lists, after dropping them (DELETE FROM
 * impact_state: writes then skip the lists' upkeep). Prints each run's time and the median. Asserts nothing.
 *
 *   node --import tsx bench/daily-ingest.ts --db /path/archive.db --scratch /path/copy.db [--runs 5] [--no-lists]
 *
 * `--db` is only read (copied); `--scratch` is overwritten each run and deleted at the end. Build the lists
 * on an archive first with `SqliteStore.refreshSearchLists()` to measure their upkeep.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseHfJson } from '../src/feed/hf-json.ts';
import { ingestPapers } from '../src/papers/ingest.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { asHfJson, syntheticChunks } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    scratch: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    'no-lists': { type: 'boolean' },
  },
});
if (!values.db || !values.scratch) throw new Error('--db and --scratch are required');
const source = values.db;
const scratch = values.scratch;
const runs = Number(values.runs ?? 5);
const seed = Number(values.seed ?? 9001);

const day = [...syntheticChunks(1000, 1000, seed)][0] ?? [];
const times: number[] = [];
for (let run = 0; run < runs; run++) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(scratch + suffix, { force: true });
  copyFileSync(source, scratch);
  if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${scratch}-wal`);
  // The copy on disk before the clock starts: its gigabytes of writeback would otherwise land in the
  // ingest's time (runs of one build varied 0.6-1.3 s at a million papers without this).
  for (const file of [scratch, `${scratch}-wal`]) {
    if (!existsSync(file)) continue;
    const fd = openSync(file, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
  const raw = new Database(scratch);
  if (values['no-lists']) raw.exec('DELETE FROM impact_state');
  // Ids no paper of the archive holds.
  let month = 2601;
  while (raw.prepare('SELECT 1 FROM papers WHERE id = ?').get(`${month}.90000`)) month++;
  const listed = raw.prepare('SELECT COUNT(*) AS n FROM impact_state WHERE synced IS NOT NULL').get() as {
    n: number;
  };
  raw.close();
  const papers = parseHfJson(
    asHfJson(
      day.map((p, i) => {
        const id = `${month}.9${String(i).padStart(4, '0')}`;
        return { ...p, id, arxivId: id };
      }),
    ),
  ).papers;
  const store = SqliteStore.open(scratch);
  const t0 = performance.now();
  const report = await ingestPapers(store, papers);
  const ms = performance.now() - t0;
  await store.close();
  times.push(ms);
  console.log(
    `run ${run + 1}: ${ms.toFixed(0)} ms (${report.inserted} new; impact lists ${listed.n > 0 ? 'kept up' : 'absent'})`,
  );
}
for (const suffix of ['', '-wal', '-shm']) rmSync(scratch + suffix, { force: true });
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, min ${sorted[0]?.toFixed(0)} ms over ${runs} runs`,
);
