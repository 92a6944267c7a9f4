import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@retorquere/bibtex-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { runCli } from './run-cli.ts';

const DAILY = new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url).pathname;

describe('paperboy export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-export-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`, LOG_LEVEL: 'silent' };
  beforeAll(async () => {
    expect((await runCli(['ingest', DAILY, '--feed-date', '2024-10-25'], env)).code).toBe(0);
    // Two people upvote one paper, as reactions on its share would.
    const store = SqliteStore.open(join(dir, 'archive.db'));
    await store.recordPost({
      message: 'slack:C1:1.1',
      channel: 'slack:C1',
      paperId: '2410.17243',
      kind: 'share',
      postedBy: 'slack:U1',
      postedAt: '2025-11-10T09:00:00Z',
    });
    for (const user of ['slack:U1', 'slack:U2'])
      await store.addReaction({ message: 'slack:C1:1.1', user, emoji: '+1', at: '2025-11-10T10:00:00Z' });
    await store.addPin({
      channel: 'slack:C1',
      paperId: '2410.17243',
      user: 'slack:U2',
      via: null,
      at: '2025-11-10T11:00:00Z',
    });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a search as BibTeX to stdout, which a real parser reads whole', async () => {
    const r = await runCli(['export', 'diffusion'], env);
    expect(r.code).toBe(0);
    const lib = parse(r.stdout, { english: false });
    expect(lib.errors).toEqual([]);
    expect(lib.entries.length).toBeGreaterThan(0);
    expect(new Set(lib.entries.map((e) => e.key)).size).toBe(lib.entries.length);
    expect(lib.entries.every((e) => e.fields.archiveprefix === 'arXiv')).toBe(true);
  });

  it('writes the team’s top papers as CSV into --out, with the window’s votes', async () => {
    const out = join(dir, 'top.csv');
    const r = await runCli(['export', 'top', 'week', '--format', 'csv', '--out', out], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Wrote 1 paper to ${out}`);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe('arxiv id,title,authors,year,url,hf upvotes,team votes');
    expect(lines[1]).toMatch(/^2410\.17243,.*,https:\/\/arxiv\.org\/abs\/2410\.17243,\d+,2$/);
    expect(lines).toHaveLength(3);
  });

  it('writes Markdown with --format=markdown', async () => {
    const r = await runCli(['export', 'top', 'all', '--format=markdown'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^# Top papers of all time\n\n- \[.+\]\(<https:\/\/arxiv\.org\/abs\/2410\.17243>\)/,
    );
  });

  it('takes a last word naming a format as the format, as chat does', async () => {
    const csv = await runCli(['export', 'top', 'all', 'csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^arxiv id,title,authors,year,url,hf upvotes,team votes\r\n2410\.17243,/);
    const md = await runCli(['export', 'top', 'all', 'md'], env);
    expect(md.stdout).toMatch(/^# Top papers of all time\n/);
  });

  it('a --out that cannot be written is named with what to do, exit 2, not the system error', async () => {
    const missing = join(dir, 'no-such-folder', 'x.csv');
    const cases = [
      [
        missing,
        `Cannot write ${missing}: the folder ${join(dir, 'no-such-folder')} does not exist; create it or give --out a file in another folder.\n`,
      ],
      [dir, `${dir} is a folder; give --out a file name, e.g. ${join(dir, 'top-all-2025-11-12.bib')}.\n`],
    ];
    for (const [out, said] of cases) {
      const r = await runCli(['export', 'top', 'all', '--out', out ?? ''], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(said);
    }
  });

  it("writes a channel's reading list when --channel names it", async () => {
    const r = await runCli(['export', 'list', '--channel', 'slack:C1', '--format', 'markdown'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Reading list\n\n- \[.+\]\(<https:\/\/arxiv\.org\/abs\/2410\.17243>\)/);
    expect(r.stdout.match(/^- /gm)).toHaveLength(1);
  });

  it.each([
    [['export'], /Say what to export/],
    [['export', 'diffusion', '--format', 'pdf'], /--format must be one of bibtex, csv, markdown/],
    [['export', 'list'], /A reading list is a channel's: name it with --channel/],
    [['export', 'list', '--channel', 'C123'], /--channel needs a platform-qualified channel/],
    [['export', 'list', '--channel', 'slack:C404'], /reading list is empty/],
    [['export', 'top', 'month', '--out'], /--out needs a file name/],
    [['export', 'zzzzqqqq'], /No papers match "zzzzqqqq"/],
    [
      ['export', 'diffusion', 'pdf'],
      /^I can export bibtex, csv or markdown, not PDF\. To search for the word "pdf", put it in quotes, inside the shell's own \('"…"'\)\./,
    ],
    [
      ['export', 'top', 'year'],
      /^After "top" give week, month or all, not "year"; to export a search starting with "top", put the words in quotes, inside the shell's own \('"top year"'\)\./,
    ],
    // A shell takes quotes off: the advice is quotes inside the shell's own, which reach paperboy.
    [['export', 'top', 'k', 'sampling'], /inside the shell's own \('"top k sampling"'\)/],
    // …and following it is a search: nothing in this archive matches it.
    [['export', '"top k sampling"'], /No papers match ""top k sampling""/],
  ])('GIVEN %j THEN exit 2 and one clear sentence', async (argv, message) => {
    const r = await runCli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
