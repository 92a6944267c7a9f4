import { withCore } from './core.ts';
import { type CliIo, UsageError } from './io.ts';

/**
 * `paperboy reindex`: on demand, what a bulk import does when it ends (the store's `finishBulkLoad`).
 * SQLite builds its title index if a killed import left it out, merges its full-text index and rebuilds its
 * impact lists of common words and two-word phrases:
 * an archive from before the lists, or one written to another way (a hand-made UPDATE, a killed import), is
 * searched by FTS5 alone, exactly but slowly for common words, until this runs. PostgreSQL refreshes its planner statistics. The
 * bot may keep serving meanwhile (readers never wait); an ingest waits for the rebuild's write lock.
 */
export async function reindexCommand(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError('Usage: paperboy reindex (it takes no arguments)');
  return withCore(io, async ({ store }) => {
    const started = performance.now();
    io.stderr.write(
      'reindex: tidying the search index and rebuilding its lists of common words and phrases\n',
    );
    await store.finishBulkLoad();
    const seconds = (performance.now() - started) / 1000;
    const mb = (await store.databaseBytes()) / 2 ** 20;
    io.stdout.write(`reindexed in ${seconds.toFixed(1)} s; database: ${mb.toFixed(0)} MB\n`);
    return 0;
  });
}
