import { GatewayOpcodes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordBot, startDiscordBot } from '../adapters/discord/harness.ts';
import type { FakeDiscord } from '../fakes/discord-gateway.ts';
import type { SentInteraction } from '../fakes/discord-interactions.ts';

let fake: FakeDiscord;
let harness: DiscordBot;

beforeAll(async () => {
  harness = await startDiscordBot({ upvoteEmoji: ['+1'] });
  fake = harness.fake;
});

afterAll(() => harness?.close());

const answerTo = (sent: SentInteraction, what: string) =>
  fake.waitForCall(
    (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
    `the answer to ${what}`,
    15_000,
  );
const resumes = () => fake.frames.filter((f) => f.kind === 'recv' && f.op === GatewayOpcodes.Resume);

describe('the Discord gateway dropping mid-dispatch', () => {
  it('answers an interaction whose connection died right after it was dispatched, after RESUME', async () => {
    const before = resumes().length;
    const sent = fake.command('search', { query: 'hallucinations' });
    fake.drop('destroy');
    const resumed = await fake.waitForFrame(
      (f) => f.kind === 'recv' && f.op === GatewayOpcodes.Resume && resumes().indexOf(f) >= before,
      'a RESUME',
      15_000,
    );
    const answer = await answerTo(sent, 'the search');
    expect(JSON.stringify(answer.body)).toContain('Can Knowledge Editing Really Correct Hallucinations?');
    expect(resumed.d).toMatchObject({ token: fake.token });
    // The session was resumed, not re-identified: nothing dispatched meanwhile was lost.
    expect(fake.frames.filter((f) => f.kind === 'recv' && f.op === GatewayOpcodes.Identify)).toHaveLength(1);
    // Answered exactly once.
    const patches = fake.calls.filter((c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/`));
    expect(patches).toHaveLength(1);
  });

  it('answers an interaction dispatched while the connection is down, once it is resumed', async () => {
    const before = resumes().length;
    fake.drop('destroy');
    // Dispatched into the gap: the fake queues it, as Discord does, for the RESUME replay.
    const sent = fake.command('help');
    const resumed = await fake.waitForFrame(
      (f) => f.kind === 'recv' && f.op === GatewayOpcodes.Resume && resumes().indexOf(f) >= before,
      'a RESUME',
      15_000,
    );
    const answer = await answerTo(sent, 'help');
    expect(answer.at).toBeGreaterThanOrEqual(resumed.at);
    expect(JSON.stringify(answer.body)).toMatch(/paperboy/);
  });
});
