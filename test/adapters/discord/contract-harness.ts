import type { APIEmbed, APIMessage, APIUser } from 'discord.js';
import { expect } from 'vitest';
import { createDiscordClient, DiscordPlatform } from '../../../adapters/discord/platform.ts';
import { embedChars, LIMITS } from '../../../adapters/discord/render.ts';
import type { Reply } from '../../../src/chat/platform.ts';
import type { PlatformUnderContract } from '../../contract/platform.contract.ts';
import { type RestCall, startFakeDiscord } from '../../fakes/discord-gateway.ts';
import { renderedStrings } from '../../property/chat-arbitraries.ts';

/** Discord's "Missing Permissions": what it answers a bot without Add Reactions in the channel. */
const MISSING_PERMISSIONS = 50013;

/**
 * Discord: discord.js's real client over a real WebSocket to the fake gateway, and REST to the fake API,
 * which keeps every request body as Discord would receive it.
 */
export const discordUnderContract: PlatformUnderContract = {
  name: 'discord',
  echoesOwnReactions: true,
  reactsThroughApi: true,

  async open() {
    const fake = await startFakeDiscord();
    const config = {
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      leaseMs: 30_000,
    };
    // The client paperboy runs, but without the 50 requests a second discord.js keeps to for the real
    // Discord: the property tests post hundreds of replies, which would otherwise take seconds of waiting.
    const platform = new DiscordPlatform(
      config,
      { now: () => new Date('2024-10-25T12:00:00Z') },
      createDiscordClient(config, { globalRequestsPerSecond: 100_000 }),
    );
    const channel = `discord:${fake.channelId}`;

    /** MESSAGE_REACTION_ADD of 👍 by `by`, dispatched on the gateway. */
    const react = async (ref: string, by: APIUser) => {
      const messageId = /^discord:\d+:(\d+)$/.exec(ref)?.[1];
      if (!messageId) throw new Error(`not a Discord message ref: ${ref}`);
      fake.reactionAdd(messageId, { id: null, name: '👍' }, by);
      return { user: `discord:${by.id}`, emoji: '👍' };
    };

    return {
      platform,
      channel,
      missingMessage: `${channel}:1299999999999999999`,
      delivered(ref) {
        const [, channelId, messageId] = ref.split(':');
        const post = fake.calls.find(
          (c) =>
            c.method === 'POST' &&
            c.route === `/channels/${channelId}/messages` &&
            (c.response as APIMessage | undefined)?.id === messageId,
        );
        const message = post?.response as APIMessage | undefined;
        return post && message && { channel: `discord:${message.channel_id}`, payload: post.body };
      },
      personReacts: (ref) => react(ref, fake.users.alice.user),
      ownReactionArrives: (ref) => react(ref, fake.botUser),
      async refuseNextReaction() {
        fake.refuse('PUT', /\/reactions\//, 403, MISSING_PERMISSIONS, 'Missing Permissions');
        await fake.waitForCall((c) => c.method === 'PUT' && c.status === 403, 'the refused reaction');
      },
      async ask() {
        const sent = fake.command('today');
        const edit = await fake.waitForCall(
          (c: RestCall) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
          'the command’s reply',
        );
        return { channel, payload: edit.body };
      },
      async disconnected() {
        await fake.waitForFrame((f) => f.kind === 'close', 'the gateway connection closing');
      },
      async close() {
        await platform.stop();
        await fake.close();
      },
    };
  },

  expectNoLiveMentions(delivered, reply) {
    const body = delivered.payload as DiscordBody;
    // The wire form of discord.js's allowedMentions: Discord pings no one, whatever the text says.
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const allowed = discordAllowed(reply);
    for (const text of renderedStrings(body, DISCORD_TEXT_KEYS)) {
      // The target of a masked link we built is a URL, which Discord never reads as a mention.
      let rest = text.replace(/\]\(https?:\/\/[^\s()]*\)/g, '](url)');
      for (const m of allowed) rest = rest.replaceAll(m, '');
      expect(rest).not.toMatch(/@(?:everyone|here)/i);
      expect(rest).not.toMatch(/<@[!&]?\d+>/);
      expect(rest).not.toMatch(/<#\d+>/);
    }
  },

  expectWithinLimits(delivered) {
    const body = delivered.payload as DiscordBody;
    const embeds = body.embeds ?? [];
    expect(body.content?.length ?? 0).toBeLessThanOrEqual(LIMITS.content);
    expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
    expect(embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(LIMITS.totalChars);
    for (const e of embeds) {
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
      expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
      expect(e.author?.name.length ?? 0).toBeLessThanOrEqual(LIMITS.author);
      expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.footer);
    }
    const rows = body.components ?? [];
    expect(rows.length).toBeLessThanOrEqual(LIMITS.rows);
    for (const row of rows) {
      expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
      for (const button of row.components) {
        expect(button.label?.length ?? 0).toBeLessThanOrEqual(LIMITS.label);
        expect(button.custom_id?.length ?? 0).toBeLessThanOrEqual(LIMITS.customId);
        expect(button.url?.length ?? 0).toBeLessThanOrEqual(LIMITS.buttonUrl);
      }
    }
  },
};

/** A message body as Discord's REST API receives it (snake_case, as discord.js serialises it). */
interface DiscordBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: { components: { label?: string; custom_id?: string; url?: string }[] }[];
  allowed_mentions?: unknown;
}

const DISCORD_TEXT_KEYS = new Set(['content', 'title', 'description', 'text', 'name', 'label', 'value']);

/** The voter mentions a Discord reply may contain: refs whose id is a bare snowflake. */
function discordAllowed(reply: Reply): Set<string> {
  return new Set(
    (reply.papers ?? []).flatMap((p) =>
      (p.voters ?? []).flatMap((v) => {
        const id = /^discord:(\d+)$/.exec(v)?.[1];
        return id ? [`<@${id}>`] : [];
      }),
    ),
  );
}
