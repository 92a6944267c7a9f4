import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AbbreviationCount } from '../../src/store/port.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { paper } from '../contract/store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-abbreviation-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: SqliteStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
let n = 0;

function storeOn(file: string): SqliteStore {
  const store = SqliteStore.open(file);
  open.push(store);
  return store;
}

const defining = (i: number, abstract: string) =>
  paper({ arxivId: `2503.${String(i).padStart(5, '0')}`, title: `Paper ${i}`, abstract });

/** The counts as the database holds them now, straight from SQL (what the store answered before caching). */
function counted(file: string, shorts: string[], longKeys: string[], minPapers: number): AbbreviationCount[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT short, long_key AS longKey, MIN(long) AS long, COUNT(*) AS papers FROM abbreviations
         WHERE short IN (SELECT value FROM json_each(?)) OR long_key IN (SELECT value FROM json_each(?))
         GROUP BY short, long_key HAVING COUNT(*) >= ?`,
      )
      .all(JSON.stringify(shorts), JSON.stringify(longKeys), minPapers) as AbbreviationCount[];
  } finally {
    db.close();
  }
}

describe('SQLite abbreviation counts, read once between changes to the archive', () => {
  const lookups: [string[], string[], number][] = [
    [['llm'], [], 1],
    [['rl', 'llm'], ['larg languag model'], 1],
    [[], ['reinforc learn', 'represent learn'], 1],
    [['rl'], [], 2],
    [['gan', 'rl'], ['chain of thought'], 1],
  ];

  it('answers exactly what SQL counts, in its order, after this store and another process write', async () => {
    const file = join(dir, `archive-${n++}.db`);
    const store = storeOn(file);
    const same = async () => {
      for (const [shorts, longKeys, min] of lookups) {
        // Twice: the second answer comes from the cache.
        expect(await store.abbreviations(shorts, longKeys, min)).toEqual(
          counted(file, shorts, longKeys, min),
        );
        expect(await store.abbreviations(shorts, longKeys, min)).toEqual(
          counted(file, shorts, longKeys, min),
        );
      }
    };
    await store.upsertPapers([
      defining(1, 'Large language models (LLMs) and reinforcement learning (RL).'),
      defining(2, 'In reinforcement learning (RL), exploration is hard.'),
      defining(3, 'Representation learning (RL) finds features.'),
    ]);
    await same();

    // This store's own write.
    await store.upsertPapers([
      defining(4, 'We prompt large language models (LLM) with chain of thought (CoT).'),
    ]);
    await same();
    expect((await store.abbreviations(['llm'], [], 1))[0]?.papers).toBe(2);

    // Another process's write: an ingest run on the same file.
    const other = storeOn(file);
    await other.upsertPapers([
      defining(5, 'Generative adversarial networks (GANs) meet large language models (LLMs).'),
      { ...defining(3, 'Reinforcement learning (RL) again.') },
    ]);
    await same();
    expect((await store.abbreviations(['llm'], [], 1))[0]?.papers).toBe(3);
    expect((await store.abbreviations(['rl'], [], 1)).map((c) => [c.longKey, c.papers])).toEqual([
      ['reinforc learn', 3],
    ]);

    // A pair's first spelling ('chain of thought' sorts before 'chain-of-thought') forgotten with its paper.
    await store.upsertPapers([defining(6, 'Chain-of-thought (CoT) prompting.')]);
    await same();
    expect((await store.abbreviations(['cot'], [], 1)).map((c) => [c.long, c.papers])).toEqual([
      ['chain of thought', 2],
    ]);
    await store.upsertPapers([defining(4, 'We prompt large language models (LLM).')]);
    await same();
    expect((await store.abbreviations(['cot'], [], 1)).map((c) => [c.long, c.papers])).toEqual([
      ['chain-of-thought', 1],
    ]);
  });

  it('gives each caller its own rows: changing an answer does not change the next one', async () => {
    const file = join(dir, `archive-${n++}.db`);
    const store = storeOn(file);
    await store.upsertPapers([
      defining(1, 'Large language models (LLMs).'),
      defining(2, 'An LLM (large language model).'),
    ]);
    const first = await store.abbreviations(['llm'], [], 1);
    first[0]!.papers = 99;
    first.pop();
    expect(await store.abbreviations(['llm'], [], 1)).toEqual(counted(file, ['llm'], [], 1));
  });
});
