import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer, readBody } from '../../src/http/server.ts';

let server: HttpServer;
afterEach(() => server?.close());

async function started(setup: (s: HttpServer) => void): Promise<string> {
  server = new HttpServer();
  setup(server);
  await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${server.port}`;
}

describe('the application HTTP server', () => {
  it('routes by exact method and path: 404 for an unknown path, 405 for another method', async () => {
    const base = await started((s) => {
      s.route('GET', '/healthz', (_req, res) => void res.end('ok'));
      s.route('POST', '/echo', async (req, res) => {
        const body = await readBody(req, res);
        if (body) res.end(body);
      });
    });
    expect(await (await fetch(`${base}/healthz?probe=1`)).text()).toBe('ok');
    expect((await fetch(`${base}/healthz/x`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect(await (await fetch(`${base}/echo`, { method: 'POST', body: 'hello' })).text()).toBe('hello');
  });

  it('refuses to mount a route twice, so two platforms cannot silently share a path', () => {
    server = new HttpServer();
    server.route('POST', '/slack/events', () => {});
    expect(() => server.route('POST', '/slack/events', () => {})).toThrow(/mounted twice/);
  });

  it('answers 500 when a route fails, and keeps serving', async () => {
    const base = await started((s) => {
      s.route('GET', '/boom', async () => {
        throw new Error('route bug');
      });
      s.route('GET', '/ok', (_req, res) => void res.end('ok'));
    });
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect((await fetch(`${base}/ok`)).status).toBe(200);
  });

  it('refuses a body over the limit with 413', async () => {
    const base = await started((s) =>
      s.route('POST', '/small', async (req, res) => {
        const body = await readBody(req, res, 10);
        if (body) res.end(`got ${body.length}`);
      }),
    );
    expect(await (await fetch(`${base}/small`, { method: 'POST', body: '0123456789' })).text()).toBe(
      'got 10',
    );
    expect((await fetch(`${base}/small`, { method: 'POST', body: '0123456789A' })).status).toBe(413);
  });
});
