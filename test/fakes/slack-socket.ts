import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlackApi } from './slack-api.ts';

/**
 * A minimal fake Socket Mode server on 127.0.0.1. It registers its ws:// URL with the fake Web API (which
 * hands it out from apps.connections.open), greets each connection with `hello` as Slack does, sends
 * envelopes on demand and resolves with the client's ack (`{ envelope_id, payload }`). Every ack is
 * recorded, so a test can also tell that an envelope was never acknowledged (Slack then sends it again).
 */
export interface FakeSocketMode {
  url: string;
  /** Resolves once a client is connected and has been sent `hello`. */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends a `slash_commands` envelope with `payload` and resolves with the ack's payload. */
  sendSlashCommand(payload: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  /**
   * Sends an `events_api` envelope carrying an event callback body; `retryAttempt` marks it as Slack's
   * redelivery of an envelope that was not acked. `acked()` resolves with the ack's payload.
   */
  sendEvent(
    body: Record<string, unknown>,
    retry?: { attempt: number; reason: string },
  ): { envelopeId: string; acked: (timeoutMs?: number) => Promise<unknown> };
  /** The envelope ids acknowledged so far, in the order their acks arrived. */
  readonly acks: readonly string[];
  close(): Promise<void>;
}

export async function startFakeSocketMode(api: FakeSlackApi): Promise<FakeSocketMode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  api.socketUrl = url;
  let socket: WebSocket | undefined;
  const onConnect: Array<() => void> = [];
  const acks: string[] = [];
  const ackPayloads = new Map<string, unknown>();
  const onAck: Array<(envelopeId: string) => void> = [];

  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as { envelope_id?: string; payload?: unknown };
      if (typeof msg.envelope_id !== 'string') return;
      acks.push(msg.envelope_id);
      ackPayloads.set(msg.envelope_id, msg.payload ?? null);
      for (const f of [...onAck]) f(msg.envelope_id);
    });
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

  /** Sends one envelope to the connected client; `acked` waits for its ack (or one already received). */
  const send = (envelope: Record<string, unknown>) => {
    const ws = socket;
    if (!ws) throw new Error('No Socket Mode client connected');
    const envelopeId = randomUUID();
    ws.send(JSON.stringify({ envelope_id: envelopeId, ...envelope }));
    const acked = (timeoutMs = 5000) =>
      withTimeout<unknown>(`No ack for envelope ${envelopeId}`, timeoutMs, (resolve) => {
        if (ackPayloads.has(envelopeId)) return resolve(ackPayloads.get(envelopeId));
        const listener = (id: string) => {
          if (id !== envelopeId) return;
          onAck.splice(onAck.indexOf(listener), 1);
          resolve(ackPayloads.get(envelopeId));
        };
        onAck.push(listener);
      });
    return { envelopeId, acked };
  };

  return {
    url,
    connected: (timeoutMs = 5000) =>
      withTimeout<void>('No Socket Mode connection', timeoutMs, (resolve) => {
        if (socket) resolve();
        else onConnect.push(resolve);
      }),
    sendSlashCommand: (payload, timeoutMs = 5000) =>
      send({ type: 'slash_commands', payload, accepts_response_payload: true }).acked(timeoutMs),
    sendEvent: (body, retry) =>
      send({
        type: 'events_api',
        payload: body,
        accepts_response_payload: false,
        retry_attempt: retry?.attempt ?? 0,
        retry_reason: retry?.reason ?? '',
      }),
    acks,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
