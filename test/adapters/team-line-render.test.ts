import { describe, expect, it } from 'vitest';
import { teamLineText as consoleLine } from '../../adapters/console/render.ts';
import { teamLineText as discordLine } from '../../adapters/discord/render.ts';
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

  it('the console: the same line in plain text', () => {
    expect(consoleLine(here)).toBe(
      'Shared by discord:11 here · 3 weeks ago · 👍 5 (discord:11, discord:12, +3) · 💬 4 replies',
    );
    expect(consoleLine({ share: null, votes: 0, voters: [], replies: 1 })).toBe('💬 1 reply');
  });
});
