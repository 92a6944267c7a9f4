import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountHealth } from '../../src/app/health.ts';
import { heldQueue } from '../../src/chat/held-replay.ts';
import { HttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { ManualTimers } from '../fakes/manual-timers.ts';
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
        heldForArchive: 0,
        failedRoundups: [],
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

  it('counts the events held for an archive that cannot take them, until it takes them', async () => {
    const store = SqliteStore.open(join(dir, 'held.db'));
    const timers = new ManualTimers();
    const queue = heldQueue({ platform: 'discord', logger: silentLogger, timers });
    const server = new HttpServer();
    mountHealth(server, {
      store,
      platforms: () => [],
      lastIngestion: () => null,
      heldForArchive: () => queue.held,
    });
    await server.listen(0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${server.port}/healthz`;
      let locked = true;
      const vote = queue.submit('discord:1:2', 'A Discord reaction', async () => {
        if (locked) throw new StoreUnavailableError('sqlite', new Error('database is locked'));
      });
      await timers.waits.waitFor(() => true, 'the vote waiting for the archive');
      expect(await (await fetch(url)).json()).toMatchObject({ status: 'ok', heldForArchive: 1 });
      locked = false;
      timers.fire();
      expect(await vote).toBe('done');
      expect(await (await fetch(url)).json()).toMatchObject({ heldForArchive: 0 });
    } finally {
      await server.close();
      await store.close();
    }
  });

  it('lists the roundups of the last week that were given up, newest first, and stays 200', async () => {
    const store = SqliteStore.open(join(dir, 'b.db'), { now: () => new Date('2026-03-06T09:20:00Z') });
    for (const [channel, day] of [
      ['slack:CGONE', '2026-03-06'],
      ['discord:42', '2026-03-04'],
      ['slack:COLD', '2026-02-20'],
    ] as const) {
      await store.claimRoundup(channel, day, 'bot', 30_000);
      await store.recordRoundupFailure(channel, day, 'bot', `not_in_channel ${channel}`, null);
    }
    await store.claimRoundup('slack:CFINE', '2026-03-06', 'bot', 30_000);
    const server = new HttpServer();
    mountHealth(server, {
      store,
      platforms: () => [],
      lastIngestion: () => null,
      now: () => new Date('2026-03-06T09:30:00Z'),
    });
    await server.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(res.status).toBe(200);
      const report = (await res.json()) as { failedRoundups: unknown[] };
      expect(report.failedRoundups).toEqual([
        {
          channel: 'slack:CGONE',
          localDate: '2026-03-06',
          failures: 1,
          error: 'not_in_channel slack:CGONE',
          at: '2026-03-06T09:20:00.000Z',
        },
        expect.objectContaining({ channel: 'discord:42', localDate: '2026-03-04' }),
      ]);
    } finally {
      await server.close();
      await store.close();
    }
  });
});
