import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 that can be frozen, cut (a network outage) and restored on the same port. */
export interface TcpProxy {
  port: number;
  /**
   * Stops delivering bytes in either direction while keeping every connection open, as a network that
   * silently drops packets does: what is sent meanwhile is lost. New connections are accepted but frozen too.
   */
  freeze(): void;
  /**
   * Freezes the proxy as soon as a client sends bytes containing `text` (e.g. `BEGIN`: the first statement
   * of a transaction), swallowing those bytes: the moment a client checked out for that work is left waiting.
   */
  freezeWhen(text: string): void;
  /** Resolves once a client has sent bytes into the frozen proxy (e.g. a query that will never arrive). */
  swallowed(): Promise<void>;
  /** Drops every open connection and refuses new ones until {@link restore}. */
  cut(): Promise<void>;
  /** Listens again on the same port, delivering bytes again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  let freezeOn: Buffer | null = null;
  let onSwallowed: (() => void)[] = [];
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // A reset on either side ends the pair; the error itself is the outage being simulated.
    s.on('error', () => s.destroy());
  };
  // Bytes are forwarded by hand rather than piped, so that freezing can swallow them mid-stream.
  const forward = (from: Socket, to: Socket, fromClient: boolean) =>
    from.on('data', (chunk: Buffer) => {
      if (fromClient && freezeOn && chunk.includes(freezeOn)) {
        freezeOn = null;
        frozen = true;
      }
      if (!frozen) {
        to.write(chunk);
        return;
      }
      if (fromClient) {
        for (const notify of onSwallowed.splice(0)) notify();
      }
    });
  const makeServer = () =>
    createServer((client) => {
      const upstream = connect(target.port, target.host);
      track(client);
      track(upstream);
      forward(client, upstream, true);
      forward(upstream, client, false);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  let server: Server | null = makeServer();
  const port = await listen(server, 0);
  const stop = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    port,
    freeze() {
      frozen = true;
    },
    freezeWhen(text) {
      freezeOn = Buffer.from(text);
    },
    swallowed: () => new Promise<void>((resolve) => onSwallowed.push(resolve)),
    cut: stop,
    async restore() {
      // Streams cut while frozen are gone; connections made from now on start clean.
      frozen = false;
      freezeOn = null;
      onSwallowed = [];
      if (server) return;
      server = makeServer();
      await listen(server, port);
    },
    close: stop,
  };
}
