import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordPlatform } from '../../../adapters/discord/platform.ts';
import { shareCustomId } from '../../../adapters/discord/render.ts';
import type { FakeDiscord, RestCall } from '../../fakes/discord-gateway.ts';
import type { SentInteraction } from '../../fakes/discord-interactions.ts';
import { recordingHandlers } from '../../fakes/recording-handlers.ts';
import { platformOnFake } from './platform-on-fake.ts';

/**
 * Interactions Discord delivers that the bot cannot answer as usual: commands of an older registration,
 * and answers Discord refuses. Each must still get an answer the person can read, never Discord's "The
 * application did not respond" or a "thinking…" that never ends.
 */
let fake: FakeDiscord;
let platform: DiscordPlatform;
const rec = recordingHandlers(
  (i) => ({
    visibility: 'ephemeral',
    text: `ran ${i.input.kind === 'options' ? i.input.subcommand : ''}`,
    ...(i.input.kind === 'options' && i.input.subcommand === 'export'
      ? { file: { name: 'papers.bib', mime: 'application/x-bibtex', text: '@article{a}' } }
      : {}),
  }),
  () => [{ name: 'A paper', value: '2410.17243' }],
);

/** The interaction's original response, as discord.js spells its route (`@` percent-encoded). */
const ORIGINAL = /^\/webhooks\/\d+\/itoken-\d+\/messages\/%40original$/;
const calls = (sent: SentInteraction) => fake.calls.filter((c) => c.route.includes(`/${sent.token}/`));
const edits = (sent: SentInteraction) =>
  calls(sent).filter((c) => c.method === 'PATCH' && ORIGINAL.test(c.route));
const callback = (sent: SentInteraction) => (c: RestCall) =>
  c.method === 'POST' && c.route.includes(`/${sent.token}/callback`);
/** The second edit of the original response: the one after Discord refused the first. */
const secondEdit = (sent: SentInteraction) => async () => {
  await fake.waitForCall(() => edits(sent).length >= 2, 'a second edit of the answer');
  return edits(sent)[1] as RestCall;
};

beforeAll(async () => {
  ({ fake, platform } = await platformOnFake(rec.handlers));
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});

describe('commands of an older registration', () => {
  it('GIVEN a command the bot no longer has (/paper) THEN a private sentence saying so, and nothing is run', async () => {
    const before = rec.commands.items.length;
    const sent = fake.staleCommand('paper', { query: 'diffusion' });
    const answer = await fake.waitForCall(callback(sent), 'the answer');
    expect(answer.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
    });
    expect((answer.body as { data: { content: string } }).data.content).toMatch(
      /no longer supported.*\/papers help/,
    );
    expect(rec.commands.items.length).toBe(before);
  });

  it('GIVEN /papers from before it had subcommands (options at the top) THEN the same sentence', async () => {
    const sent = fake.staleCommand('papers', { query: 'diffusion' });
    const answer = await fake.waitForCall(callback(sent), 'the answer');
    expect((answer.body as { data: { content: string } }).data.content).toMatch(/no longer supported/);
  });

  it('GIVEN typing in an option of a command the bot no longer has THEN an empty list of choices', async () => {
    const sent = fake.staleAutocomplete('paper', 'query', { query: 'diff' });
    const answer = await fake.waitForCall(callback(sent), 'the autocomplete answer');
    expect(answer.body).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [] },
    });
  });
});

describe('answers Discord refuses', () => {
  it('GIVEN Discord refuses the answer (400 Invalid Form Body) THEN the person is told, not left thinking', async () => {
    fake.refuse('PATCH', ORIGINAL, 400, 50035, 'Invalid Form Body');
    const sent = fake.command('search', { query: 'diffusion' });
    const told = await secondEdit(sent)();
    expect(edits(sent)[0]?.status).toBe(400);
    expect(told.status).toBe(200);
    expect(told.body).toMatchObject({
      embeds: [{ description: expect.stringMatching(/Something went wrong/) }],
      allowed_mentions: { parse: [] },
    });
  });

  it('GIVEN the Share button’s confirmation is refused by a server error THEN the person is told', async () => {
    fake.serverError('PATCH', ORIGINAL, { status: 502, times: 4 });
    const sent = fake.button(shareCustomId('2410.17243'), fake.users.bob);
    await fake.waitForCall(
      () => edits(sent).some((c) => c.status === 200),
      'an edit Discord accepted',
      10_000,
    );
    const last = edits(sent).at(-1) as RestCall;
    expect(last.body).toMatchObject({
      embeds: [{ description: expect.stringMatching(/Something went wrong/) }],
    });
  });

  it('GIVEN an attachment over the upload limit (40005) THEN the person is told the file is too large', async () => {
    fake.refuse('PATCH', ORIGINAL, 413, 40005, 'Request entity too large');
    const sent = fake.command('export', {});
    const told = await secondEdit(sent)();
    expect(edits(sent)[0]?.attachments).toHaveLength(1);
    expect(told.attachments).toHaveLength(0);
    expect(told.body).toMatchObject({
      embeds: [{ description: expect.stringMatching(/file is larger than Discord lets me attach/) }],
    });
  });
});
