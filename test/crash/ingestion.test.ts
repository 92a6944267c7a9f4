import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashIngestion, describeIngestion } from './ingestion-run.ts';

const KILLS = 17;
const SEED = Number(process.env.CRASH_SEED ?? 20251112);
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 during ingestion (SQLite)', () => {
  it(`leaves a consistent archive after each of ${KILLS} kills, and a re-run completes`, async () => {
    const report = await crashIngestion({ dir, kills: KILLS, seed: SEED });
    expect(report.kills).toBe(KILLS);
    // Integrity and FTS checks passed after every kill, and every paper is found by a word of its title.
    expect(report.inconsistent).toEqual([]);
    // The final archive is exactly what an uninterrupted run leaves.
    expect(report.differences).toEqual([]);
    expect(report.papers).toBeGreaterThan(3000);
    console.info(describeIngestion(report, SEED));
  }, 400_000);
});
