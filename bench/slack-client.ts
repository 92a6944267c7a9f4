/**
 * Slack's side of bench/slack.ts, in a process of its own as Slack is on a machine of its own: the fake
 * Slack Web API (auth.test, users.info, the response URLs respond() posts to) and the client that sends
 * signed `/papers` requests. Timed here, its figures do not wait on the bot's event loop: a search that
 * blocks the bot's thread delays the bot's answers, never this side's reading of them.
 *
 * Driven over IPC by bench/slack.ts: `{ request: text }` answers `{ ack, full }` (ms from sending the
 * request to its HTTP 200, and to respond() reaching the fake); `{ burst }` sends `requests` requests from
 * `concurrency` clients and answers `{ seconds }`.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';

export type ClientRequest =
  | { endpoint: string; signingSecret: string }
  | { request: string }
  | { burst: { queries: string[]; requests: number; concurrency: number } }
  | { stop: true };
export type ClientAnswer = { apiUrl: string } | { ack: number; full: number } | { seconds: number };

const send = (answer: ClientAnswer) => process.send?.(answer);

if (!process.send) throw new Error('bench/slack-client.ts is started by bench/slack.ts');
const api = await startFakeSlackApi({ botToken: 'xoxb-bench' });
let endpoint = '';
let secret = '';
let counter = 0;
const request = async (text: string) => {
  const responseUrl = api.responseUrl();
  const body = new URLSearchParams({
    team_id: 'T0PAPERS',
    channel_id: 'C0BENCH',
    // A new person each time: nothing about them is known to the bot yet.
    user_id: `U${String(counter).padStart(6, '0')}`,
    user_name: 'bench',
    command: '/papers',
    text,
    response_url: responseUrl,
    // Slack gives every command its own trigger id; paperboy handles each id once.
    trigger_id: `1.${counter++}.0`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const path = new URL(responseUrl).pathname;
  const t0 = performance.now();
  const responded = api.waitFor((c) => c.method === 'respond' && c.path === path, 30_000);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body,
  });
  await res.text();
  const ack = performance.now() - t0;
  await responded;
  return { ack, full: performance.now() - t0 };
};
process.on('message', async (m: ClientRequest) => {
  if ('endpoint' in m) ({ endpoint, signingSecret: secret } = m);
  else if ('request' in m) send(await request(m.request));
  else if ('burst' in m) {
    const { queries, requests, concurrency } = m.burst;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) await request(queries[next++ % queries.length] ?? '');
      }),
    );
    send({ seconds: (performance.now() - t0) / 1000 });
  } else {
    await api.close();
    process.disconnect();
  }
});
send({ apiUrl: api.apiUrl });
