import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { eventCallback, reactionEvent } from './event-bodies.ts';
import { type SlackHarness, slashCommandBody, startSlackHarness } from './harness.ts';

/**
 * In Socket Mode, as over HTTP (vote-before-ack.test.ts), a reaction's envelope is acknowledged only once
 * its vote is written. When the archive cannot take the write, the envelope is left unacknowledged, so
 * Slack sends it again (`retry_attempt`), and that redelivery records the vote: nothing is lost.
 */
let h: SlackHarness;
let message: { channel: string; ts: string };
const PAPER = '2410.17243';
const warnings: string[] = [];
const onWarning: Array<(line: string) => void> = [];

beforeAll(async () => {
  const logger = createLogger('warn', {
    write: (line: string) => {
      warnings.push(line);
      for (const f of onWarning) f(line);
    },
  });
  // A write waiting for another writer's lock gives up after 50 ms (SQLITE_BUSY), as after 5 s in production.
  h = await startSlackHarness({ socketMode: true, busyTimeoutMs: 50, logger });
  await socket().connected();
  // The paper is shared over the socket too: /papers share, then the bot's post in the channel.
  const responseUrl = h.api.responseUrl();
  const form = new URLSearchParams(slashCommandBody(`share ${PAPER}`, responseUrl, { channel: 'C0SOCK' }));
  expect(await socket().sendSlashCommand(Object.fromEntries(form))).toEqual({});
  await h.api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
  const posted = h.api.messages.find((m) => m.channel === 'C0SOCK');
  if (!posted) throw new Error('the share was not posted');
  message = { channel: posted.channel, ts: posted.ts };
});
afterAll(() => h?.close());

function socket() {
  if (!h.socket) throw new Error('the harness has no Socket Mode server');
  return h.socket;
}

const votes = async () => (await h.store.getPaper(PAPER))?.teamVotes;

/** Resolves at the first warning line containing `text` (already logged or still to come). */
function warned(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const seen = warnings.find((l) => l.includes(text));
    if (seen) return resolve(seen);
    const timer = setTimeout(() => reject(new Error(`no warning saying "${text}"`)), 5000);
    onWarning.push((line) => {
      if (!line.includes(text)) return;
      clearTimeout(timer);
      resolve(line);
    });
  });
}

describe('Socket Mode: reaction envelopes are acked after the vote is written', () => {
  it('GIVEN a reaction THEN by the time its envelope is acked, the vote is in the archive', async () => {
    const sent = socket().sendEvent(
      JSON.parse(eventCallback(reactionEvent('reaction_added', message, 'U0CAROL', '+1'))),
    );
    expect(await sent.acked()).toEqual({});
    expect(await votes()).toBe(1);
  });

  it('GIVEN the archive locked by another writer THEN no ack, and Slack’s redelivery records the vote once', async () => {
    const body = JSON.parse(eventCallback(reactionEvent('reaction_added', message, 'U0DAVE', '+1')));
    const other = new Database(h.dbPath);
    let refused: { envelopeId: string };
    let line: string;
    try {
      other.exec('BEGIN IMMEDIATE');
      refused = socket().sendEvent(body);
      // The listener has given up on the write once this is logged.
      line = await warned('event was not handled');
      expect(await votes()).toBe(1);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Slack sends the unacknowledged envelope again, under a new envelope id, the same event inside.
    const retried = socket().sendEvent(body, { attempt: 1, reason: 'timeout' });
    expect(await retried.acked()).toEqual({});
    expect(await votes()).toBe(2);
    // Acks travel the one socket in order: had the refused envelope been acked, it would be listed by now.
    expect(socket().acks).toContain(retried.envelopeId);
    expect(socket().acks).not.toContain(refused.envelopeId);
    // The log says which envelope was left for Slack to send again.
    expect(line).toContain('left unacknowledged');
    expect(line).toContain(refused.envelopeId);

    // A third delivery of the same event (Slack's retries may cross) is acked and counts nothing twice.
    const again = socket().sendEvent(body, { attempt: 2, reason: 'timeout' });
    expect(await again.acked()).toEqual({});
    expect(await votes()).toBe(2);
  });
});
