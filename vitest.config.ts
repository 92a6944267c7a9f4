import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/longest-first.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests open sockets and SQLite files; forks isolate native modules cleanly.
    pool: 'forks',
    // At least two files at once: most of a file's time is spent waiting on its child processes, sockets and
    // PostgreSQL, so on a 2-core machine vitest's default (cores - 1 = one file at a time) leaves a core idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // One migrated PostgreSQL database per run, copied for each test that needs a migrated one.
    globalSetup: ['test/store/postgres-template.ts'],
    sequence: { sequencer: LongestFirst },
  },
});
