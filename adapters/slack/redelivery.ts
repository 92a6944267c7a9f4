import type { ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';

/**
 * Thrown by an event listener whose work did not happen (a vote the archive could not write). app.error
 * lets it through, so Bolt's processEvent rejects and the receiver answers Slack with a 500 instead of
 * the ack: Slack then delivers the event again (up to three retries over about five minutes, each with
 * `x-slack-retry-num`). The `code` makes Bolt pass it on unwrapped.
 */
export class RedeliveryWanted extends Error {
  readonly code = 'paperboy_redelivery_wanted';
  constructor(readonly reason: unknown) {
    super('The event was not handled; Slack is asked to send it again');
  }
}

/**
 * The HTTP receiver's answer when processing an event failed. Before any answer was sent (event acks wait
 * for the listeners, see platform.ts) it is a 500, so Slack retries. The cause was logged where it
 * happened; this adds one line saying what Slack was told.
 */
export function answerForRedelivery(logger: Logger) {
  return async ({ error, response }: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (response.headersSent) {
      logger.error({ err: error }, 'A Slack listener failed after its answer was sent');
      return false;
    }
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('not handled; please retry');
    if (error instanceof RedeliveryWanted) {
      logger.warn('Answered Slack with 500 so that it sends the event again');
    } else logger.error({ err: error }, 'A Slack listener failed; answered 500');
    // True marks the request acknowledged, which stops Bolt's own no-ack timer from answering it again.
    return true;
  };
}
