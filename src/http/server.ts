import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '../log.ts';

/** Answers one request. A rejection is logged and answered 500 (if nothing was sent yet). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Where the application and each platform mount HTTP routes: `/healthz`, Slack's `/slack/events`, and
 * whatever comes next, all on the one `PORT`.
 */
export interface HttpRoutes {
  /** Serves `method` on exactly `path` (the query string is ignored). Mounting a route twice throws. */
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void;
}

/**
 * The largest request body any route reads. Slack's payloads are a few kilobytes; a megabyte leaves room
 * for a long slash command or a big interaction payload and keeps a flood of large bodies cheap to refuse.
 */
export const MAX_BODY_BYTES = 1_048_576;

export interface HttpServerOptions {
  logger?: Logger;
  /** Longest time to receive the request headers (ms); slow-header clients are cut off. Default 10 s. */
  headersTimeoutMs?: number;
  /** Longest time to receive a whole request (ms). Default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * The application's one HTTP server. Routes are matched exactly by method and path; anything else is a 404
 * (405 for a known path with another method). Request timeouts live here once for every route; bodies are
 * read with {@link readBody}, which enforces {@link MAX_BODY_BYTES}.
 */
export class HttpServer implements HttpRoutes {
  readonly #routes = new Map<string, Map<string, RouteHandler>>();
  readonly #logger: Logger;
  readonly #options: HttpServerOptions;
  #server: Server | null = null;

  constructor(options: HttpServerOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    const byMethod = this.#routes.get(path) ?? new Map<string, RouteHandler>();
    if (byMethod.has(method)) throw new Error(`HTTP route ${method} ${path} is mounted twice`);
    byMethod.set(method, handler);
    this.#routes.set(path, byMethod);
  }

  /** Listens on `port` (0: any free port) and `host` (absent: every interface). */
  async listen(port: number, host?: string): Promise<void> {
    if (this.#server) throw new Error('The HTTP server is already listening');
    const server = createServer((req, res) => this.#dispatch(req, res));
    server.headersTimeout = this.#options.headersTimeoutMs ?? 10_000;
    server.requestTimeout = this.#options.requestTimeoutMs ?? 30_000;
    // A client that resets its connection mid-request must not surface as an unhandled error.
    server.on('clientError', (error, socket) => {
      this.#logger.debug({ err: error }, 'HTTP client error');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, ...(host ? { host } : {}) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
  }

  /** The bound port once listening. */
  get port(): number | undefined {
    return (this.#server?.address() as AddressInfo | null)?.port;
  }

  /** Stops accepting connections, closes idle ones, and resolves when the server is closed. Idempotent. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const byMethod = this.#routes.get(path);
    const handler = byMethod?.get((req.method ?? '').toUpperCase());
    if (!handler) {
      req.resume();
      res.writeHead(byMethod ? 405 : 404, { 'content-type': 'text/plain' });
      res.end(byMethod ? 'method not allowed' : 'not found');
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        this.#logger.error({ err: error, path }, 'HTTP route failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
  }
}

/**
 * What happens to a refused upload's connection after its 413 is written ("lingering close", as HTTP
 * servers do it). Closing at once with bytes of the upload unread makes the kernel answer with a reset,
 * and a client still sending then fails its next write and drops the connection, 413 unread: all it sees
 * is "connection reset" (a slow client, or one on a loaded machine, often does). So the 413 is sent, the
 * connection half-closed (FIN), up to `drainBytes` more of the upload read and dropped (an upload that
 * overshot a little then ends cleanly), and the socket destroyed when the client ends its side or
 * `lingerMs` after the 413, whichever is first. A client still sending past `drainBytes` is no longer
 * read (it can still read the 413) until the time is up.
 */
export const REFUSED_UPLOAD = { lingerMs: 2_000, drainBytes: MAX_BODY_BYTES };

/**
 * Reads a request body of at most `limit` bytes. A larger body is refused with 413 as soon as its
 * `content-length` or the bytes received so far pass the limit, before it is buffered, and the
 * connection closed as {@link REFUSED_UPLOAD} says; the function then resolves null (the response is
 * already sent).
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit = MAX_BODY_BYTES,
  refused: Partial<typeof REFUSED_UPLOAD> = {},
): Promise<Buffer | null> {
  const { lingerMs, drainBytes } = { ...REFUSED_UPLOAD, ...refused };
  const refuse = (): null => {
    const socket = req.socket;
    // Node closes a `connection: close` response's socket once it is written (destroySoon: FIN, then
    // destroy as soon as that is flushed), unread upload or not. Here it only half-closes: the socket is
    // destroyed when the client ends its side (Node then closes it), or by the timer below.
    socket.destroySoon = () => {
      if (socket.writable) socket.end();
    };
    if (!res.headersSent) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
      res.end('request body too large');
    }
    res.once('finish', () => {
      const timer = setTimeout(() => socket.destroy(), lingerMs);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    });
    // The rest of the upload is read and dropped, never buffered, up to drainBytes; then no longer read.
    req.unpipe();
    let drained = 0;
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > drainBytes) req.pause();
    });
    req.resume();
    return null;
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(refuse());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        resolve(refuse());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onAborted);
  });
}
