import { describe, expect, it } from 'vitest';
import {
  ago,
  savedLineText,
  type TeamLineFormat,
  teamLine,
  teamLineText,
} from '../../src/papers/team-line.ts';
import type { PaperActivity } from '../../src/store/port.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const activity: PaperActivity = {
  shares: [
    { user: 'slack:UANA', channel: 'slack:CLLM', at: '2026-02-08T09:00:00Z' },
    { user: 'slack:UBO', channel: 'slack:CGEN', at: '2026-02-20T09:00:00Z' },
  ],
  votes: [
    { user: 'slack:UANA', channel: 'slack:CLLM', at: '2026-02-08T10:00:00Z' },
    { user: 'slack:UCY', channel: 'slack:CGEN', at: '2026-02-09T10:00:00Z' },
    { user: 'slack:UANA', channel: 'slack:CGEN', at: '2026-02-10T10:00:00Z' },
    { user: 'slack:UDI', channel: 'slack:CGEN', at: '2026-02-11T10:00:00Z' },
    { user: 'slack:UEL', channel: 'slack:CGEN', at: '2026-02-12T10:00:00Z' },
    { user: 'slack:UFO', channel: 'slack:CGEN', at: '2026-02-13T10:00:00Z' },
    { user: 'discord:7', channel: 'discord:99', at: '2026-02-14T10:00:00Z' },
  ],
  replies: [
    { channel: 'slack:CLLM', count: 3 },
    { channel: 'slack:CGEN', count: 1 },
    { channel: 'discord:99', count: 9 },
  ],
};

describe('the team line', () => {
  it('GIVEN the viewer in the channel of the first share THEN it names the sharer there and the voters there', () => {
    expect(teamLine(activity, 'slack:CLLM', NOW)).toEqual({
      share: { by: 'slack:UANA', channel: null, here: true, ago: '3 weeks ago', at: '2026-02-08T09:00:00Z' },
      votes: 5,
      voters: ['slack:UANA'],
      replies: 4,
    });
  });

  it('GIVEN another channel THEN the first share is placed, not named, and only this channel’s voters are named (first three)', () => {
    expect(teamLine(activity, 'slack:CGEN', NOW)).toEqual({
      share: { by: null, channel: 'slack:CLLM', here: false, ago: '3 weeks ago', at: '2026-02-08T09:00:00Z' },
      votes: 5,
      voters: ['slack:UCY', 'slack:UANA', 'slack:UDI'],
      replies: 4,
    });
  });

  it('GIVEN a share in a direct message THEN its place is never given', () => {
    const dm: PaperActivity = {
      shares: [{ user: 'slack:UANA', channel: 'slack:D0ANA', at: '2026-03-01T08:00:00Z' }],
      votes: [],
      replies: [],
    };
    expect(teamLine(dm, 'slack:CGEN', NOW)?.share).toEqual({
      by: null,
      channel: null,
      here: false,
      ago: 'today',
      at: '2026-03-01T08:00:00Z',
    });
  });

  it('GIVEN a share in the DM the bot sends watch alerts to THEN its place is never given', () => {
    const watchDm: PaperActivity = {
      shares: [{ user: 'discord:5', channel: 'discord:77', at: '2026-03-01T08:00:00Z', private: true }],
      votes: [],
      replies: [],
    };
    expect(teamLine(watchDm, 'discord:12', NOW)?.share).toEqual({
      by: null,
      channel: null,
      here: false,
      ago: 'today',
      at: '2026-03-01T08:00:00Z',
    });
  });

  it('GIVEN the paper on the viewing channel’s reading list THEN the line says so, even with nothing else', () => {
    expect(teamLine(undefined, 'slack:CGEN', NOW, true)).toEqual({
      share: null,
      votes: 0,
      voters: [],
      replies: 0,
      reading: true,
    });
    expect(teamLine(activity, 'slack:CLLM', NOW, true)?.reading).toBe(true);
    expect(teamLine(activity, 'slack:CLLM', NOW)).not.toHaveProperty('reading');
  });

  it('words the line once for every platform, with its people and places written by the platform', () => {
    const format: TeamLineFormat = {
      person: (ref, max) => (ref === 'slack:UANA' ? 'Ana'.slice(0, max) : null),
      channel: (ref) => (ref === 'slack:CLLM' ? '#llm' : null),
    };
    const line = teamLine(activity, 'slack:CGEN', NOW, true);
    if (!line) throw new Error('no line');
    expect(teamLineText(line, format)).toBe(
      'Shared in #llm · 3 weeks ago · 👍 5 (Ana, +4) · 💬 4 replies · 📌 reading list',
    );
    expect(
      teamLineText(
        { ...line, share: { ...line.share!, channel: null } },
        { ...format, elsewhere: 'elsewhere' },
      ),
    ).toMatch(/^Shared elsewhere · /);
    expect(
      savedLineText(
        { by: ['slack:UANA', 'slack:UX', 'slack:UY'], ago: 'today', channel: 'slack:CLLM' },
        format,
      ),
    ).toBe('📌 Added by Ana and 2 more in #llm · today');
    expect(savedLineText({ by: ['slack:UX'], ago: 'yesterday' }, format)).toBe(
      '📌 Added by 1 person · yesterday',
    );
  });

  it('GIVEN activity only on another platform THEN nothing is shown', () => {
    const other: PaperActivity = {
      shares: [{ user: 'discord:7', channel: 'discord:99', at: '2026-02-01T00:00:00Z' }],
      votes: [{ user: 'discord:7', channel: 'discord:99', at: '2026-02-01T00:00:00Z' }],
      replies: [{ channel: 'discord:99', count: 2 }],
    };
    expect(teamLine(other, 'slack:CGEN', NOW)).toBeNull();
    expect(teamLine(undefined, 'slack:CGEN', NOW)).toBeNull();
    expect(teamLine(other, 'discord:12', NOW)).toMatchObject({ votes: 1, voters: [], replies: 2 });
  });

  it('says how long ago in words a person uses', () => {
    expect(ago('2026-03-01T01:00:00Z', NOW)).toBe('today');
    expect(ago('2026-02-28T11:00:00Z', NOW)).toBe('yesterday');
    expect(ago('2026-02-24T12:00:00Z', NOW)).toBe('5 days ago');
    expect(ago('2025-12-20T12:00:00Z', NOW)).toBe('2 months ago');
    expect(ago('2026-01-10T12:00:00Z', NOW)).toBe('7 weeks ago');
    expect(ago('2023-01-01T12:00:00Z', NOW)).toBe('3 years ago');
    expect(ago('not a date', NOW)).toBe('today');
  });
});
