import { parse } from '@retorquere/bibtex-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { citeCommand } from '../../commands/cite.ts';
import { exportCommand } from '../../commands/export.ts';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { PaperStore } from '../../src/store/port.ts';
import type { SqliteStore } from '../../src/store/sqlite/store.ts';
import { paper } from '../contract/store.contract.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { storesUnderTest } from '../store/stores-under-test.ts';
import { clients, context } from './archive.ts';

const ARCHIVE: Paper[] = [
  paper({ arxivId: '2401.00001', title: 'Diffusion Distillation, Fast', authors: ['Ana Ruiz', 'Bo Li'] }),
  paper({ arxivId: '2401.00002', title: 'Diffusion Distillation, Faster', authors: ['Ana Ruiz'] }),
  paper({ arxivId: '2401.00003', title: 'Reward Hacking =SUM(A1)', authors: ['Cy Doe'] }),
];

async function vote(store: PaperStore, message: string, paperId: string, user: string, at: string) {
  await store.recordPost({
    message,
    channel: 'slack:C1',
    paperId,
    kind: 'share',
    postedBy: null,
    postedAt: at,
  });
  await store.addReaction({ message, user, emoji: '+1', at });
}

const { stores: STORES, cleanup } = await storesUnderTest('export');
afterAll(cleanup, 120_000);

describe.each(STORES)('/papers cite and /papers export on %s', (_name, open) => {
  let fake: FakeHf;
  let store: PaperStore;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    store = await open();
    await store.upsertPapers(ARCHIVE);
    // This week (the clock is 2025-11-12): two votes for 00003, one for 00001; last month one more for 00001.
    await vote(store, 'slack:C1:3', '2401.00003', 'slack:U1', '2025-11-10T09:00:00.000Z');
    await vote(store, 'slack:C1:3', '2401.00003', 'slack:U2', '2025-11-10T09:00:00.000Z');
    await vote(store, 'slack:C1:1', '2401.00001', 'slack:U1', '2025-11-11T09:00:00.000Z');
    await vote(store, 'slack:C1:9', '2401.00001', 'slack:U3', '2025-10-20T09:00:00.000Z');
  });
  afterEach(() => store.close());

  const ctx = () => context(store as SqliteStore, clients(fake.url));
  const run = (text: string) => {
    const parsed = parseCommandText(text, COMMANDS);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.command.run(ctx(), parsed.args);
  };

  it('export top week: the week’s leaders in vote order, with the week’s votes', async () => {
    const reply = await run('export top week csv');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toBe('CSV of 2 papers: top papers this week.');
    expect(reply.file?.name).toBe('top-week-2025-11-12.csv');
    const rows = reply.file?.text.split('\r\n') ?? [];
    expect(rows[1]).toMatch(/^2401\.00003,'?Reward Hacking =SUM\(A1\),Cy Doe,/);
    expect(rows[1]?.endsWith(',2')).toBe(true);
    expect(rows[2]?.startsWith('2401.00001,')).toBe(true);
    expect(rows[2]?.endsWith(',1')).toBe(true);
  });

  it('export top all counts every vote; BibTeX by default, keys unique', async () => {
    const reply = await run('export top all');
    expect(reply.file?.name).toBe('top-all-2025-11-12.bib');
    const lib = parse(reply.file?.text ?? '', { english: false });
    expect(lib.errors).toEqual([]);
    expect(lib.entries.map((e) => e.fields.eprint)).toEqual(['2401.00001', '2401.00003']);
  });

  it('export <words>: the search results, same-key papers told apart with a/b', async () => {
    const reply = await exportCommand.run(ctx(), { source: 'diffusion distillation', format: 'bibtex' });
    const lib = parse(reply.file?.text ?? '', { english: false });
    // No publication day: the year comes from the ids' 2401.
    expect(lib.entries.map((e) => e.key).sort()).toEqual(['ruiz2024diffusiona', 'ruiz2024diffusionb']);
  });

  it("export list: the channel's reading list as a file; an empty list or no source says why", async () => {
    const empty = await run('export list markdown');
    expect(empty.file).toBeUndefined();
    expect(empty.text).toBe("This channel's reading list is empty, so there is nothing to export.");
    const channel = ctx().channel;
    await store.addPin({
      channel,
      paperId: '2401.00003',
      user: 'slack:U9',
      via: null,
      at: '2025-11-10T09:00:00Z',
    });
    await store.addPin({
      channel,
      paperId: '2401.00001',
      user: 'slack:U9',
      via: null,
      at: '2025-11-11T09:00:00Z',
    });
    const list = await run('export list csv');
    expect(list.file?.name).toBe('reading-list-2025-11-12.csv');
    const rows = (list.file?.text ?? '').trim().split('\r\n');
    // Newest first, as /papers list shows it.
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['2401.00001', '2401.00003']);
    const none = await run('export');
    expect(none.file).toBeUndefined();
    expect(none.text).toMatch(
      /^Say what to export: list, top week\|month\|all, or search words\. Usage: \/papers export/,
    );
  });

  it('a last word naming a format no export writes, or a bad period after top, is refused as /papers top is', async () => {
    const usage = / Usage: \/papers export \[source\] \[bibtex\|csv\|markdown\]$/;
    const pdf = await run('export diffusion pdf');
    expect(pdf.file).toBeUndefined();
    expect(pdf.text).toMatch(
      /^I can export bibtex, csv or markdown, not PDF\. To search for the word "pdf", put it in quotes\./,
    );
    expect(pdf.text).toMatch(usage);
    const year = await run('export top year');
    expect(year.file).toBeUndefined();
    expect(year.text).toMatch(
      /^After "top" give week, month or all, not "year"; to export a search starting with "top"/,
    );
    expect((await run('export list diffusion')).text).toMatch(
      /^An export of the list takes nothing after "list"/,
    );
    // Quoted, the words are a search, as with /papers "top k" sampling; md names Markdown.
    const quoted = await run('export "diffusion" md');
    expect(quoted.file?.name).toMatch(/\.md$/);
    expect(quoted.text).toBe('Markdown of 2 papers: papers matching ""diffusion"".');
  });

  it('cite fetches a paper the archive lacks, as share does, and gives its entry', async () => {
    const reply = await citeCommand.run(ctx(), { paper: 'https://huggingface.co/papers/2410.17243' });
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.code).toMatch(/^@misc\{\w+2024breaking,\n {6}title=\{Breaking the Memory Barrier/);
    expect(await store.getPaper('2410.17243')).not.toBeNull();
    const bad = await citeCommand.run(ctx(), { paper: 'not a paper' });
    expect(bad.text).toMatch(/^I could not find an arXiv id in "not a paper"/);
  });
});
