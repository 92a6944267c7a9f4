import { parse } from '@retorquere/bibtex-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directChannelOf } from '../../fakes/slack-api.ts';
import { blocksOf, respondedTo, SEED_PAPERS, type SlackHarness, startSlackHarness } from './harness.ts';

/**
 * Slack end to end: signed slash commands into Bolt's real receiver, the real bot on SQLite, and a fake
 * Web API that speaks the file upload flow and keeps the bytes uploaded.
 */
describe('Slack: /papers cite and /papers export', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(() => h.close());

  it('cite answers privately with the BibTeX entry in a code block', async () => {
    const { responseUrl } = await h.command('cite https://arxiv.org/abs/2501.00001v1');
    const call = await respondedTo(h, responseUrl);
    expect(call.body).toMatchObject({ response_type: 'ephemeral' });
    const blocks = call.body.blocks as { text?: { text: string } }[];
    const code = blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith('```@misc{'));
    expect(code).toBeDefined();
    const entry = (code ?? '').slice(3, -3);
    const lib = parse(entry, { english: false });
    expect(lib.errors).toEqual([]);
    expect(lib.entries[0]).toMatchObject({
      key: 'lovelace2025machine',
      fields: { title: 'Machine Unlearning at Scale', eprint: '2501.00001', archiveprefix: 'arXiv' },
    });
    expect(h.api.uploads).toHaveLength(0);
  });

  it('export uploads the file to the person’s DM through the upload flow, and says so privately', async () => {
    const { responseUrl } = await h.command('export unlearning', { user: 'U0CAROL', channel: 'C0GENERAL' });
    const reply = await respondedTo(h, responseUrl);
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(blocksOf(reply)).toContain('Sent to you as a direct message: search-unlearning-');

    const methods = h.api.calls.map((c) => c.method);
    const open = methods.indexOf('conversations.open');
    const url = methods.indexOf('files.getUploadURLExternal');
    const upload = methods.indexOf('upload');
    const complete = methods.indexOf('files.completeUploadExternal');
    expect(open).toBeGreaterThanOrEqual(0);
    expect(open < url && url < upload && upload < complete).toBe(true);
    const asked = h.api.calls[url];
    expect(asked?.body).toMatchObject({
      filename: expect.stringMatching(/^search-unlearning-\d{4}-\d{2}-\d{2}\.bib$/),
    });
    expect(h.api.calls[open]?.body).toMatchObject({ users: 'U0CAROL' });

    const [file] = h.api.uploads;
    expect(file).toMatchObject({ channel: directChannelOf('U0CAROL') });
    expect(file?.initialComment).toMatch(/^BibTeX of 2 papers: papers matching "unlearning"\.$/);
    expect(Number(asked?.body.length)).toBe(file?.bytes.length);
    const lib = parse(file?.bytes.toString('utf8') ?? '', { english: false });
    expect(lib.errors).toEqual([]);
    expect(lib.entries.map((e) => e.fields.title).sort()).toEqual(SEED_PAPERS.map((p) => p.title).sort());
    // Nothing was posted in the channel.
    expect(h.api.messages.filter((m) => m.channel === 'C0GENERAL')).toHaveLength(0);
  });

  it('export as CSV sends a CSV; a refused upload is told to the person, not lost in a log', async () => {
    const before = h.api.uploads.length;
    const ok = await h.command('export unlearning csv', { user: 'U0DAN' });
    await respondedTo(h, ok.responseUrl);
    const csv = h.api.uploads[before];
    expect(csv?.filename).toMatch(/\.csv$/);
    expect(csv?.bytes.toString('utf8')).toMatch(/^arxiv id,title,authors,year,url,hf upvotes,team votes\r\n/);

    h.api.script('files.getUploadURLExternal', [
      { status: 200, body: { ok: false, error: 'missing_scope' } },
    ]);
    const refused = await h.command('export unlearning', { user: 'U0ERIN' });
    const reply = await respondedTo(h, refused.responseUrl);
    expect(blocksOf(reply)).toContain('add files:write and im:write');
    expect(h.api.uploads).toHaveLength(before + 1);
  });

  it('a hostile query reaches the DM’s comment escaped: no mention syntax goes live', async () => {
    const { responseUrl } = await h.command('export <!channel> unlearning', { user: 'U0FRAN' });
    await respondedTo(h, responseUrl);
    const comment = h.api.uploads.at(-1)?.initialComment ?? '';
    expect(comment).toContain('&lt;!channel&gt;');
    expect(comment).not.toContain('<!channel>');
  });
});
