import { type AddressInfo, createServer } from 'node:net';
import { expect } from 'vitest';
import { createSlackPlatform } from '../../../adapters/slack/platform.ts';
import { parseSlackMessageRef } from '../../../adapters/slack/reactions.ts';
import { SLACK_LIMITS } from '../../../adapters/slack/render.ts';
import type { Reply } from '../../../src/chat/platform.ts';
import type { PlatformUnderContract } from '../../contract/platform.contract.ts';
import { FAKE_BOT_USER_ID, startFakeSlackApi } from '../../fakes/slack-api.ts';
import {
  DISCORD_SYNTAX,
  renderedStrings,
  SLACK_SYNTAX,
  SLACK_USER_IDS,
  TERMINAL_SYNTAX,
} from '../../property/chat-arbitraries.ts';
import {
  APP_TOKEN,
  BOT_TOKEN,
  postSigned,
  reactionEventBody,
  SIGNING_SECRET,
  slashCommandBody,
} from './harness.ts';

const CHANNEL = 'C0GENERAL';
const PERSON = 'U0ALICE';

/**
 * Display names users.info gives the well-formed voters of generated replies: every kind of hostile
 * syntax, so that "Voted by …" lines on command replies show names that try to ping.
 */
const HOSTILE_NAME = [...SLACK_SYNTAX, ...DISCORD_SYNTAX, ...TERMINAL_SYNTAX].join(' ');
const HOSTILE_NAMES = Object.fromEntries(SLACK_USER_IDS.map((id) => [id, HOSTILE_NAME]));

/** Slack's documented Block Kit limits that a message must respect or be refused (`invalid_blocks`). */
const BLOCK_KIT = { contextElements: 10, buttonText: 75, buttonValue: 2000, actionId: 255 } as const;

/**
 * Slack in HTTP mode: Bolt's real receiver gets signed requests; the Web API is the fake, which keeps
 * every message and answers reactions.add as Slack does.
 */
export const slackUnderContract: PlatformUnderContract = {
  name: 'slack',
  echoesOwnReactions: true,
  reactsThroughApi: true,

  async open() {
    const api = await startFakeSlackApi({ botToken: BOT_TOKEN, appToken: APP_TOKEN, users: HOSTILE_NAMES });
    // A known port, so that after stop() the test can see nothing listens there any more.
    const port = await freePort();
    const platform = createSlackPlatform(
      {
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        appToken: undefined,
        apiUrl: api.apiUrl,
        admins: [],
        teamId: undefined,
      },
      { port, host: '127.0.0.1', postIntervalMs: 0, retryConfig: { retries: 1, minTimeout: 10 } },
    );
    const endpoint = `http://127.0.0.1:${port}/slack/events`;

    /** A reaction_added event from `user`, signed as Slack signs it; Slack wants a 200 within 3 s. */
    const react = async (ref: string, user: string) => {
      const message = parseSlackMessageRef(ref);
      if (!message) throw new Error(`not a Slack message ref: ${ref}`);
      const res = await postSigned(
        endpoint,
        SIGNING_SECRET,
        reactionEventBody('reaction_added', message, user, '+1'),
        'application/json',
      );
      expect(res.status).toBe(200);
      return { user: `slack:${user}`, emoji: '+1' };
    };

    return {
      platform,
      channel: `slack:${CHANNEL}`,
      missingMessage: `slack:${CHANNEL}:1712345678.999999`,
      delivered(ref) {
        const message = parseSlackMessageRef(ref);
        const found = api.messages.find((m) => m.channel === message?.channel && m.ts === message?.ts);
        return (
          found && { channel: `slack:${found.channel}`, payload: { text: found.text, blocks: found.blocks } }
        );
      },
      personReacts: (ref) => react(ref, PERSON),
      ownReactionArrives: (ref) => react(ref, FAKE_BOT_USER_ID),
      refuseNextReaction() {
        const before = api.calls.length;
        api.script('reactions.add', [{ status: 200, body: { ok: false, error: 'is_archived' } }]);
        return api
          .waitFor((c) => c.method === 'reactions.add' && api.calls.indexOf(c) >= before)
          .then(() => undefined);
      },
      async ask() {
        const responseUrl = api.responseUrl();
        const res = await postSigned(endpoint, SIGNING_SECRET, slashCommandBody('today', responseUrl));
        expect(res.status).toBe(200);
        const reply = await api.waitFor((c) => c.method === 'respond' && responseUrl.endsWith(c.path));
        return { channel: `slack:${CHANNEL}`, payload: reply.body };
      },
      async disconnected() {
        const closed = await fetch(endpoint).then(
          () => false,
          () => true,
        );
        expect(closed, 'the Slack events endpoint still answers after stop()').toBe(true);
      },
      async close() {
        await platform.stop();
        await api.close();
      },
    };
  },

  expectNoLiveMentions(delivered, reply) {
    const allowed = slackAllowed(reply);
    const texts = renderedStrings(delivered.payload, SLACK_TEXT_KEYS);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expectNoSlackInjection(text, allowed);
  },

  expectWithinLimits(delivered) {
    const { text, blocks } = delivered.payload as { text: string; blocks: SlackBlock[] };
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    for (const t of renderedStrings(blocks, SLACK_TEXT_KEYS)) {
      expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    for (const block of blocks) {
      expect(block.elements?.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT.contextElements);
      const button = block.accessory;
      if (button) {
        expect(button.text.text.length).toBeLessThanOrEqual(BLOCK_KIT.buttonText);
        expect(button.value?.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT.buttonValue);
        expect(button.action_id?.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT.actionId);
      }
    }
  },
};

/** The parts of a delivered block the limits concern. */
interface SlackBlock {
  elements?: unknown[];
  accessory?: { text: { text: string }; value?: string; action_id?: string };
}

const SLACK_TEXT_KEYS = new Set(['text']);

/** The mentions a Slack reply may contain: the sharers' with a valid Slack user id. */
function slackAllowed(reply: Reply): Set<string> {
  return new Set(
    (reply.papers ?? []).flatMap((p) => {
      const id = /^slack:([UW][A-Z0-9]{2,30})$/.exec(p.sharedBy ?? '')?.[1];
      return id ? [`<@${id}>`] : [];
    }),
  );
}

/** Fails when `text` holds a Slack control sequence other than an allowed mention or a link we built. */
function expectNoSlackInjection(text: string, allowed: ReadonlySet<string>): void {
  let rest = text;
  for (const m of allowed) rest = rest.replaceAll(m, '');
  // Every remaining `<…>` must be a link to an http(s) URL whose label holds no markup.
  for (const segment of rest.match(/<[^>]*>?/g) ?? []) {
    expect(segment).toMatch(/^<https?:\/\/[^\s<>|]+\|[^<>]*>$/);
  }
  expect(rest).not.toMatch(/<[!@#]/);
}

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
