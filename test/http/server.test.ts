import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer, type REFUSED_UPLOAD, readBody } from '../../src/http/server.ts';

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

  describe('a refused upload the client goes on sending (lingering close)', () => {
    let raw: Server | undefined;
    afterEach(() => {
      raw?.closeAllConnections();
      raw?.close();
    });

    /** A server refusing bodies over 1 KB; resolves with its port and a promise of its one connection's close. */
    async function refusing(
      refused: Partial<typeof REFUSED_UPLOAD>,
    ): Promise<{ port: number; serverClosed: Promise<void> }> {
      let closed!: () => void;
      const serverClosed = new Promise<void>((resolve) => {
        closed = resolve;
      });
      raw = createServer(async (req, res) => {
        const body = await readBody(req, res, 1024, refused);
        if (body) res.end('accepted');
      });
      raw.on('connection', (socket) => socket.once('close', closed));
      await new Promise<void>((resolve) => raw?.listen(0, '127.0.0.1', resolve));
      return { port: (raw.address() as { port: number }).port, serverClosed };
    }

    const chunked = (bytes: number) => {
      const body = Buffer.alloc(bytes, 0x61);
      return Buffer.concat([Buffer.from(`${bytes.toString(16)}\r\n`), body, Buffer.from('\r\n')]);
    };
    const HEAD =
      'POST /upload HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n';

    /** Everything the client reads from now until the connection ends, fails or is destroyed. */
    function readAll(socket: Socket): Promise<string> {
      const chunks: Buffer[] = [];
      return new Promise((resolve) => {
        const done = () => resolve(Buffer.concat(chunks).toString());
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', done);
        socket.on('end', done);
        socket.on('close', done);
        socket.resume();
      });
    }

    it('GIVEN a client that goes on sending and reads the answer late THEN it still gets the 413, not a reset', async () => {
      const { port, serverClosed } = await refusing({ lingerMs: 100 });
      const client = connect(port, '127.0.0.1');
      client.pause(); // reads nothing until it has written again after the server closed its side
      await new Promise<void>((resolve) => client.once('connect', resolve));
      client.write(HEAD);
      // 512 KB past a 1 KB limit (within what the server drains): most of it arrives after the 413.
      for (let i = 0; i < 8; i++) client.write(chunked(64 * 1024));
      await serverClosed;
      // One more write. Had the server closed with the upload unread, its kernel answered with a reset,
      // this write fails, and the socket is destroyed with the 413 unread: all the client sees is the error.
      await new Promise<void>((resolve) => client.write(chunked(1024), () => resolve()));
      const text = await readAll(client);
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(text).toContain('request body too large');
    });

    it('GIVEN a client that never stops sending THEN the server reads a bounded amount more and closes once the linger time is over', async () => {
      const { port, serverClosed } = await refusing({ lingerMs: 300, drainBytes: 64 * 1024 });
      // Half-open allowed: it goes on sending after the server's FIN, as a hostile client would.
      const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      await new Promise<void>((resolve) => client.once('connect', resolve));
      client.write(HEAD);
      const reading = readAll(client);
      let sent = 0;
      const pump = () => {
        while (client.writable) {
          sent += 64 * 1024;
          if (!client.write(chunked(64 * 1024))) return void client.once('drain', pump);
        }
      };
      pump();
      // Without the linger time the server would hold the connection for ever, and neither would resolve.
      await serverClosed;
      const text = await reading;
      expect(client.writable).toBe(false);
      // It read the 413 while sending, and could send only what the server drained and the two sides'
      // buffers hold (4 MB here): drained to the end, it sends 60 MB in that time.
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(sent).toBeLessThan(16 * 2 ** 20);
    });
  });
});
