/**
 * kill -9, many times, across ingestion, voting and roundups at once: the three crash scenarios of this
 * folder run side by side (each its own SQLite archive, its children competing for the same cores), with
 * the kills split among them at random. Prints what each found and exits 1 on any duplicate post, lost or
 * doubled vote, unfinished roundup or failed archive check.
 *
 *   npm run crash -- --kills 200 [--seed N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rng } from '../../bench/synthetic.ts';
import { crashIngestion, describeIngestion } from './ingestion-run.ts';
import { crashRoundups, describeRoundups } from './roundups-run.ts';
import { crashVoting, describeVoting } from './voting-run.ts';

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '200' }, seed: { type: 'string', default: '20251112' } },
});
const kills = Number(values.kills);
const seed = Number(values.seed);
if (!Number.isInteger(kills) || kills < 3) throw new Error('--kills takes a whole number of at least 3');

// Each kill goes to one scenario at random; roundups get the larger share (two ways to die per process).
const random = rng(seed);
const split = { ingestion: 1, voting: 1, roundups: 1 };
for (let i = 3; i < kills; i++) {
  const r = random();
  if (r < 0.3) split.ingestion++;
  else if (r < 0.6) split.voting++;
  else split.roundups++;
}

const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-all-'));
const dirs = ['ingestion', 'voting', 'roundups'].map((name) => mkdtempSync(join(dir, `${name}-`)));
const started = performance.now();
console.info(`${kills} kills (seed ${seed}): ${JSON.stringify(split)}; running the three scenarios together`);
try {
  const [ingestion, voting, roundups] = await Promise.all([
    crashIngestion({ dir: dirs[0] as string, kills: split.ingestion, seed }),
    crashVoting({
      dir: dirs[1] as string,
      kills: split.voting,
      seed: seed + 1,
      events: 3000 + split.voting * 150,
    }),
    crashRoundups({ dir: dirs[2] as string, kills: split.roundups, seed: seed + 2 }),
  ]);
  const seconds = Math.round((performance.now() - started) / 1000);
  console.info(describeIngestion(ingestion, seed));
  console.info(describeVoting(voting, seed + 1));
  console.info(describeRoundups(roundups, seed + 2));
  const problems = {
    'archive checks failed (ingestion)': ingestion.inconsistent,
    'final archive rows differing (ingestion)': ingestion.differences,
    'votes lost': voting.lost,
    'votes doubled or brought back': voting.extra,
    'wrong tallies': voting.wrongTallies,
    'voting errors': voting.errors,
    'duplicate posts': roundups.duplicates,
    'planned messages lost': roundups.lost,
    'roundups unfinished': roundups.unfinished,
    'ledger mismatches': roundups.ledgerMismatches,
    'papers shown twice in a channel': roundups.repeatedPapers,
    'roundup errors': roundups.errors,
  };
  const total = ingestion.kills + voting.kills + roundups.kills;
  const processes = ingestion.processes + voting.processes + roundups.processes;
  console.info(
    `\n${total} kills over ${processes} processes in ${seconds} s: ${roundups.duplicates.length} duplicate posts ` +
      `(${roundups.messages} messages, ${roundups.unkeyed} without a key), ${voting.lost.length} lost votes, ` +
      `${voting.extra.length} doubled, ${voting.orphans} orphaned, ${roundups.unfinished.length} roundups ` +
      `unfinished; ${roundups.found} of ${roundups.unanswered} messages made for a killed process found by key`,
  );
  let failed = roundups.unkeyed > 0 || voting.orphans > 0 || roundups.found !== roundups.unanswered;
  for (const [what, list] of Object.entries(problems)) {
    if (list.length === 0) continue;
    failed = true;
    console.error(`${what}: ${list.length}\n  ${list.slice(0, 10).join('\n  ')}`);
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
