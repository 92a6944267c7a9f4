import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { fillFixtureArchive, measureQuality, type Report } from '../test/quality/search-quality.ts';

/*
 * `npm run bench:quality`: P@5 and nDCG@10 of the labelled query set (test/fixtures/search-quality.json) on
 * a real SQLite archive of the recorded fixtures, with and without the learned abbreviations and spelling
 * correction, overall and per query class. `--queries` also prints each query's scores and top three.
 */
const dir = mkdtempSync(join(tmpdir(), 'paperboy-quality-'));
try {
  const store = SqliteStore.open(join(dir, 'archive.db'));
  await fillFixtureArchive(store);
  const without = await measureQuality(store, { abbreviations: false, spelling: false });
  const withAll = await measureQuality(store);
  await store.close();
  const f = (n: number) => n.toFixed(3);
  const row = (name: string, a: Report['overall'], b: Report['overall'], n: number) =>
    `${name.padEnd(14)} ${String(n).padStart(3)}   ${f(a.p5)}  ${f(a.ndcg10)}    ${f(b.p5)}  ${f(b.ndcg10)}`;
  console.log(`${withAll.perQuery.length} labelled queries over the fixture archive`);
  console.log('class          n     no abbreviations,      with abbreviations,');
  console.log('                     no spelling            spelling corrected');
  console.log('                     P@5    nDCG@10     P@5    nDCG@10');
  console.log(row('overall', without.overall, withAll.overall, withAll.perQuery.length));
  for (const [c, s] of Object.entries(withAll.byClass)) {
    const w = without.byClass[c];
    if (w) console.log(row(c, w, s, s.queries));
  }
  if (process.argv.includes('--queries')) {
    for (const q of withAll.perQuery) {
      console.log(`\n[${q.class}] ${q.query}: P@5 ${f(q.p5)} nDCG@10 ${f(q.ndcg10)}`);
      for (const t of q.got.slice(0, 3))
        console.log(`   ${q.first.includes(t) ? '**' : q.also.includes(t) ? ' *' : '  '} ${t}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
