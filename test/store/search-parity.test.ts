import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/feed/detect.ts';
import { ingestPapers } from '../../src/papers/ingest.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from './postgres-db.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;
const QUERIES = [
  'unlearning',
  'machine unlearning',
  'tulu',
  'diffusion',
  'contrastive loss',
  'reinforcement learning',
  'red teaming',
  'curriculum',
  'hallucinate',
  '"language model" -unlearning',
];

suite(
  available.ok
    ? 'search parity: SQLite and PostgreSQL'
    : `search parity: skipped, ${available.ok || available.reason}`,
  () => {
    let dir: string;
    let sqlite: SqliteStore;
    let postgres: PostgresStore;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'paperboy-parity-'));
      sqlite = SqliteStore.open(join(dir, 'a.db'));
      postgres = await PostgresStore.open(await migratedDatabase());
      for (const name of [
        'hf-papers-page.txt',
        'hf-daily-papers-2024-10-25.json',
        'hf-daily-papers-2026-03-06.json',
      ]) {
        const parsed = parseFeed(
          readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'),
          undefined,
          {
            asOf: '2025-11-12',
          },
        );
        await ingestPapers(sqlite, parsed.papers);
        await ingestPapers(postgres, parsed.papers);
      }
    });

    afterAll(async () => {
      await sqlite?.close();
      await postgres?.close();
      await dropThrowawayDatabases();
      rmSync(dir, { recursive: true, force: true });
    });

    it.each(QUERIES)('%s: the same paper first, and mostly the same top five', async (query) => {
      const top = async (store: SqliteStore | PostgresStore) => {
        const r = await searchPapers(store, query, { limit: 5, today: '2025-11-12' });
        if (!r.ok) throw new Error(r.error);
        return r.results.map((x) => x.paper.title);
      };
      const [a, b] = [await top(sqlite), await top(postgres)];
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBe(a.length);
      expect(b[0]).toBe(a[0]);
      expect(b.filter((t) => a.includes(t)).length).toBeGreaterThanOrEqual(Math.min(3, a.length));
    });
  },
);
