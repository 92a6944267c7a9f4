import type { App, Logger as BoltLogger, Receiver, ReceiverEvent, webApi } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../../src/log.ts';
import { RedeliveryWanted } from './redelivery.ts';

/** What the Socket Mode client hands over for each envelope (its `slack_event`). */
interface Envelope {
  ack: (response?: Record<string, unknown> | string) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

export interface SocketReceiverOptions {
  appToken: string;
  /** Bolt's logger (bolt-logger.ts) for the client; `log` for what this receiver says itself. */
  boltLogger: BoltLogger;
  log: Logger;
  clientOptions: webApi.WebClientOptions;
}

/**
 * Socket Mode, with events acked only once their listeners are done, as the HTTP receiver does with
 * processBeforeResponse (platform.ts).
 *
 * Bolt's own SocketModeReceiver acks an event over the socket before its listeners run, so a reaction
 * whose vote could not be written (the archive busy or unreachable) was already acknowledged and lost:
 * Slack never sends it again. Here an Events API envelope is acknowledged after the listeners return,
 * and not at all when one asks for redelivery ({@link RedeliveryWanted}): Slack then sends the envelope
 * again (`retry_attempt`, up to three times), and the delivery log (deliveries.ts) runs it since it did
 * not succeed. Commands, button presses and the like are acked by their listeners as before, at once.
 */
export class AckAfterSocketModeReceiver implements Receiver {
  readonly client: SocketModeClient;
  #app: App | undefined;
  readonly #log: Logger;

  constructor(options: SocketReceiverOptions) {
    this.#log = options.log;
    this.client = new SocketModeClient({
      appToken: options.appToken,
      logger: options.boltLogger,
      clientOptions: options.clientOptions,
    });
    this.client.on('slack_event', (envelope: Envelope) => {
      void this.#handle(envelope);
    });
  }

  init(app: App): void {
    this.#app = app;
  }

  start(): Promise<unknown> {
    return this.client.start();
  }

  async stop(): Promise<unknown> {
    await this.client.disconnect();
    return undefined;
  }

  async #handle(envelope: Envelope): Promise<void> {
    const app = this.#app;
    if (!app) return;
    const isEvent = envelope.type === 'events_api';
    let acked = false;
    const ackOnce = async (response?: Record<string, unknown> | string) => {
      if (acked) return;
      acked = true;
      await envelope.ack(response);
    };
    const event: ReceiverEvent = {
      body: envelope.body,
      // Bolt calls ack() for an event before its listeners; that call is held back until they are done.
      ack: isEvent ? async () => undefined : ackOnce,
      ...(envelope.retry_num !== undefined ? { retryNum: envelope.retry_num } : {}),
      ...(envelope.retry_reason !== undefined ? { retryReason: envelope.retry_reason } : {}),
    };
    try {
      await app.processEvent(event);
    } catch (error) {
      if (isEvent && error instanceof RedeliveryWanted) {
        this.#log.warn(
          { envelope: envelope.envelope_id, retry: envelope.retry_num ?? 0 },
          'A Slack event was not handled; it is left unacknowledged so that Slack sends it again',
        );
        return;
      }
      this.#log.error({ err: error }, 'A Slack listener failed');
    }
    // Every other outcome is acknowledged: done, ignored, or failed in a way a retry would not mend (the
    // listener logged it). A command whose listener never acked is acked here so Slack shows no error.
    try {
      await ackOnce();
    } catch (error) {
      this.#log.warn({ err: error }, 'Could not acknowledge a Slack envelope (the socket closed?)');
    }
  }
}
