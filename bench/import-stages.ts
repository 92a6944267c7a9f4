/**
 * Where a bulk import's time goes, stage by stage, in CPU seconds on one thread: reading the files, parsing
 * and validating them, each step of preparing a batch (src/store/bulk-batch.ts), then the SQLite writes on
 * fresh files: the paper rows alone, with their indexes, and with the full-text index, one paper an INSERT
 * (as the upsert writes) and one file an INSERT (as the bulk load writes). Asserts nothing.
 *
 *   node --import tsx bench/import-stages.ts <dir of HF JSON files> [--files 100]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseFeed } from '../src/feed/detect.ts';
import { type Paper, paperSchema } from '../src/papers/paper.ts';
import { vocabularyWords } from '../src/papers/spelling.ts';
import { abbreviationRows } from '../src/store/abbreviation-rows.ts';
import { BULK_COLUMNS, prepareBulkBatch } from '../src/store/bulk-batch.ts';
import { completePaper } from '../src/store/merge.ts';
import { paperToRow } from '../src/store/rows.ts';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { files: { type: 'string' } } });
const dir = positionals[0];
if (!dir) throw new Error('Usage: bench/import-stages.ts <dir> [--files N]');
const files = readdirSync(dir)
  .filter((f) => !f.startsWith('.'))
  .sort()
  .slice(0, Number(values.files ?? 100))
  .map((f) => join(dir, f));

const cpu = <T>(label: string, work: () => T): T => {
  const start = process.cpuUsage();
  const out = work();
  const used = process.cpuUsage(start);
  console.log(`${label.padEnd(52)} ${((used.user + used.system) / 1e6).toFixed(2)} s`);
  return out;
};

const texts = cpu('read the files', () => files.map((f) => readFileSync(f, 'utf8')));
const perFile = cpu('parse and validate (parseFeed)', () =>
  texts.map((t) => parseFeed(t, undefined, { asOf: '2026-01-15' }).papers),
);
texts.length = 0;
const papers: Paper[] = perFile.flat();
console.log(`${papers.length.toLocaleString('en')} papers in ${files.length} files`);
const ready = cpu('validate again and complete (as the store does)', () =>
  papers.map((p) => completePaper(paperSchema.parse(p))),
);
cpu('rows', () => ready.map(paperToRow));
cpu('abbreviations', () => abbreviationRows(ready));
cpu('vocabulary words', () => ready.map((p) => vocabularyWords(p)));
const batches = cpu('prepareBulkBatch (all of the above but parsing)', () =>
  perFile.map((ps) => prepareBulkBatch(ps)),
);

const work = mkdtempSync(join(tmpdir(), 'paperboy-stages-'));
let n = 0;
function fresh(drop: string): Database.Database {
  const db = new Database(join(work, `stage-${n++}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32768');
  for (const m of SQLITE_MIGRATIONS) db.exec(m.sql);
  if (drop) db.exec(drop);
  return db;
}
const now = new Date().toISOString();
const columns = `rowid, ${BULK_COLUMNS.join(', ')}, first_seen_at, updated_at`;
/** Ten files a transaction; each file in one INSERT, or each paper in its own. */
function write(label: string, drop: string, onePerPaper: boolean) {
  const db = fresh(drop);
  const perFileInsert = db.prepare(
    `INSERT INTO papers (${columns}) SELECT @base + j.key, ${BULK_COLUMNS.map((_, i) => `j.value ->> ${i}`).join(', ')}, @now, @now FROM jsonb_each(CAST(@rows AS TEXT)) AS j`,
  );
  const perPaperInsert = db.prepare(
    `INSERT INTO papers (${columns}) VALUES (${['@rowid', ...BULK_COLUMNS.map((c) => `@${c}`), '@now', '@now'].join(', ')})`,
  );
  const rows = batches.map((b) => Buffer.from(b.rows));
  const objects = onePerPaper
    ? perFile.map((ps) => ps.map((p) => paperToRow(completePaper(paperSchema.parse(p)))))
    : [];
  cpu(label, () => {
    let base = 1;
    for (let i = 0; i < batches.length; i += 10) {
      db.transaction(() => {
        for (let k = i; k < Math.min(batches.length, i + 10); k++) {
          if (onePerPaper)
            for (const row of objects[k] ?? []) perPaperInsert.run({ ...row, rowid: base++, now });
          else {
            perFileInsert.run({ base, now, rows: rows[k] });
            base += batches[k]?.count ?? 0;
          }
        }
      }).immediate();
    }
  });
  db.close();
}
const noFts = 'DROP TRIGGER papers_fts_insert;';
write(
  'SQLite: rows and unique indexes',
  `${noFts} DROP INDEX papers_title_key; DROP INDEX papers_arxivless_title; DROP INDEX papers_feed_date;`,
  false,
);
write('SQLite: rows and every index', noFts, false);
write('SQLite: rows, indexes and full-text, one INSERT a file', '', false);
write('SQLite: rows, indexes and full-text, one INSERT a paper', '', true);
rmSync(work, { recursive: true, force: true });
