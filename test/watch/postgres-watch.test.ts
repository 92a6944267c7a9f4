import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsolePlatform } from '../../adapters/console/platform.ts';
import { silentLogger } from '../../src/log.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { Watcher } from '../../src/watch/watcher.ts';
import { paper } from '../contract/store.contract.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from '../store/postgres-db.ts';

const available = await postgresAvailable();
const suite = available.ok ? describe : describe.skip;
const YOU = 'console:you';

// Without a reachable server the suite is reported as skipped, with the reason in its name.
suite(available.ok ? 'watches on PostgreSQL' : `watches on PostgreSQL: skipped, ${available.reason}`, () => {
  let url: string;
  const stores: PostgresStore[] = [];
  let out = '';
  let platform: ConsolePlatform;
  beforeAll(async () => {
    url = await migratedDatabase();
    platform = new ConsolePlatform({
      input: new PassThrough(),
      output: { write: (s: string) => (out += s) },
    });
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await dropThrowawayDatabases();
  });

  it('two instances ticking at once match each new paper once and send one DM', async () => {
    const a = await PostgresStore.open(url);
    const b = await PostgresStore.open(url);
    stores.push(a, b);
    await a.addWatch(YOU, 'diffusion', 'console:local', 20);
    await a.addWatch('console:other', 'diffusion', 'console:local', 20);
    await a.upsertPapers([
      paper({ arxivId: '2601.00001', title: 'Latent diffusion for video' }),
      paper({ arxivId: '2601.00002', title: 'Sparse attention' }),
      paper({ arxivId: '2601.00003', title: 'Diffusion policies', abstract: 'Robots.' }),
    ]);
    const watcher = (store: PostgresStore, instanceId: string) =>
      new Watcher({
        store,
        platforms: new Map([['console', platform]]),
        logger: silentLogger,
        instanceId,
        catchUpMs: 0,
      });
    const [ta, tb] = await Promise.all([watcher(a, 'a').tick(), watcher(b, 'b').tick()]);
    expect(ta.matches + tb.matches).toBe(4);
    expect(out.split('[direct message]')).toHaveLength(2);
    expect(out).toContain('Latent diffusion for video');
    expect(out).toContain('Diffusion policies');
    expect(out).not.toContain('Sparse attention');
    // The other person is not at this terminal: skipped once, their watches paused.
    expect((await a.getWatcher('console:other'))?.paused).toBe(true);
    const again = await Promise.all([watcher(a, 'a').tick(), watcher(b, 'b').tick()]);
    expect(again.map((t) => t.matches)).toEqual([0, 0]);
    expect(out.split('[direct message]')).toHaveLength(2);
  });
});
