import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests open sockets and SQLite files; forks isolate native modules cleanly.
    pool: 'forks',
  },
});
