import { describe, expect, it } from 'vitest';
import { teamLineText as consoleLine } from '../../adapters/console/render.ts';
import { teamLineText as discordLine } from '../../adapters/discord/render.ts';
import { teamLineText as slackLine } from '../../adapters/slack/render.ts';
import type { TeamLine } from '../../src/papers/team-line.ts';

const here: TeamLine = {
  share: { by: 'discord:11', channel: null, here: true, ago: '3 weeks ago' },
  votes: 5,
  voters: ['discord:11', 'discord:12'],
  replies: 4,
};
const elsewhere: TeamLine = {
  share: { by: null, channel: 'discord:77', here: false, ago: 'yesterday' },
  votes: 1,
  voters: [],
  replies: 0,
};

describe('the team line as each platform shows it', () => {
  it('Discord: people as mentions (names in the client, never a ping), the place as a channel mention', () => {
    expect(discordLine(here)).toBe(
      'Shared by <@11> here · 3 weeks ago · 👍 5 (<@11>, <@12>, +3) · 💬 4 replies',
    );
    expect(discordLine(elsewhere)).toBe('Shared in <#77> · yesterday · 👍 1');
    expect(
      discordLine({ ...elsewhere, share: { ...elsewhere.share, channel: null } as TeamLine['share'] }),
    ).toBe('Shared in another conversation · yesterday · 👍 1');
    // Beside a leaderboard that names its voters already, the votes are not repeated.
    expect(discordLine(here, { votes: false })).toBe('Shared by <@11> here · 3 weeks ago · 💬 4 replies');
  });

  it('a known time: Discord as its relative timestamp, Slack as its date token for today and yesterday', () => {
    const at = '2026-11-12T08:00:00.000Z';
    const seconds = Date.parse(at) / 1000;
    const old = { ...here, share: { ...here.share, at } as TeamLine['share'] };
    const recent = {
      ...elsewhere,
      share: { channel: 'slack:C0LLM', by: null, here: false, ago: 'yesterday', at },
    };
    // Discord counts "3 weeks ago" by the reader's own clock and language.
    expect(discordLine(old)).toBe(
      `Shared by <@11> here · <t:${seconds}:R> · 👍 5 (<@11>, <@12>, +3) · 💬 4 replies`,
    );
    // "Yesterday" depends on the reader's time zone: Slack's token says it in theirs, with ours as fallback.
    expect(slackLine(recent, undefined)).toBe(
      `Shared in <#C0LLM> · <!date^${seconds}^{date_short_pretty}|yesterday> · 👍 1`,
    );
    // Weeks ago reads the same in every time zone.
    expect(slackLine({ ...old, share: { ...old.share!, by: null } }, undefined)).toContain(
      ' · 3 weeks ago · ',
    );
    // The console has no such form.
    expect(consoleLine(old)).toContain(' · 3 weeks ago · ');
  });

  it('the console: the same line in plain text', () => {
    expect(consoleLine(here)).toBe(
      'Shared by discord:11 here · 3 weeks ago · 👍 5 (discord:11, discord:12, +3) · 💬 4 replies',
    );
    expect(consoleLine({ share: null, votes: 0, voters: [], replies: 1 })).toBe('💬 1 reply');
  });
});
