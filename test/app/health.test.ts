import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountHealth } from '../../src/app/health.ts';
import { HttpServer } from '../../src/http/server.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /healthz', () => {
  it('reports the database, each platform and the last ingestion; 503 once the database is gone', async () => {
    const store = SqliteStore.open(join(dir, 'a.db'));
    const slack = new RecordingPlatform('slack');
    const standby = Object.assign(new RecordingPlatform('discord'), { active: false });
    const server = new HttpServer();
    mountHealth(server, {
      store,
      platforms: () => [slack, standby],
      lastIngestion: () => ({
        at: new Date('2026-03-06T08:00:00Z'),
        ok: false,
        error: 'Hugging Face answered 503',
      }),
    });
    await server.listen(0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${server.port}/healthz`;
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        status: 'ok',
        database: true,
        platforms: { slack: 'connected', discord: 'standby' },
        lastIngestion: { at: '2026-03-06T08:00:00.000Z', ok: false, error: 'Hugging Face answered 503' },
      });
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
      await store.close();
      const down = await fetch(url);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'unavailable', database: false });
    } finally {
      await server.close();
    }
  });
});
