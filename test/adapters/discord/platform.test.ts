import { GatewayIntentBits, GatewayOpcodes, InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordPlatform } from '../../../adapters/discord/platform.ts';
import { shareCustomId } from '../../../adapters/discord/render.ts';
import { platformContract } from '../../contract/platform.contract.ts';
import type { FakeDiscord, RestCall } from '../../fakes/discord-gateway.ts';
import { recordingHandlers } from '../../fakes/recording-handlers.ts';
import { discordUnderContract } from './contract-harness.ts';
import { platformOnFake } from './platform-on-fake.ts';

platformContract(discordUnderContract);

/**
 * The adapter end to end: discord.js's real client over a real WebSocket to the fake Discord, with
 * handlers that record what the adapter delivers. Waits are on recorded calls and events, never sleeps.
 */
let fake: FakeDiscord;
let platform: DiscordPlatform;
const rec = recordingHandlers(
  (i) => ({
    visibility: 'ephemeral',
    text: `ran ${i.input.kind === 'options' ? i.input.subcommand : ''}`,
  }),
  (q) => [
    { name: `${'A long title '.repeat(10)}about ${q.value}`, value: '2410.00001', tag: '2410.00001' },
    { name: 'A short one', value: 'short' },
  ],
);

const callback = (token: string) => (c: RestCall) =>
  c.method === 'POST' && c.route.includes(`/${token}/callback`);
const edit = (token: string) => (c: RestCall) =>
  c.method === 'PATCH' && c.route.includes(`/${token}/messages/`);

beforeAll(async () => {
  ({ fake, platform } = await platformOnFake(rec.handlers));
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});

describe('Discord platform over the fake gateway', () => {
  it('identifies with the Guilds, GuildMessageReactions, GuildMessages and DirectMessageReactions intents (no privileged Message Content by default) and keeps heartbeating', async () => {
    const identify = await fake.waitForFrame(
      (f) => f.kind === 'recv' && f.op === GatewayOpcodes.Identify,
      'IDENTIFY',
    );
    expect((identify.d as { intents: number }).intents).toBe(
      GatewayIntentBits.Guilds |
        GatewayIntentBits.GuildMessageReactions |
        GatewayIntentBits.GuildMessages |
        GatewayIntentBits.DirectMessageReactions,
    );
    await fake.waitForFrame(
      (f) => f.kind === 'send' && f.op === GatewayOpcodes.HeartbeatAck,
      'a heartbeat ACK',
    );
  });

  it('defers a command ephemerally before running it, then edits the reply without pings', async () => {
    const sent = fake.command('search', { query: 'diffusion models' });
    const invocation = await rec.commands.waitFor(
      (i) => i.channel === `discord:${fake.channelId}`,
      'the command',
    );
    const deferred = fake.calls.find(callback(sent.token));
    expect(deferred?.body).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    expect(invocation).toEqual({
      platform: 'discord',
      channel: `discord:${fake.channelId}`,
      user: `discord:${fake.users.alice.user.id}`,
      userName: 'alice',
      input: { kind: 'options', subcommand: 'search', options: { query: 'diffusion models' } },
      canManageChannel: false,
    });
    const edited = await fake.waitForCall(edit(sent.token), 'the edited reply');
    expect(fake.calls.indexOf(deferred as RestCall)).toBeLessThan(fake.calls.indexOf(edited));
    expect(edited.body).toMatchObject({
      allowed_mentions: { parse: [] },
      embeds: [{ description: 'ran search' }],
    });
  });

  it('passes Manage Channels as canManageChannel', async () => {
    const before = rec.commands.items.length;
    fake.command('help', {}, fake.users.admin);
    const invocation = await rec.commands.waitFor(
      (i) => rec.commands.items.indexOf(i) >= before,
      'admin command',
    );
    expect(invocation.canManageChannel).toBe(true);
    expect(invocation.userName).toBe('admin');
  });

  it('answers autocomplete with onSuggest, fitted to Discord: names of 100 characters keep their tag', async () => {
    const sent = fake.autocomplete('share', 'paper', { paper: 'hallucin' }, fake.users.bob);
    const answer = await fake.waitForCall(callback(sent.token), 'the autocomplete answer');
    expect(rec.suggestions.items.at(-1)).toEqual({
      channel: `discord:${fake.channelId}`,
      user: `discord:${fake.users.bob.user.id}`,
      subcommand: 'share',
      option: 'paper',
      value: 'hallucin',
    });
    const body = answer.body as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const [long, short] = body.data.choices;
    expect(long?.name).toHaveLength(100);
    expect(long?.name).toMatch(/^A long title .*… \(2410\.00001\)$/);
    expect(long?.value).toBe('2410.00001');
    expect(short).toEqual({ name: 'A short one', value: 'short' });
  });

  it('turns the Share button into onShare and answers privately', async () => {
    const sent = fake.button(shareCustomId('2410.17243'), fake.users.bob);
    const action = await rec.shares.waitFor((s) => s.paperId === '2410.17243', 'the share');
    expect(action).toEqual({
      platform: 'discord',
      channel: `discord:${fake.channelId}`,
      user: `discord:${fake.users.bob.user.id}`,
      userName: 'bob',
      paperId: '2410.17243',
    });
    expect(fake.calls.find(callback(sent.token))?.body).toMatchObject({
      data: { flags: MessageFlags.Ephemeral },
    });
    const edited = await fake.waitForCall(edit(sent.token), 'the share confirmation');
    expect(edited.body).toMatchObject({ embeds: [{ description: 'Shared 2410.17243' }] });
  });

  it('posts to a channel with allowedMentions parse [] and reacts by REST', async () => {
    const ref = await platform.post(`discord:${fake.channelId}`, {
      visibility: 'channel',
      text: '@everyone look',
    });
    const posted = await fake.waitForCall(
      (c) => c.method === 'POST' && c.route.endsWith('/messages'),
      'the post',
    );
    const id = ref.split(':')[2] ?? '';
    expect(fake.messages.get(id)?.channel_id).toBe(fake.channelId);
    expect(posted.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(JSON.stringify(posted.body)).not.toMatch(/@everyone/);
    await platform.react(ref, '+1');
    await fake.waitForCall(
      (c) =>
        c.method === 'PUT' &&
        c.route === `/channels/${fake.channelId}/messages/${id}/reactions/%F0%9F%91%8D/@me` &&
        c.status === 204,
      'the seed reaction',
    );
  });

  it('delivers reactions: add, a second emoji, removal, the bot’s own, a custom emoji, an uncached message', async () => {
    const ref = await platform.post(`discord:${fake.channelId}`, { visibility: 'channel', text: 'a paper' });
    const id = ref.split(':')[2] ?? '';
    const alice = fake.users.alice.user;
    fake.reactionAdd(id, { id: null, name: '👍' }, alice);
    fake.reactionAdd(id, { id: null, name: '🔥' }, alice);
    fake.reactionRemove(id, { id: null, name: '👍' }, alice);
    fake.reactionAdd(id, { id: null, name: '👍' }, fake.botUser);
    fake.reactionAdd(id, { id: '777000111', name: 'upvote' }, fake.users.bob.user);
    fake.reactionAdd('1299999999999999999', { id: null, name: '❤️' }, alice);
    const last = await rec.reactions.waitFor(
      (r) => r.message.endsWith(':1299999999999999999'),
      'the uncached one',
    );
    // One message's reactions reach the core one after another (retry-later.ts), another's beside them.
    await rec.reactions.waitFor(
      () => rec.reactions.items.filter((r) => r.message === ref).length === 5,
      'the five on the posted message',
    );
    const mine = rec.reactions.items.filter((r) => r.message === ref);
    expect(mine.map((r) => [r.emoji, r.added, r.byBot, r.user])).toEqual([
      ['👍', true, false, `discord:${alice.id}`],
      ['🔥', true, false, `discord:${alice.id}`],
      ['👍', false, false, `discord:${alice.id}`],
      ['👍', true, true, `discord:${fake.botUser.id}`],
      ['<:upvote:777000111>', true, false, `discord:${fake.users.bob.user.id}`],
    ]);
    expect(last).toMatchObject({
      channel: `discord:${fake.channelId}`,
      emoji: '❤️',
      added: true,
      at: '2024-10-25T12:00:00.000Z',
    });
  });

  it('waits out a REST 429 (Retry-After) and then posts', async () => {
    fake.rateLimit('POST', /^\/channels\/\d+\/messages$/, 1);
    const before = fake.calls.length;
    const ref = await platform.post(`discord:${fake.channelId}`, {
      visibility: 'channel',
      text: 'after the limit',
    });
    const posts = fake.calls.slice(before).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(ref).toMatch(/^discord:\d+:\d+$/);
  });

  it('sends an idempotency key as an enforced nonce: a repeat returns the first message, a new key posts', async () => {
    const channel = `discord:${fake.channelId}`;
    const before = fake.calls.length;
    const first = await platform.post(
      channel,
      { visibility: 'channel', text: 'once' },
      { idempotencyKey: 'k1' },
    );
    const again = await platform.post(
      channel,
      { visibility: 'channel', text: 'once' },
      { idempotencyKey: 'k1', since: new Date().toISOString() },
    );
    const other = await platform.post(
      channel,
      { visibility: 'channel', text: 'once' },
      { idempotencyKey: 'k2' },
    );
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const posts = fake.calls.slice(before).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.body)).toEqual([
      expect.objectContaining({ nonce: 'k1', enforce_nonce: true }),
      expect.objectContaining({ nonce: 'k1', enforce_nonce: true }),
      expect.objectContaining({ nonce: 'k2', enforce_nonce: true }),
    ]);
    // A key longer than Discord's 25 characters maps to one nonce that fits.
    const long = 'k'.repeat(40);
    const a = await platform.post(channel, { visibility: 'channel', text: 'x' }, { idempotencyKey: long });
    expect(await platform.post(channel, { visibility: 'channel', text: 'x' }, { idempotencyKey: long })).toBe(
      a,
    );
  });

  it('returns the message a 500 hid, when discord.js retries with the same nonce', async () => {
    fake.serverError('POST', /^\/channels\/\d+\/messages$/, { status: 500, effect: true });
    const before = fake.messages.size;
    const from = fake.calls.length;
    const ref = await platform.post(
      `discord:${fake.channelId}`,
      { visibility: 'channel', text: 'answer lost' },
      { idempotencyKey: 'k-lost' },
    );
    const posts = fake.calls.slice(from).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.status)).toEqual([500, 200]);
    expect(fake.messages.size).toBe(before + 1);
    expect(fake.messages.has(ref.split(':')[2] ?? '')).toBe(true);
  });

  for (const mode of ['close-4000', 'destroy'] as const) {
    it(`resumes after the gateway drops (${mode}), replays missed events and answers commands`, async () => {
      const resumesBefore = fake.frames.filter((f) => f.op === GatewayOpcodes.Resume).length;
      fake.drop(mode);
      // Dispatched while disconnected: the fake keeps it for the RESUME replay.
      const missed = mode === 'close-4000' ? '1299999999999999998' : '1299999999999999997';
      fake.reactionAdd(missed, { id: null, name: '👍' }, fake.users.bob.user);
      await fake.waitForFrame(
        (f) =>
          f.kind === 'recv' &&
          f.op === GatewayOpcodes.Resume &&
          fake.frames.filter((x) => x.op === GatewayOpcodes.Resume).length > resumesBefore,
        'RESUME',
      );
      await rec.reactions.waitFor((r) => r.message.endsWith(`:${missed}`), 'the replayed reaction');
      const identifies = fake.frames.filter((f) => f.kind === 'recv' && f.op === GatewayOpcodes.Identify);
      expect(identifies).toHaveLength(1);
      const sent = fake.command('today');
      const edited = await fake.waitForCall(edit(sent.token), 'a reply after the resume');
      expect(edited.body).toMatchObject({ embeds: [{ description: 'ran today' }] });
    });
  }
});

describe('Discord platform start', () => {
  it('rejects with a clear error when Discord refuses the token', async () => {
    const other = new DiscordPlatform({
      token: 'wrong',
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      leaseMs: 30_000,
    });
    await expect(other.start(recordingHandlers().handlers)).rejects.toThrow(/Discord login failed/);
    await other.stop();
  });
});
