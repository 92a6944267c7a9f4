import { parse } from '@retorquere/bibtex-parser';
import { ApplicationCommandOptionType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommandsJson } from '../../../adapters/discord/commands.ts';
import { COMMANDS } from '../../../commands/index.ts';
import type { FakeDiscord } from '../../fakes/discord-gateway.ts';
import type { SentInteraction } from '../../fakes/discord-interactions.ts';
import { type DiscordBot, startDiscordBot } from './harness.ts';

interface Body {
  content?: string;
  embeds?: { title?: string; description?: string }[];
}

/**
 * Discord, through discord.js's real client over the fake gateway: `/papers cite` answers with the entry in
 * a code block and `/papers export` attaches the file to the private answer, as multipart form data.
 */
describe('Discord: /papers cite and /papers export', () => {
  let harness: DiscordBot;
  let fake: FakeDiscord;
  beforeAll(async () => {
    harness = await startDiscordBot({ upvoteEmoji: ['+1'] });
    fake = harness.fake;
  });
  afterAll(() => harness?.close());

  const answer = (sent: SentInteraction) =>
    fake.waitForCall(
      (c) => c.method === 'PATCH' && c.route.includes(`/${sent.token}/messages/`),
      `the answer to ${sent.token}`,
    );
  const deferral = (sent: SentInteraction) =>
    fake.waitForCall(
      (c) => c.method === 'POST' && c.route.includes(`/${sent.id}/${sent.token}/callback`),
      `the deferral of ${sent.token}`,
    );

  it('registers cite with an autocompleted paper, and export with a source and a format to choose', () => {
    const subcommands = buildCommandsJson(COMMANDS)[0]?.options ?? [];
    const cite = subcommands.find((s) => s.name === 'cite');
    const exp = subcommands.find((s) => s.name === 'export');
    expect(cite).toMatchObject({
      options: [
        { name: 'paper', type: ApplicationCommandOptionType.String, required: true, autocomplete: true },
      ],
    });
    expect(exp).toMatchObject({
      options: [
        { name: 'source', type: ApplicationCommandOptionType.String, required: false },
        {
          name: 'format',
          required: false,
          choices: [
            { name: 'bibtex', value: 'bibtex' },
            { name: 'csv', value: 'csv' },
            { name: 'markdown', value: 'markdown' },
          ],
        },
      ],
    });
  });

  it('cite: a private answer whose code block a BibTeX parser reads', async () => {
    const sent = fake.command('cite', { paper: '2410.17243' });
    const deferred = await deferral(sent);
    expect((deferred.body as { data?: { flags?: number } }).data?.flags).toBe(MessageFlags.Ephemeral);
    const body = (await answer(sent)).body as Body;
    expect(body.embeds?.[0]?.title).toBe('BibTeX for arXiv 2410.17243');
    const block = /```\n([\s\S]+)\n```/.exec(body.embeds?.[0]?.description ?? '')?.[1] ?? '';
    const lib = parse(block, { english: false });
    expect(lib.errors).toEqual([]);
    expect(lib.entries[0]?.fields.eprint).toBe('2410.17243');
  });

  it('export: the file attached to the private answer, in the format asked for', async () => {
    const sent = fake.command('export', { source: 'knowledge editing', format: 'markdown' });
    const call = await answer(sent);
    expect(call.headers['content-type']).toMatch(/^multipart\/form-data/);
    const body = call.body as Body;
    expect(body.embeds?.[0]?.description).toMatch(
      /^Markdown of \d+ papers?: papers matching "knowledge editing"\./,
    );
    expect(call.attachments).toHaveLength(1);
    const [file] = call.attachments;
    expect(file?.filename).toBe('search-knowledge-editing-2024-10-25.md');
    expect(file?.bytes.toString('utf8')).toMatch(/^# Papers matching "knowledge editing"\n\n- \[/);
    expect(file?.bytes.toString('utf8')).toContain('Can Knowledge Editing Really Correct Hallucinations?');
  });

  it('export: BibTeX by default, and a clear sentence (no file) for an empty reading list', async () => {
    const bib = await answer(fake.command('export', { source: 'hallucinations' }));
    const [file] = bib.attachments;
    expect(file?.filename).toMatch(/\.bib$/);
    expect(parse(file?.bytes.toString('utf8') ?? '', { english: false }).errors).toEqual([]);

    const list = await answer(fake.command('export', { source: 'list' }));
    expect(list.attachments).toEqual([]);
    expect((list.body as Body).embeds?.[0]?.description).toContain(
      "This channel's reading list is empty, so there is nothing to export.",
    );
  });
});
