import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashVoting, describeVoting } from './voting-run.ts';

const KILLS = 17;
const SEED = Number(process.env.CRASH_SEED ?? 20251112) + 1;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-votes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 while votes come in (SQLite)', () => {
  it(`loses and doubles no vote over ${KILLS} kills, replaying from the last event reported done`, async () => {
    const report = await crashVoting({ dir, kills: KILLS, seed: SEED, events: 3000 });
    expect(report.kills).toBe(KILLS);
    expect(report.errors).toEqual([]);
    // Exactly the reactions the events leave (none lost, none twice), none on a message showing no paper.
    expect(report.lost).toEqual([]);
    expect(report.extra).toEqual([]);
    expect(report.orphans).toBe(0);
    // Every paper's team votes and the top list count each person once per paper, as the events leave them.
    expect(report.wrongTallies).toEqual([]);
    expect(report.votes).toBeGreaterThan(100);
    console.info(describeVoting(report, SEED));
  }, 400_000);
});
