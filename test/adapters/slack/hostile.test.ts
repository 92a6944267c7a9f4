import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackHarness, startSlackHarness } from './harness.ts';

/**
 * Requests an attacker (or a broken proxy) could send straight at /slack/events. Each is refused with the
 * right status, and the process keeps serving people afterwards.
 */
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(() => h?.close());

const FORM = 'application/x-www-form-urlencoded';

/** A slash command still works: the receiver survived whatever came before. */
async function stillServing(): Promise<void> {
  const { res, responseUrl } = await h.command('help');
  expect(res.status).toBe(200);
  const reply = await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
  expect(JSON.stringify(reply.body)).toContain('paperboy');
}

describe('signed bodies that are not Slack payloads', () => {
  it.each([
    ['JSON null', 'null', 'application/json'],
    ['a JSON number', '42', 'application/json'],
    ['a JSON string', '"event_callback"', 'application/json'],
    ['a JSON array', '[{"type":"event_callback"}]', 'application/json'],
    ['a JSON object without a type', '{"event":{}}', 'application/json'],
    ['not JSON at all', '{"type":', 'application/json'],
    ['payload=null', 'payload=null', FORM],
    ['payload=[]', 'payload=%5B%5D', FORM],
    ['payload=7', 'payload=7', FORM],
    ['a form with neither command nor payload', 'text=hello&user_id=U1', FORM],
  ])('GIVEN %s, correctly signed THEN 400 and the bot keeps serving', async (_what, body, type) => {
    const res = await h.send(body, type);
    expect(res.status).toBe(400);
    await stillServing();
  });
});

describe('signatures and timestamps', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['no signature', { signature: null }],
    ['a forged signature', { signature: `v0=${'0'.repeat(64)}` }],
    ['a timestamp ten minutes old', { timestamp: now() - 600 }],
    ['a timestamp ten minutes in the future', { timestamp: now() + 600 }],
  ])('GIVEN %s THEN 401 and nothing runs', async (_what, options) => {
    const { res, responseUrl } = await h.command('share 2501.00001', {}, options);
    expect(res.status).toBe(401);
    // A later command is answered; the refused one never was (its response URL got nothing).
    await stillServing();
    expect(h.api.calls.filter((c) => responseUrl.endsWith(c.path))).toEqual([]);
  });

  it('GIVEN a timestamp four minutes in the future (clock skew) THEN it is accepted', async () => {
    const { res } = await h.command('help', {}, { timestamp: now() + 240 });
    expect(res.status).toBe(200);
  });
});

describe('oversized bodies', () => {
  it('GIVEN a declared length over 1 MB THEN 413 before any byte of the body is sent', async () => {
    const url = new URL(h.endpoint);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.setHeader('content-type', 'application/json');
      req.setHeader('content-length', String(300 * 1024 * 1024));
      // Headers only: the body never comes, so a 413 can only be the server refusing up front.
      req.flushHeaders();
    });
    expect(status).toBe(413);
    await stillServing();
  });

  it('GIVEN a streamed body without a length THEN 413 once it passes 1 MB, while the client is still sending', async () => {
    const url = new URL(h.endpoint);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      // The server closes the connection after its answer; writes after that fail, as they should.
      req.on('error', (error) => (sent > 1024 * 1024 ? undefined : reject(error)));
      req.setHeader('content-type', 'application/json');
      req.setHeader('transfer-encoding', 'chunked');
      // Keep sending (up to 64 MB) until the answer arrives; the body is never ended by the client.
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    await stillServing();
  });
});
