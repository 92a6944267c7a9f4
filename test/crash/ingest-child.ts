import { readFileSync } from 'node:fs';
import { ingestPapers } from '../../src/papers/ingest.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { progress } from './child-process.ts';

/**
 * A process that ingests one pass of batches (a JSON file the parent wrote from ingest-batches.ts) into a
 * SQLite archive through the real ingestion path, starting at batch `from`, and reports `begin i` /
 * `done i` around each batch so the parent can kill it at a chosen point.
 * Usage: ingest-child.ts <db path> <batches.json> <from>
 */
const [path, batchesPath, fromArg] = process.argv.slice(2);
if (!path || !batchesPath || fromArg === undefined) throw new Error('usage: <db> <batches.json> <from>');
const batches = JSON.parse(readFileSync(batchesPath, 'utf8')) as Paper[][];
const store = SqliteStore.open(path);
progress('ready');
for (let i = Number(fromArg); i < batches.length; i++) {
  progress(`begin ${i}`);
  await ingestPapers(store, batches[i] ?? []);
  progress(`done ${i}`);
}
await store.close();
progress('complete');
