import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.ts';

describe('loadConfig', () => {
  it('GIVEN an empty environment THEN the embedded defaults', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: 'sqlite:./data/paperboy.db',
      hfApiUrl: 'https://huggingface.co',
      hfToken: undefined,
      arxivApiUrl: 'https://export.arxiv.org/api/query',
      logLevel: 'info',
      port: 3000,
      upvoteEmoji: ['+1', 'arrow_up', 'fire', 'heart'],
      readingListEmoji: 'pushpin',
      slack: undefined,
      discord: undefined,
      // The console counts the same reactions as the chat platforms (UPVOTE_EMOJI, READING_LIST_EMOJI).
      console: {
        fileDir: undefined,
        upvoteEmoji: ['+1', 'arrow_up', 'fire', 'heart'],
        readingListEmoji: 'pushpin',
      },
      roundup: { channels: [], time: '09:00', timezone: 'UTC', catchUpMs: 6 * 3_600_000 },
      remoteSearch: true,
      watchLimit: 20,
      heldEventsDir: 'data/held-events',
    });
  });

  it.each([
    ['off', false],
    ['OFF', false],
    [' on ', true],
    ['', true],
  ])('GIVEN SEARCH_REMOTE=%j THEN remote search is %s', (value, on) => {
    expect(loadConfig({ SEARCH_REMOTE: value }).remoteSearch).toBe(on);
  });

  it('GIVEN SEARCH_REMOTE=maybe THEN an error naming the variable', () => {
    expect(() => loadConfig({ SEARCH_REMOTE: 'maybe' })).toThrow(/SEARCH_REMOTE must be on or off/);
  });

  it('GIVEN CONSOLE_EXPORT_DIR THEN the console saves exports there', () => {
    expect(loadConfig({ CONSOLE_EXPORT_DIR: '/tmp/papers' }).console?.fileDir).toBe('/tmp/papers');
    expect(loadConfig({ CONSOLE_EXPORT_DIR: ' ' }).console?.fileDir).toBeUndefined();
    expect(loadConfig({ UPVOTE_EMOJI: 'rocket', READING_LIST_EMOJI: 'bookmark' }).console).toMatchObject({
      upvoteEmoji: ['rocket'],
      readingListEmoji: 'bookmark',
    });
  });

  it('GIVEN READING_LIST_EMOJI THEN uses it normalised, and refuses none, several, or an upvote emoji', () => {
    expect(loadConfig({ READING_LIST_EMOJI: ' 🔖 ' }).readingListEmoji).toBe('bookmark');
    expect(loadConfig({ READING_LIST_EMOJI: '📌' }).readingListEmoji).toBe('pushpin');
    expect(loadConfig({ READING_LIST_EMOJI: ':bookmark:' }).readingListEmoji).toBe('bookmark');
    expect(() => loadConfig({ READING_LIST_EMOJI: ',' })).toThrow(
      /READING_LIST_EMOJI must name exactly one emoji/,
    );
    expect(() => loadConfig({ READING_LIST_EMOJI: 'pushpin,bookmark' })).toThrow(/READING_LIST_EMOJI/);
    expect(() => loadConfig({ READING_LIST_EMOJI: '👍' })).toThrow(
      /READING_LIST_EMOJI must not be one of the UPVOTE_EMOJI/,
    );
  });

  it('GIVEN a SQLite archive THEN held events are written down in its folder, unless HELD_EVENTS_DIR says where', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/paperboy/archive.db' }).heldEventsDir).toBe(
      '/var/lib/paperboy/held-events',
    );
    // SQLite's own URI form names the same file, not a folder called "file:".
    expect(
      loadConfig({ DATABASE_URL: 'sqlite:file:///var/lib/paperboy/archive.db?mode=rwc' }).heldEventsDir,
    ).toBe('/var/lib/paperboy/held-events');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/p' }).heldEventsDir).toBe('data/held-events');
    expect(loadConfig({ HELD_EVENTS_DIR: '/srv/held' }).heldEventsDir).toBe('/srv/held');
  });

  it('GIVEN WATCH_LIMIT THEN uses it, and refuses one that is not a whole number from 1', () => {
    expect(loadConfig({ WATCH_LIMIT: '5' }).watchLimit).toBe(5);
    expect(() => loadConfig({ WATCH_LIMIT: '0' })).toThrow(/WATCH_LIMIT/);
    expect(() => loadConfig({ WATCH_LIMIT: 'many' })).toThrow(/WATCH_LIMIT/);
  });

  it('GIVEN values THEN uses them, trimming a trailing slash and treating blanks as unset', () => {
    const c = loadConfig({
      DATABASE_URL: 'sqlite:/var/lib/paperboy/archive.db',
      HF_API_URL: 'http://127.0.0.1:8080/',
      HF_TOKEN: 'hf_secret',
      ARXIV_API_URL: '',
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      databaseUrl: 'sqlite:/var/lib/paperboy/archive.db',
      hfApiUrl: 'http://127.0.0.1:8080',
    });
    expect(c.hfToken).toBe('hf_secret');
    expect(c.arxivApiUrl).toBe('https://export.arxiv.org/api/query');
  });

  it('GIVEN several bad variables THEN reports every one at once, each by name, without their values', () => {
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x', HF_API_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/HF_API_URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('GIVEN Slack and Discord credentials THEN both platforms are configured', () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      SLACK_ADMINS: 'U1, U2',
      DISCORD_TOKEN: 't',
      DISCORD_APPLICATION_ID: '123456789012345678',
      UPVOTE_EMOJI: '👍, rocket',
    });
    expect(c.slack).toMatchObject({
      botToken: 'xoxb-1',
      apiUrl: 'http://127.0.0.1:9/api/',
      admins: ['U1', 'U2'],
    });
    expect(c.discord).toMatchObject({ applicationId: '123456789012345678', messageContent: false });
    expect(c.upvoteEmoji).toEqual(['+1', 'rocket']);
  });

  it('GIVEN DISCORD_MESSAGE_CONTENT THEN paper links are read from messages; a value that is no switch is named', () => {
    const discord = { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678' };
    expect(loadConfig({ ...discord, DISCORD_MESSAGE_CONTENT: 'true' }).discord?.messageContent).toBe(true);
    expect(loadConfig({ ...discord, DISCORD_MESSAGE_CONTENT: 'off' }).discord?.messageContent).toBe(false);
    expect(() => loadConfig({ ...discord, DISCORD_MESSAGE_CONTENT: 'yes please' })).toThrow(
      /DISCORD_MESSAGE_CONTENT.*must be true or false/,
    );
  });

  it('GIVEN roundup defaults THEN parses them, and names bad ones', () => {
    const c = loadConfig({
      ROUNDUP_CHANNELS: 'slack:C1, discord:42',
      ROUNDUP_TIME: '07:45',
      ROUNDUP_TIMEZONE: 'Asia/Tokyo',
    });
    expect(c.roundup).toMatchObject({
      channels: ['slack:C1', 'discord:42'],
      time: '07:45',
      timezone: 'Asia/Tokyo',
    });
    expect(() =>
      loadConfig({ ROUNDUP_CHANNELS: 'C1', ROUNDUP_TIME: '25:00', ROUNDUP_TIMEZONE: 'Mars/Base' }),
    ).toThrow(/ROUNDUP_CHANNELS[\s\S]*ROUNDUP_TIME[\s\S]*ROUNDUP_TIMEZONE/);
  });

  it('GIVEN HOST THEN the HTTP server binds that interface; a malformed one is named', () => {
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadConfig({}).host).toBeUndefined();
    expect(() => loadConfig({ HOST: 'http://0.0.0.0/' })).toThrow(/HOST must be an interface address/);
  });

  it('GIVEN half-configured platforms THEN names the missing variables', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', DISCORD_TOKEN: 't' })).toThrow(
      /SLACK_SIGNING_SECRET[\s\S]*DISCORD_APPLICATION_ID|DISCORD_APPLICATION_ID[\s\S]*SLACK_SIGNING_SECRET/,
    );
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: 's' })).toThrow(
      /SLACK_BOT_TOKEN must be a bot token/,
    );
  });
});
