import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import type { CommandDefinition } from '../../commands/types.ts';
import { Bot } from '../../src/chat/bot.ts';
import { createLogger } from '../../src/log.ts';
import { clients, NOW, openArchive } from '../commands/archive.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';
import { type BotHarness, botHarness } from './harness.ts';

describe('Bot.onCommand', () => {
  let fake: FakeHf;
  let h: BotHarness;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    h = await botHarness({ hfUrl: fake.url, arxivUrl: fake.arxivUrl });
  });
  afterEach(() => h.close());

  it('GIVEN a change that needs channel-manager rights from someone without them THEN the platform rule is named and nothing changes', async () => {
    // The recording platform states no rule of its own, so the core's neutral wording is used.
    const refused = await h.command('roundup on');
    expect(refused).toEqual({
      visibility: 'ephemeral',
      text: "Only the people who manage this channel can change this channel's roundup.",
    });
    expect(await h.archive.store.getChannelSettings('slack:C1')).toBeNull();
    // Looking needs no rights.
    expect((await h.command('roundup')).text).toMatch(/^Roundup in this channel: off/);
  });

  it('GIVEN a search THEN the private results come back and nothing is posted', async () => {
    const reply = await h.command('unlearning');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers).toHaveLength(5);
    expect(h.platform.posts).toEqual([]);
  });

  it('GIVEN a share THEN the paper is posted for everyone, recorded, and the person gets a confirmation', async () => {
    const reply = await h.command('share 2602.23229 for Friday’s reading group');
    expect(reply).toEqual({
      visibility: 'ephemeral',
      text: 'Shared “Large Multimodal Models as General In-Context Classifiers” in this channel.',
    });
    const [post] = h.platform.posts;
    expect(post?.channel).toBe('slack:C1');
    expect(post?.reply.papers).toEqual([
      expect.objectContaining({
        sharedBy: 'slack:U1',
        sharedByName: 'Ada',
        note: 'for Friday’s reading group',
      }),
    ]);
    expect(await h.archive.store.getPost(post?.message ?? '')).toEqual({
      message: post?.message,
      channel: 'slack:C1',
      paperId: '2602.23229',
      kind: 'share',
      postedBy: 'slack:U1',
      postedAt: NOW.toISOString(),
    });
  });

  it('GIVEN a share the services cannot resolve THEN only the person hears, nothing posted', async () => {
    const reply = await h.command('share 2501.99999');
    expect(reply).toEqual({
      visibility: 'ephemeral',
      text: 'Neither Hugging Face nor arXiv know 2501.99999. Check the id.',
    });
    expect(h.platform.posts).toEqual([]);
  });

  it('GIVEN the platform refusing the post THEN the person is told and nothing is recorded', async () => {
    h.platform.failPosts = new Error('not_in_channel');
    const reply = await h.command('share 2410.17243');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toMatch(
      /^I could not post in this channel \(not_in_channel\)\. Is the bot a member of it\?$/,
    );
    expect(await h.archive.store.papersPostedIn('slack:C1')).toEqual(new Set());
  });

  it.each([
    [
      'An API error occurred: token_revoked',
      /access to this workspace was revoked or has expired\. An admin needs to reinstall/,
    ],
    [
      'An API error occurred: invalid_auth',
      /An admin needs to reinstall or reconnect the app; trying again will not help\.$/,
    ],
    ['401: Unauthorized', /revoked or has expired/],
    [
      'An API error occurred: is_archived',
      /^I could not post in this channel \(.*is_archived\): it is archived\.$/,
    ],
    ['An API error occurred: internal_error', /\. Try again in a minute\.$/],
    [
      'Missing Permissions',
      /\(Missing Permissions\)\. The bot needs View Channel, Send Messages and Embed Links here\.$/,
    ],
  ])(
    'GIVEN the platform refusing the post with %j THEN the person hears what would help',
    async (why, said) => {
      h.platform.failPosts = new Error(why);
      const reply = await h.command('share 2410.17243');
      expect(reply.text).toMatch(said);
      expect(reply.text).not.toMatch(/member of it/);
      expect(await h.archive.store.papersPostedIn('slack:C1')).toEqual(new Set());
    },
  );

  it('GIVEN text that does not parse THEN the error, privately', async () => {
    expect(await h.command('top year')).toEqual({
      visibility: 'ephemeral',
      text: expect.stringMatching(/^"year" is not a choice of \/papers top: choose week, month or all\./),
    });
  });

  it('GIVEN options parsed by the platform (Discord) THEN the same subcommands run', async () => {
    const invoke = (subcommand: string, options: Record<string, string>) =>
      h.handlers.onCommand({
        platform: 'discord',
        channel: 'discord:1',
        user: 'discord:42',
        userName: 'Grace',
        input: { kind: 'options', subcommand, options },
        canManageChannel: false,
      });
    expect((await invoke('search', { query: 'unlearning' })).papers).toHaveLength(5);
    expect((await invoke('top', { period: 'year' })).text).toMatch(/choose week, month or all/);
    expect((await invoke('share', { paper: '2410.17243' })).text).toMatch(/^Shared/);
    expect(h.platform.posts[0]?.channel).toBe('discord:1');
  });
});

describe('Bot.onShare (the Share button)', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await botHarness();
  });
  afterEach(() => h.close());

  const press = (paperId: string) =>
    h.handlers.onShare({ platform: 'slack', channel: 'slack:C1', user: 'slack:U2', userName: 'Bo', paperId });

  it('posts the paper credited to whoever pressed it, as a search share', async () => {
    const reply = await press('2410.17243');
    expect(reply.text).toMatch(/^Shared “Breaking the Memory Barrier.*” in this channel\.$/);
    const [post] = h.platform.posts;
    expect(post?.reply.papers?.[0]).toMatchObject({ sharedBy: 'slack:U2', sharedByName: 'Bo' });
    expect(await h.archive.store.getPost(post?.message ?? '')).toMatchObject({
      kind: 'search-share',
      postedBy: 'slack:U2',
      paperId: '2410.17243',
    });
  });

  it('GIVEN a paper without an arXiv id no longer archived THEN says so, privately', async () => {
    expect((await press('title:no-such-paper')).text).toMatch(/no longer in the archive/);
    expect(h.platform.posts).toEqual([]);
  });

  it('GIVEN an arXiv id the archive lacks and no service answers THEN says it could not be looked up', async () => {
    // A Share button on a Hugging Face search result: the paper is fetched as /papers share would.
    expect((await press('2501.99999')).text).toMatch(/could not look up 2501\.99999/);
    expect(h.platform.posts).toEqual([]);
  });

  it('GIVEN the post failing THEN says it could not post', async () => {
    h.platform.failPosts = new Error('channel_not_found');
    expect((await press('2410.17243')).text).toMatch(/could not post/);
  });
});

describe('a command that throws', () => {
  it('is logged with its error and answered with a sentence, never a rejection', async () => {
    const archive = await openArchive([]);
    const lines: string[] = [];
    const boom: CommandDefinition = {
      name: 'boom',
      description: 'fails',
      options: [],
      run: async () => {
        throw new Error('kaput');
      },
    };
    const bot = new Bot({
      store: archive.store,
      ...clients(),
      upvoteEmoji: ['+1'],
      logger: createLogger('error', { write: (s: string) => lines.push(s) }),
      commands: [...COMMANDS, boom],
    });
    const platform = new RecordingPlatform();
    const reply = await bot.handlersFor(platform).onCommand({
      platform: 'slack',
      channel: 'slack:C1',
      user: 'slack:U1',
      userName: null,
      input: { kind: 'text', text: 'boom' },
      canManageChannel: false,
    });
    expect(reply).toEqual({
      visibility: 'ephemeral',
      text: 'Something went wrong while running /papers boom. It has been logged; try again in a moment.',
    });
    expect(lines.join('')).toMatch(/"msg":"command failed".*kaput|kaput.*"msg":"command failed"/);
    await archive.close();
  });
});
