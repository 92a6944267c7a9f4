import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { parseCommandText } from '../../commands/parse.ts';
import { parseDays, parseTopicsText } from '../../commands/roundup.ts';
import type { CommandContext } from '../../commands/types.ts';
import { type Archive, context, openArchive } from './archive.ts';

let archive: Archive;
beforeEach(async () => {
  archive = await openArchive([]);
});
afterEach(async () => {
  await archive.close();
});

async function run(text: string, over: Partial<CommandContext> = {}) {
  const parsed = parseCommandText(text, COMMANDS);
  if ('error' in parsed) return { visibility: 'ephemeral', text: parsed.error };
  return parsed.command.run(context(archive.store, over), parsed.args);
}
// The channel-manager right is the core's to check (test/chat): the command runs as asked here.

describe('/papers roundup', () => {
  it('shows the settings to anyone, off until someone turns it on, with the defaults', async () => {
    const reply = await run('roundup');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toMatch(/^Roundup in this channel: off/);
    expect(reply.text).toMatch(/time: 09:00 UTC, weekdays/);
    expect(reply.text).toMatch(/Turn it on with \/papers roundup on/);
  });

  it('lets a channel manager turn it on, set time and zone, size, topics, days and mode', async () => {
    expect((await run('roundup on')).text).toMatch(/^Saved\.\nRoundup in this channel: on/);
    expect((await run('roundup at 9:30 Europe/Berlin')).text).toMatch(/time: 09:30 Europe\/Berlin/);
    expect((await run('roundup size 8')).text).toMatch(/size: 8 papers/);
    expect((await run('roundup topics "machine unlearning" diffusion -survey')).text).toMatch(
      /topics: machine unlearning, diffusion, -survey/,
    );
    expect((await run('roundup days mon,wed,fri')).text).toMatch(/mon, wed, fri/);
    expect((await run('roundup mode digest')).text).toMatch(/one digest message/);
    const saved = await archive.store.getChannelSettings('slack:C1');
    expect(saved).toMatchObject({
      enabled: true,
      time: '09:30',
      timezone: 'Europe/Berlin',
      size: 8,
      topics: ['machine unlearning', 'diffusion', '-survey'],
      days: [1, 3, 5],
      mode: 'digest',
      updatedBy: 'slack:U1',
    });
    // The next run is a Friday 09:30 in Berlin: the test clock is Wednesday 2025-11-12 09:00 UTC.
    expect((await run('roundup')).text).toMatch(/Next roundup: 2025-11-14 08:30 UTC/);
  });

  it.each([
    ['roundup at 25:00', /HH:MM/],
    ['roundup at 09:00 Mars/Olympus', /not a time zone I know/],
    ['roundup size 50', /from 1 to 10/],
    ['roundup size many', /from 1 to 10/],
    ['roundup days someday', /weekdays, daily/],
    ['roundup mode loud', /messages .* or digest/],
    ['roundup topics', /List topics/],
    [
      'roundup sometimes',
      /^"sometimes" is not a choice of \/papers roundup: choose show, on, off, at, size, topics, days, mode or min-score\. Usage: /,
    ],
  ])('GIVEN %s THEN a clear error and nothing saved', async (text, message) => {
    expect((await run(text)).text).toMatch(message);
    expect(await archive.store.getChannelSettings('slack:C1')).toBeNull();
  });

  it('starts a configured channel from its configured defaults, on, and keeps them when one setting changes', async () => {
    const configured = {
      roundupDefaults: { time: '08:15', timezone: 'Asia/Tokyo', channels: ['slack:C1'] },
    };
    expect((await run('roundup', configured)).text).toMatch(/on\n• time: 08:15 Asia\/Tokyo/);
    await run('roundup size 8', configured);
    expect(await archive.store.getChannelSettings('slack:C1')).toMatchObject({
      enabled: true,
      time: '08:15',
      timezone: 'Asia/Tokyo',
      size: 8,
    });
  });

  it('shows the last roundup that was given up in the last 30 days, with its tries and error', async () => {
    const giveUp = async (day: string, tries: number, error: string) => {
      for (let i = 1; i <= tries; i++) {
        expect(await archive.store.claimRoundup('slack:C1', day, 'bot', 30_000, { retryNow: true })).toBe(
          true,
        );
        await archive.store.recordRoundupFailure('slack:C1', day, 'bot', error, i < tries ? 60_000 : null);
      }
    };
    await giveUp('2025-09-01', 1, 'channel_not_found'); // too long ago to mention
    expect((await run('roundup')).text).not.toMatch(/failure/);
    await giveUp('2025-11-10', 5, 'An API error occurred: not_in_channel');
    expect((await run('roundup')).text).toMatch(
      /\n⚠ Last failure: the roundup for 2025-11-10 was given up after 5 tries \(An API error occurred: not_in_channel\)\./,
    );
    await giveUp('2025-11-11', 1, 'is_archived');
    const text = (await run('roundup')).text ?? '';
    expect(text.split('\n').at(-1)).toBe(
      '⚠ Last failure: the roundup for 2025-11-11 was given up after 1 try (is_archived). Is the bot still in this channel? Once fixed, the next roundup goes out as usual.',
    );
    // Another channel's failures are not this one's.
    expect((await run('roundup', { channel: 'slack:C2' })).text).not.toMatch(/failure/);
  });

  it('clears topics', async () => {
    await run('roundup topics diffusion');
    expect((await run('roundup topics none')).text).toMatch(/topics: none/);
  });
});

describe('roundup text parsers', () => {
  it.each([
    ['"machine unlearning" diffusion -survey', ['machine unlearning', 'diffusion', '-survey']],
    ['-"red teaming" llm llm', ['-red teaming', 'llm']],
    ['"unbalanced topic', ['unbalanced topic']],
  ])('topics %j', (text, topics) => {
    expect(parseTopicsText(text)).toEqual(topics);
  });

  it.each([
    ['weekdays', [1, 2, 3, 4, 5]],
    ['daily', [1, 2, 3, 4, 5, 6, 7]],
    ['mon,wed,fri', [1, 3, 5]],
    ['Monday Tuesday', [1, 2]],
    ['mon-thu', [1, 2, 3, 4]],
    ['fri-mon', null],
    ['blursday', null],
  ])('days %j', (text, days) => {
    expect(parseDays(text)).toEqual(days);
  });
});
