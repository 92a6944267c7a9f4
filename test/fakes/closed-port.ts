import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:net';

/** A local port nothing listens on: connecting is refused at once (ECONNREFUSED), as with a service down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Counts of connection attempts, by port. */
export interface ConnectAttempts {
  count(port: number): number;
  stop(): void;
}

/**
 * Counts the connections fetch (undici) tries to open, by port, through undici's published diagnostics
 * channel: a refused connection leaves no trace at any server, so this is where attempts show.
 */
export function countConnectAttempts(): ConnectAttempts {
  const counts = new Map<number, number>();
  const onConnect = (message: unknown) => {
    const port = Number((message as { connectParams?: { port?: unknown } }).connectParams?.port);
    counts.set(port, (counts.get(port) ?? 0) + 1);
  };
  subscribe('undici:client:beforeConnect', onConnect);
  return {
    count: (port) => counts.get(port) ?? 0,
    stop: () => unsubscribe('undici:client:beforeConnect', onConnect),
  };
}
