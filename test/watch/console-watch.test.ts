import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { type RunningBot, startBot } from '../../src/app/main.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { until } from '../multi/until.ts';
import { feedFiles, ingestInChild, searchFinds } from './cli-ingest.ts';

/**
 * Watches through the composition root: `paperboy start` on the console (startBot wires the watcher),
 * `/papers watch` typed at the terminal, papers ingested by a separate CLI process.
 */
describe('watches on the console', () => {
  let dir: string;
  let dbPath: string;
  let bot: RunningBot;
  let screen = '';
  const input = new PassThrough();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-console-watch-'));
    dbPath = join(dir, 'archive.db');
    await ingestInChild(dbPath, feedFiles(dir).first);
    const config = loadConfig({ DATABASE_URL: `sqlite:${dbPath}`, LOG_LEVEL: 'silent' });
    bot = await startBot(config, {
      platforms: ['console'],
      input,
      output: { write: (s: string) => (screen += s) },
      schedule: false,
      watchIntervalMs: 100,
    });
  });
  afterAll(async () => {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one direct message with the papers a CLI ingest added that match, and nothing more', async () => {
    const reader = SqliteStore.open(dbPath);
    try {
      const before = new Set((await reader.papersAfter(0, 1000)).map((n) => n.paper.id));
      input.write('/papers watch editing\n');
      await until(async () => screen.includes('Watching “editing”'));
      await ingestInChild(dbPath, join(dir, 'all.json'));
      await until(async () => screen.includes('[direct message]'), 20_000);
      await until(async () => (await reader.ownersToDeliver()).length === 0);
      const expected = await searchFinds(reader, 'editing', before);
      expect(expected.length).toBeGreaterThan(1);
      const dm = screen.slice(screen.indexOf('[direct message]'));
      for (const id of expected.slice(0, 10)) expect(dm).toContain(id);
      expect(dm).toContain('your watch “editing”');
      // A later tick finds nothing more: one DM.
      await until(
        async () => (await reader.watchCursor()) === (await reader.papersAfter(0, 1000)).at(-1)?.seq,
      );
      expect(screen.split('[direct message]')).toHaveLength(2);
    } finally {
      await reader.close();
    }
  });
});
