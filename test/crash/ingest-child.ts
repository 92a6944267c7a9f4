import { ingestPapers } from '../../src/papers/ingest.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { progress } from './child-process.ts';
import { ingestBatches } from './ingest-batches.ts';

/**
 * A process that ingests one pass of batches into a SQLite archive through the real ingestion path,
 * starting at batch `from`, and reports `begin i` / `done i` around each batch so the parent can kill it
 * at a chosen point. Usage: ingest-child.ts <db path> <pass> <from>
 */
const [path, passArg, fromArg] = process.argv.slice(2);
if (!path || passArg === undefined || fromArg === undefined) throw new Error('usage: <db> <pass> <from>');
const batches = ingestBatches(Number(passArg));
const store = SqliteStore.open(path);
progress('ready');
for (let i = Number(fromArg); i < batches.length; i++) {
  progress(`begin ${i}`);
  await ingestPapers(store, batches[i] ?? []);
  progress(`done ${i}`);
}
await store.close();
progress('complete');
