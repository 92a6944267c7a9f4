import { afterEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../../adapters/slack/platform.ts';
import type { SlackConfig } from '../../../adapters/slack/settings.ts';
import type { CommandInvocation, InboundHandlers, Reply } from '../../../src/chat/platform.ts';
import { platformContract } from '../../contract/platform.contract.ts';
import { FAKE_TEAM_ID, type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { slackUnderContract } from './contract-harness.ts';
import {
  APP_TOKEN,
  BOT_TOKEN,
  postSigned,
  SIGNING_SECRET,
  type SlackHarness,
  startSlackHarness,
} from './harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function config(api: FakeSlackApi, over: Partial<SlackConfig> = {}): SlackConfig {
  return {
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    apiUrl: api.apiUrl,
    admins: [],
    teamId: undefined,
    ...over,
  };
}

/** Handlers that answer every command with its own text, recording the invocations. */
function echoHandlers(seen: CommandInvocation[]): InboundHandlers {
  return {
    onCommand: async (inv): Promise<Reply> => {
      seen.push(inv);
      return { visibility: 'ephemeral', text: `echo ${inv.input.kind === 'text' ? inv.input.text : ''}` };
    },
    onShare: async () => ({ visibility: 'ephemeral', text: 'shared' }),
    onReaction: async () => undefined,
    onReactionsCleared: async () => undefined,
    onSuggest: async () => [],
    onLinks: async () => [],
    onThreadReply: async () => {},
  };
}

async function harness(over: Parameters<typeof startSlackHarness>[0] = {}): Promise<SlackHarness> {
  const h = await startSlackHarness(over);
  cleanups.push(() => h.close());
  return h;
}

async function fakeApi(): Promise<FakeSlackApi> {
  const api = await startFakeSlackApi({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  cleanups.push(() => api.close());
  return api;
}

platformContract(slackUnderContract);

describe('Socket Mode', () => {
  it('connects through apps.connections.open and runs /papers help over the WebSocket', async () => {
    const h = await harness({ socketMode: true });
    const { api } = h;
    const socket = h.socket!;
    expect(h.platform.port).toBeUndefined();
    await socket.connected();
    expect(api.calls.map((c) => c.method)).toEqual(['auth.test', 'apps.connections.open']);
    expect(api.calls[1]?.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);

    const responseUrl = api.responseUrl();
    const ack = await socket.sendSlashCommand({
      token: 'deprecated-verification-token',
      team_id: FAKE_TEAM_ID,
      team_domain: 'papers',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/papers',
      text: 'help',
      api_app_id: 'A0PAPERS',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: '1.2.3',
    });
    expect(ack).toEqual({});
    const reply = await api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
    expect(reply.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.body.blocks)).toContain('/papers top');
  });
});

describe('workspace filter', () => {
  it('ignores a command from another workspace (acked, never run) and runs its own', async () => {
    const api = await fakeApi();
    const seen: CommandInvocation[] = [];
    const platform = createSlackPlatform(config(api, { teamId: FAKE_TEAM_ID, admins: ['U0ADMIN'] }), {
      port: 0,
      host: '127.0.0.1',
    });
    cleanups.push(() => platform.stop());
    await platform.start(echoHandlers(seen));
    const send = signedSender(platform, api);

    const foreign = await send({ team_id: 'T0OTHER', text: 'today', user_id: 'U0ADMIN' });
    expect(foreign.status).toBe(200);
    const own = await send({ team_id: FAKE_TEAM_ID, text: 'today', user_id: 'U0ADMIN' });
    expect(own.status).toBe(200);
    await api.waitFor((c) => c.method === 'respond');
    // The foreign request was refused before its ack, so it cannot still be running.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      platform: 'slack',
      channel: 'slack:C0GENERAL',
      user: 'slack:U0ADMIN',
      userName: 'alice',
      input: { kind: 'text', text: 'today' },
    });
    // A configured admin: known without asking Slack, and asked only by a command that needs it.
    const canManage = seen[0]?.canManageChannel;
    expect(typeof canManage === 'function' ? await canManage() : canManage).toBe(true);
    expect(api.calls.filter((c) => c.method === 'respond')).toHaveLength(1);
  });
});

describe('start, post and react', () => {
  it('rejects start() with a clear error when Slack refuses the token', async () => {
    const api = await fakeApi();
    const platform = createSlackPlatform(config(api, { botToken: 'xoxb-wrong' }), { port: 0 });
    await expect(platform.start(echoHandlers([]))).rejects.toThrow(
      /Slack refused the bot token.*invalid_auth/,
    );
  });

  it('rejects start() when the token belongs to another workspace than SLACK_TEAM_ID', async () => {
    const api = await fakeApi();
    const platform = createSlackPlatform(config(api, { teamId: 'T0OTHER' }), { port: 0 });
    await expect(platform.start(echoHandlers([]))).rejects.toThrow(/belongs to workspace T0PAPERS/);
  });

  it('does nothing before start(): no Web API call from the constructor', async () => {
    const api = await fakeApi();
    const platform = createSlackPlatform(config(api), { port: 0 });
    expect(api.calls).toEqual([]);
    await expect(platform.post('slack:C1', { visibility: 'channel', text: 'x' })).rejects.toThrow(
      /not started/,
    );
    await platform.stop();
  });

  it('paces a burst to one post per interval per channel, other channels unaffected', async () => {
    const h = await harness({ postIntervalMs: 200 });
    const reply: Reply = { visibility: 'channel', text: 'hello' };
    const refs = await Promise.all([
      h.platform.post('slack:C0BURST', reply),
      h.platform.post('slack:C0BURST', reply),
      h.platform.post('slack:C0BURST', reply),
      h.platform.post('slack:C0OTHER', reply),
    ]);
    expect(refs[0]).toMatch(/^slack:C0BURST:\d+\.\d{6}$/);
    const at = (ch: string) =>
      h.api.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === ch).map((c) => c.at);
    const burst = at('C0BURST');
    expect(burst).toHaveLength(3);
    // Spacing is enforced where requests start; arrival at the fake jitters by a few milliseconds.
    expect(burst[1]! - burst[0]!).toBeGreaterThanOrEqual(170);
    expect(burst[2]! - burst[1]!).toBeGreaterThanOrEqual(170);
    // The other channel's post went out while the burst was still being paced.
    expect(at('C0OTHER')[0]!).toBeLessThan(burst[1]!);
    const joins = h.api.calls.filter((c) => c.method === 'conversations.join').map((c) => c.body.channel);
    expect(joins.sort()).toEqual(['C0BURST', 'C0OTHER']);
  });

  it('posts in a private channel it cannot join (the join failure is not fatal)', async () => {
    const h = await harness();
    const ref = await h.platform.post('slack:G0PRIVATE', { visibility: 'channel', text: 'hi' });
    expect(ref).toMatch(/^slack:G0PRIVATE:/);
    expect(h.api.calls.map((c) => [c.method, c.status])).toContainEqual(['conversations.join', 200]);
  });

  it('retries a 5xx, and react() treats already_reacted as done', async () => {
    const h = await harness();
    h.api.script('chat.postMessage', [{ status: 503, body: 'upstream down' }]);
    const ref = await h.platform.post('slack:C0GENERAL', { visibility: 'channel', text: 'after a 503' });
    expect(h.api.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([
      503, 200,
    ]);
    await h.platform.react(ref, '+1');
    await h.platform.react(ref, ':+1:');
    const adds = h.api.calls.filter((c) => c.method === 'reactions.add');
    expect(adds.map((c) => c.body.name)).toEqual(['+1', '+1']);
  });
});

/** Sends a signed slash command straight to a started platform (for tests without the harness's bot). */
function signedSender(platform: SlackPlatform, api: FakeSlackApi) {
  return async (fields: Record<string, string>) => {
    const body = new URLSearchParams({
      team_domain: 'papers',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_name: 'alice',
      command: '/papers',
      api_app_id: 'A0PAPERS',
      response_url: api.responseUrl(),
      trigger_id: '1.2.3',
      ...fields,
    }).toString();
    return postSigned(`http://127.0.0.1:${platform.port}/slack/events`, SIGNING_SECRET, body);
  };
}
