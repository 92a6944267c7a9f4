import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlackApi } from './slack-api.ts';

/**
 * A minimal fake Socket Mode server on 127.0.0.1. It registers its ws:// URL with the fake Web API (which
 * hands it out from apps.connections.open), greets each connection with `hello` as Slack does, sends
 * envelopes on demand and resolves with the client's ack (`{ envelope_id, payload }`).
 */
export interface FakeSocketMode {
  url: string;
  /** Resolves once a client is connected and has been sent `hello`. */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends a `slash_commands` envelope with `payload` and resolves with the ack's payload. */
  sendSlashCommand(payload: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(api: FakeSlackApi): Promise<FakeSocketMode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  api.socketUrl = url;
  let socket: WebSocket | undefined;
  const onConnect: Array<() => void> = [];

  wss.on('connection', (ws) => {
    socket = ws;
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-socket-mode', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A0PAPERS' },
      }),
    );
    for (const f of onConnect.splice(0)) f();
  });

  const withTimeout = <T>(what: string, ms: number, run: (resolve: (v: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
      run((v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });

  return {
    url,
    connected: (timeoutMs = 5000) =>
      withTimeout<void>('No Socket Mode connection', timeoutMs, (resolve) => {
        if (socket) resolve();
        else onConnect.push(resolve);
      }),
    sendSlashCommand: (payload, timeoutMs = 5000) => {
      const ws = socket;
      if (!ws) return Promise.reject(new Error('No Socket Mode client connected'));
      const envelopeId = randomUUID();
      return withTimeout<unknown>('No ack for the envelope', timeoutMs, (resolve) => {
        const onMessage = (data: Buffer) => {
          const msg = JSON.parse(data.toString('utf8')) as { envelope_id?: string; payload?: unknown };
          if (msg.envelope_id !== envelopeId) return;
          ws.off('message', onMessage);
          resolve(msg.payload ?? null);
        };
        ws.on('message', onMessage);
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type: 'slash_commands',
            payload,
            accepts_response_payload: true,
          }),
        );
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
