import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ChannelRef,
  ChatPlatform,
  MessageRef,
  PlatformName,
  ReactionEvent,
  Reply,
} from '../../src/chat/platform.ts';
import { recordingHandlers } from '../fakes/recording-handlers.ts';
import { hostileReply, hostileText, overlongInput, overlongReply } from '../property/chat-arbitraries.ts';
import { huge } from '../property/feed-arbitraries.ts';
import {
  type CommandArchive,
  openCommandArchive,
  repliesToHostileInput,
  repliesToOverlongInput,
} from './command-replies.ts';
import { paper } from './store.contract.ts';

/** A message as it crossed the platform's network edge: what people in the channel are shown. */
export interface Delivered {
  /** The channel the platform filed it under, as a platform-qualified ref. */
  channel: ChannelRef;
  /** What the platform received: a Slack or Discord request body, or the console's text. */
  payload: unknown;
}

/**
 * One real adapter over its fake at the network edge, not yet started. The suite starts it with handlers
 * that record what arrives.
 */
export interface PlatformHarness {
  readonly platform: ChatPlatform;
  /** A channel the bot may post in. */
  readonly channel: ChannelRef;
  /** A well-formed ref of this platform for a message that does not exist. */
  readonly missingMessage: MessageRef;
  /** What the platform received for the message `ref` names; undefined when it never got one. */
  delivered(ref: MessageRef): Delivered | undefined;
  /**
   * A person adds the platform's upvote emoji to `ref`, delivered as the platform delivers it. Resolves
   * with the user and emoji the handlers should be told about.
   */
  personReacts(ref: MessageRef): Promise<Pick<ReactionEvent, 'user' | 'emoji'>>;
  /** The platform tells the bot about its own reaction on `ref` (only where it does: see the setup). */
  ownReactionArrives?(ref: MessageRef): Promise<Pick<ReactionEvent, 'user' | 'emoji'>>;
  /**
   * Makes the platform API refuse the next reaction the bot adds (only where react() calls an API).
   * Resolves once the refusal has been answered.
   */
  refuseNextReaction?(): Promise<void>;
  /** A person runs a `/papers` command; resolves with the reply that reached them. */
  ask(): Promise<Delivered>;
  /** Resolves once the platform side sees the bot gone (after stop()). */
  disconnected(): Promise<void>;
  /** Stops the platform if needed and releases the fakes. */
  close(): Promise<void>;
}

/** How a platform's test file plugs it into the contract. */
export interface PlatformUnderContract {
  name: PlatformName;
  open(): Promise<PlatformHarness>;
  /** Slack and Discord send the bot its own reactions back; the console never does. */
  echoesOwnReactions: boolean;
  /** react() calls a platform API that can refuse it (the console's react() shows nothing). */
  reactsThroughApi: boolean;
  /** Fails unless nothing in `delivered` can ping anyone or take over a terminal. */
  expectNoLiveMentions(delivered: Delivered, reply: Reply): void;
  /** Fails unless `delivered` is within every limit the platform enforces (or it would refuse it). */
  expectWithinLimits(delivered: Delivered): void;
}

/**
 * Fast-check runs per property. Each run is a real round trip through an adapter and its fake, so these
 * stay bounded; the generators put every hostile construct in most runs.
 */
const RUNS = { hostilePost: 200, hostileCommand: 60, overlongPost: 40, commandReplies: 60 } as const;
const TIMEOUT = 60_000;

/** A stored paper, as replies carry them. */
const STORED = {
  ...paper({ arxivId: '2410.17243', title: 'Machine Unlearning' }),
  teamVotes: 0,
  teamReplies: 0,
  firstSeenAt: '2025-11-12T09:00:00.000Z',
};

/** A reply showing one paper, as a share or a roundup post does (the console reacts by paper number). */
const ONE_PAPER: Reply = { visibility: 'channel', papers: [{ paper: STORED }] };

/**
 * Replies every run starts with: a title holding a lone UTF-16 surrogate, which a feed's JSON can carry
 * (`\ud800`) and which cannot be form- or URI-encoded; and body text far beyond any limit.
 */
const KNOWN_HARD: Reply[] = [
  {
    visibility: 'channel',
    papers: [{ paper: { ...STORED, title: 'Broken \ud800 surrogate \udc00 title' } }],
  },
  { visibility: 'channel', title: huge('a', 100_000), text: huge('a', 100_000) },
];

/** Message refs of the other platforms, and refs of no platform at all. */
const FOREIGN_REFS: readonly MessageRef[] = [
  'slack:C0GENERAL:1712345678.000100',
  'discord:1300000000000000000:1300000000000000001',
  'console:local:session-1',
  'not a message ref',
  '',
];

/**
 * What every chat platform promises the core, checked against the real adapter over its fake. Each
 * platform's test file calls this with its own harness.
 */
export function platformContract(setup: PlatformUnderContract): void {
  const { name } = setup;

  describe(`${name} platform contract`, () => {
    let h: PlatformHarness;
    let rec: ReturnType<typeof recordingHandlers>;
    /** What the handlers answer the next command with. */
    let answer: Reply;

    beforeEach(async () => {
      answer = { visibility: 'ephemeral', text: 'ok' };
      rec = recordingHandlers(() => answer);
      h = await setup.open();
    });
    afterEach(async () => {
      await h.close();
    });

    const start = () => h.platform.start(rec.handlers);

    /** Delivery checks every reply must pass, wherever it is shown. */
    function expectSafe(delivered: Delivered | undefined, reply: Reply): void {
      expect(delivered).toBeDefined();
      if (!delivered) return;
      setup.expectNoLiveMentions(delivered, reply);
      setup.expectWithinLimits(delivered);
    }

    // Votes are stored against these refs, so they must name the platform and the channel: refs from
    // two platforms never collide, and a reaction's ref matches the ref the post returned.
    describe('message refs', () => {
      it(`a post returns a ${name}: ref naming its channel, for the message the platform received there`, async () => {
        await start();
        const first = await h.platform.post(h.channel, { visibility: 'channel', text: 'first' });
        const second = await h.platform.post(h.channel, { visibility: 'channel', text: 'second' });
        for (const ref of [first, second]) {
          expect(ref.startsWith(`${name}:`)).toBe(true);
          // channel ref + ':' + the platform's own message id, which holds no further colon.
          expect(ref.startsWith(`${h.channel}:`)).toBe(true);
          expect(ref.slice(h.channel.length + 1)).toMatch(/^[^:\s]+$/);
          expect(h.delivered(ref)?.channel).toBe(h.channel);
        }
        expect(first).not.toBe(second);
        expect(JSON.stringify(h.delivered(first)?.payload)).toContain('first');
        expect(JSON.stringify(h.delivered(second)?.payload)).toContain('second');
      });
    });

    // The bot reacts to seed a vote on what it posted; a failed seed must never fail the post or the
    // roundup it decorates, so react() logs what goes wrong instead of rejecting.
    describe('react() is best effort and never rejects', () => {
      it('on a message it posted, also when the bot already reacted', async () => {
        await start();
        const ref = await h.platform.post(h.channel, ONE_PAPER);
        await expect(h.platform.react(ref, '+1')).resolves.toBeUndefined();
        await expect(h.platform.react(ref, '+1')).resolves.toBeUndefined();
      });

      it('on a message that does not exist', async () => {
        await start();
        await expect(h.platform.react(h.missingMessage, '+1')).resolves.toBeUndefined();
      });

      it('on another platform’s message ref, or a malformed one', async () => {
        await start();
        for (const ref of FOREIGN_REFS.filter((r) => !r.startsWith(`${name}:`))) {
          await expect(h.platform.react(ref, '+1'), ref).resolves.toBeUndefined();
        }
      });

      if (setup.reactsThroughApi) {
        it('when the platform API refuses the reaction', async () => {
          await start();
          const ref = await h.platform.post(h.channel, ONE_PAPER);
          if (!h.refuseNextReaction) throw new Error(`the ${name} harness cannot make the API refuse`);
          const refused = h.refuseNextReaction();
          await expect(h.platform.react(ref, '+1')).resolves.toBeUndefined();
          await refused;
        });
      }
    });

    // Shutdown and the Discord lease (LeasedPlatform) stop platforms in whatever state they are in: never
    // started, or already stopped. stop() must settle quietly in each, so shutdown reaches the rest.
    describe('stop()', () => {
      it('before start() resolves', async () => {
        await expect(h.platform.stop()).resolves.toBeUndefined();
      });

      it('twice, also at once, resolves and lets go of the platform', async () => {
        await start();
        await Promise.all([h.platform.stop(), h.platform.stop()]);
        await expect(h.platform.stop()).resolves.toBeUndefined();
        await h.disconnected();
      });
    });

    // `/papers list all` shows other channels' reading lists only where the platform says the person can
    // see them: the answer may only narrow what was asked, and another platform's channels are never seen.
    describe('visibleChannels()', () => {
      it('keeps to the channels asked about, in order, with the one the person is in, never another platform’s', async () => {
        await start();
        const ref = await h.platform.post(h.channel, ONE_PAPER);
        const { user } = await h.personReacts(ref);
        expect(h.platform.visibleChannels).toBeDefined();
        const asked = [`${name}:9999999999`, h.channel, 'elsewhere:C0OTHER', `${name}:not a channel`];
        const seen = (await h.platform.visibleChannels?.(user, h.channel, asked)) ?? [];
        expect(seen).toContain(h.channel);
        expect(seen).not.toContain('elsewhere:C0OTHER');
        expect(seen).not.toContain(`${name}:not a channel`);
        expect(seen.every((c) => asked.includes(c))).toBe(true);
        expect(seen).toEqual(asked.filter((c) => seen.includes(c)));
      });
    });

    describe('reactions reach the handlers', () => {
      it('a person’s, with the posted ref, its channel and the person, not marked as the bot’s', async () => {
        await start();
        const ref = await h.platform.post(h.channel, ONE_PAPER);
        const person = await h.personReacts(ref);
        const event = await rec.reactions.waitFor((r) => r.message === ref, 'the person’s reaction');
        expect(event).toMatchObject({
          message: ref,
          channel: h.channel,
          user: person.user,
          emoji: person.emoji,
          added: true,
          byBot: false,
        });
        expect(Number.isNaN(Date.parse(event.at))).toBe(false);
      });

      if (setup.echoesOwnReactions) {
        it('the bot’s own, marked byBot so that it never counts as a vote', async () => {
          await start();
          const ref = await h.platform.post(h.channel, ONE_PAPER);
          await h.platform.react(ref, '+1');
          if (!h.ownReactionArrives) throw new Error(`the ${name} harness cannot echo the bot's reaction`);
          const own = await h.ownReactionArrives(ref);
          const event = await rec.reactions.waitFor(
            (r) => r.message === ref && r.user === own.user,
            'the bot’s own reaction',
          );
          expect(event).toMatchObject({ channel: h.channel, emoji: own.emoji, added: true, byBot: true });
          // The same emoji from a person on the same message is a vote.
          const person = await h.personReacts(ref);
          const theirs = await rec.reactions.waitFor(
            (r) => r.message === ref && r.user === person.user,
            'the person’s reaction',
          );
          expect(theirs.byBot).toBe(false);
        });
      } else {
        it('never the bot’s own, so that it never counts as a vote', async () => {
          await start();
          const ref = await h.platform.post(h.channel, ONE_PAPER);
          await h.platform.react(ref, '+1');
          // A person's reaction after it is a barrier: the platform handles events in order.
          const person = await h.personReacts(ref);
          await rec.reactions.waitFor((r) => r.user === person.user, 'the person’s reaction');
          expect(rec.reactions.items.map((r) => [r.user, r.byBot])).toEqual([[person.user, false]]);
        });
      }
    });

    describe('hostile replies are delivered with no live mention, within the platform’s limits', () => {
      it(
        'posted: mention, broadcast, link and markup syntax in every field',
        async () => {
          await start();
          await fc.assert(
            fc.asyncProperty(hostileReply, async (reply) => {
              const ref = await h.platform.post(h.channel, reply);
              expectSafe(h.delivered(ref), reply);
            }),
            { numRuns: RUNS.hostilePost, examples: KNOWN_HARD.map((reply) => [reply]) },
          );
        },
        TIMEOUT,
      );

      it(
        'answered to a command: the same syntax reaches the person who asked defused',
        async () => {
          await start();
          await fc.assert(
            fc.asyncProperty(hostileReply, async (reply) => {
              answer = reply;
              expectSafe(await h.ask(), reply);
            }),
            { numRuns: RUNS.hostileCommand },
          );
        },
        TIMEOUT,
      );

      it(
        'posted: every field up to 100,000 characters, up to 60 papers',
        async () => {
          await start();
          await fc.assert(
            fc.asyncProperty(overlongReply, async (reply) => {
              const ref = await h.platform.post(h.channel, reply);
              expectSafe(h.delivered(ref), reply);
            }),
            { numRuns: RUNS.overlongPost },
          );
        },
        TIMEOUT,
      );

      describe('what the real commands answer', () => {
        let archive: CommandArchive;
        beforeEach(async () => {
          archive = await openCommandArchive();
        });
        afterEach(async () => {
          await archive.close();
        });

        it(
          'to a hostile paper, share note, display name and search query',
          async () => {
            await start();
            let n = 0;
            await fc.assert(
              fc.asyncProperty(
                fc.tuple(hostileText, hostileText, hostileText, hostileText),
                hostileText,
                fc.option(hostileText),
                hostileText,
                async ([title, abstract, author, org], note, userName, query) => {
                  const input = { n: n++, title, abstract, author, org, note, userName, query };
                  for (const reply of await repliesToHostileInput(archive, input)) {
                    const ref = await h.platform.post(h.channel, reply);
                    expectSafe(h.delivered(ref), reply);
                  }
                },
              ),
              { numRuns: RUNS.commandReplies },
            );
          },
          TIMEOUT,
        );

        it(
          'to 100,000 characters as a share note, share argument, display name or search',
          async () => {
            await start();
            await fc.assert(
              fc.asyncProperty(overlongInput, async (text) => {
                for (const reply of await repliesToOverlongInput(archive, text)) {
                  const ref = await h.platform.post(h.channel, reply);
                  expectSafe(h.delivered(ref), reply);
                }
              }),
              {
                numRuns: RUNS.overlongPost,
                examples: [[huge('/', 100_000)], [huge('?', 100_000)], [huge('unlearning ', 100_000)]],
              },
            );
          },
          TIMEOUT,
        );
      });
    });
  });
}
