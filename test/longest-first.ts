import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take longest, longest first (each run alone on an otherwise idle 2-core machine).
 * With two workers a run ends when its last file does: a long file started last leaves one core idle
 * while it finishes. Vitest orders by the durations it cached from earlier runs, but a clean CI checkout
 * has none, and then it orders by file size, which put these (small files driving child processes, fake
 * services or a database) at the end. A file missing from the list only loses its place at the front.
 */
const LONGEST = [
  'test/store/postgres.test.ts',
  'test/multi/instances.test.ts',
  'test/crash/roundups.test.ts',
  'test/crash/ingestion.test.ts',
  'test/faults/postgres-frozen.test.ts',
  'test/cli/roundup-cmd.test.ts',
  'test/watch/crash.test.ts',
  'test/faults/share-unreachable.test.ts',
  'test/adapters/discord/platform.test.ts',
  'test/faults/slack-api.test.ts',
  'test/crash/voting.test.ts',
  'test/property/feed-parsers.test.ts',
  'test/adapters/slack/platform.test.ts',
  'test/roundup/lease-during-429.test.ts',
  'test/faults/sqlite-lock.test.ts',
  'test/store/sqlite.test.ts',
];

/** Vitest's order (cached durations, else file size) with the known longest files moved to the front. */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const path = spec.moduleId.slice(spec.project.config.root.length + 1);
      const i = LONGEST.indexOf(path);
      return i === -1 ? LONGEST.length : i;
    };
    // Array sort is stable: files off the list keep vitest's order among themselves.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
