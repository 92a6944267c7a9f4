import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashRoundups, describeRoundups } from './roundups-run.ts';

/** Kills in `npm test`; CRASH_ROUNDUP_KILLS=300 (say) for a longer run. */
const KILLS = Number(process.env.CRASH_ROUNDUP_KILLS ?? 16);
const SEED = Number(process.env.CRASH_SEED ?? 20251112) + 2;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-roundups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 during roundups (SQLite, the real Slack adapter, Slack in another process)', () => {
  it(
    `posts every planned message exactly once over ${KILLS} kills, and finishes every roundup`,
    async () => {
      const report = await crashRoundups({ dir, kills: KILLS, seed: SEED });
      expect(report.kills).toBe(KILLS);
      expect(report.errors).toEqual([]);
      // Every roundup of every day finished, for every channel, and every planned message was recorded.
      expect(report.unfinished).toEqual([]);
      expect(report.lost).toEqual([]);
      // Zero duplicates: Slack holds exactly one message per key, and every message carries one.
      expect(report.duplicates).toEqual([]);
      expect(report.unkeyed).toBe(0);
      // The ledger names each message Slack holds, under its own key: none unrecorded, none invented.
      expect(report.ledgerMismatches).toEqual([]);
      expect(report.repeatedPapers).toEqual([]);
      // Each message a process died waiting for was found by its key and recorded, not posted again.
      expect(report.found).toBe(report.unanswered);
      expect(report.unanswered).toBeGreaterThan(0);
      console.info(describeRoundups(report, SEED));
    },
    120_000 + KILLS * 6_000,
  );
});
