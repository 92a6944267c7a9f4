import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { FAKE_TEAM_ID } from '../../fakes/slack-api.ts';
import { type SlackHarness, startSlackHarness } from './harness.ts';

/** Notices Slack itself sends to /slack/events, outside any event callback. */
interface LogLine {
  level: number;
  msg: string;
}
let h: SlackHarness;
let logs: Recorder<LogLine>;
beforeAll(async () => {
  logs = new Recorder<LogLine>();
  const logger = createLogger('debug', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  h = await startSlackHarness({ logger });
});
afterAll(() => h?.close());

describe('app_rate_limited', () => {
  it('GIVEN Slack saying it drops the app’s events THEN it is answered 200 at once and the log says so', async () => {
    const notice = JSON.stringify({
      token: 'deprecated-verification-token',
      type: 'app_rate_limited',
      team_id: FAKE_TEAM_ID,
      minute_rate_limited: 1518467820,
      api_app_id: 'A0PAPERS',
    });
    const res = await h.send(notice, 'application/json');
    // Anything but a 200 counts against the app's delivery record, as an event it failed to take.
    expect(res.status).toBe(200);
    const warning = await logs.waitFor((l) => /rate limiting this app/.test(l.msg), 'the warning');
    expect(warning).toMatchObject({ level: 40, team: FAKE_TEAM_ID, since: 1518467820 });
    expect(logs.items.some((l) => /not acknowledged|Could not determine/.test(l.msg))).toBe(false);
  });

  it('GIVEN the same notice unsigned THEN 401, and nothing is logged as rate limiting', async () => {
    const before = logs.items.filter((l) => /rate limiting this app/.test(l.msg)).length;
    const res = await h.send(
      JSON.stringify({ type: 'app_rate_limited', team_id: FAKE_TEAM_ID }),
      'application/json',
      {
        signature: null,
      },
    );
    expect(res.status).toBe(401);
    expect(logs.items.filter((l) => /rate limiting this app/.test(l.msg))).toHaveLength(before);
  });
});
