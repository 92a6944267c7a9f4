import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import { Recorder } from '../../fakes/recording-handlers.ts';
import { eventCallback, reactionEvent } from './event-bodies.ts';
import { type SlackHarness, sharedMessage, startSlackHarness } from './harness.ts';

/**
 * Signed payloads whose fields are not what Slack sends: each is acked (so Slack does not retry it),
 * logged once at warn without its values, and changes nothing.
 */
interface LogLine {
  level: number;
  msg: string;
  what?: string;
  problems?: string[];
}
const WARN = 40;
const DROPPED = 'Dropped an invalid Slack payload';

let h: SlackHarness;
let logs: Recorder<LogLine>;
let message: { channel: string; ts: string };
const PAPER = '2410.17243';

beforeAll(async () => {
  logs = new Recorder<LogLine>();
  const logger = createLogger('debug', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  h = await startSlackHarness({ logger });
  message = await sharedMessage(h, PAPER, 'C0VOTES');
});
afterAll(() => h?.close());

/** Resolves with the warning for the `n`-th dropped payload (1-based), once it is logged. */
const dropped = (n: number) =>
  logs.waitFor(
    (l) => l.msg === DROPPED && logs.items.filter((x) => x.msg === DROPPED).indexOf(l) === n - 1,
    `drop ${n}`,
  );
const votes = async () => (await h.store.getPaper(PAPER))?.teamVotes;

describe('reaction events', () => {
  const cases: [string, (e: Record<string, unknown>) => void, RegExp][] = [
    ['no user', (e) => delete e.user, /^event\.user: /],
    ['a user id that is not one', (e) => (e.user = 'undefined'), /^event\.user: not a Slack user id/],
    [
      'an emoji name of 10,002 characters that normalises to +1',
      (e) => (e.reaction = `+1${'\ufe0f'.repeat(10_000)}`),
      /^event\.reaction: /,
    ],
    ['an emoji name with markup', (e) => (e.reaction = '+1><!channel'), /^event\.reaction: /],
    [
      'a channel that is not a Slack id',
      (e) => ((e.item as Record<string, unknown>).channel = 'C0VOTES:1.2'),
      /^event\.item\.channel: /,
    ],
  ];
  let drops = 0;
  it.each(cases)(
    'GIVEN %s THEN acked, one warning without the value, no vote',
    async (_what, spoil, problem) => {
      const event = reactionEvent('reaction_added', message, 'U0CAROL', '+1');
      spoil(event);
      const res = await h.send(eventCallback(event), 'application/json');
      expect(res.status).toBe(200);
      const warning = await dropped(++drops);
      expect(warning).toMatchObject({ level: WARN, what: 'reaction_added' });
      expect(warning.problems?.[0]).toMatch(problem);
      expect(JSON.stringify(warning)).not.toContain('\ufe0f'.repeat(2));
      expect(logs.items.filter((l) => l.msg === DROPPED)).toHaveLength(drops);
      expect(await votes()).toBe(0);
    },
  );

  it('GIVEN the same event well-formed THEN it counts (the drops were not the archive refusing)', async () => {
    const res = await h.send(
      eventCallback(reactionEvent('reaction_added', message, 'U0CAROL', '+1')),
      'application/json',
    );
    expect(res.status).toBe(200);
    await h.reactionsHandled(1);
    expect(await votes()).toBe(1);
  });
});

describe('slash commands and Share button presses', () => {
  it('GIVEN a command from a user id that is not one THEN acked, one warning, never run', async () => {
    const before = logs.items.filter((l) => l.msg === DROPPED).length;
    const { res, responseUrl } = await h.command('help', { user: 'slack:undefined' });
    expect(res.status).toBe(200);
    const warning = await dropped(before + 1);
    expect(warning).toMatchObject({ what: 'slash command', problems: ['user_id: not a Slack user id'] });
    expect(h.api.calls.some((c) => responseUrl.endsWith(c.path))).toBe(false);
  });

  it('GIVEN a Share press whose value is not a paper id THEN acked, one warning, nothing posted', async () => {
    const before = logs.items.filter((l) => l.msg === DROPPED).length;
    const posts = h.api.messages.length;
    const { res, responseUrl } = await h.pressShare(`${PAPER}<!channel>`, { channel: 'C0PRESS' });
    expect(res.status).toBe(200);
    const warning = await dropped(before + 1);
    expect(warning).toMatchObject({
      what: 'Share button press',
      problems: ['actions.0.value: not a paper id'],
    });
    expect(h.api.messages).toHaveLength(posts);
    expect(h.api.calls.some((c) => responseUrl.endsWith(c.path))).toBe(false);
  });
});
