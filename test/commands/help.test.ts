import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { parseCommandText } from '../../commands/parse.ts';
import { type Archive, context, openArchive } from './archive.ts';

async function run(text: string): Promise<{ title?: string; text?: string; visibility: string }> {
  const parsed = parseCommandText(text, COMMANDS);
  if ('error' in parsed) throw new Error(parsed.error);
  const archive: Archive = await openArchive([]);
  try {
    return await parsed.command.run(context(archive.store), parsed.args);
  } finally {
    await archive.close();
  }
}

describe('/papers help', () => {
  it('lists every public subcommand with its usage, privately', async () => {
    const reply = await run('help');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text?.split('\n')).toEqual([
      expect.stringMatching(/^\/papers <words> {2}Search the archive/),
      expect.stringMatching(/^\/papers today {2}/),
      expect.stringMatching(/^\/papers top \[week\|month\|all\] {2}/),
      expect.stringMatching(/^\/papers share <paper> \[note\] {2}/),
      expect.stringMatching(/^\/papers like <paper> {2}Papers in the archive most like one paper, and why$/),
      expect.stringMatching(
        /^\/papers roundup \[show\|on\|off\|at\|size\|topics\|days\|mode\|min-score\] \[value\] {2}/,
      ),
      expect.stringMatching(/^\/papers watch \[query\] {2}Get new papers matching a query by direct message/),
      expect.stringMatching(/^\/papers cite <paper> {2}A paper's BibTeX entry/),
      expect.stringMatching(/^\/papers export \[source\] \[bibtex\|csv\|markdown\] {2}A file of papers/),
      expect.stringMatching(/^\/papers save <paper> {2}Put a paper on this channel's reading list$/),
      expect.stringMatching(/^\/papers list \[all\|remove\] \[number\] {2}This channel's reading list/),
      expect.stringMatching(/^\/papers help \[subcommand\] {2}/),
      expect.stringMatching(/React 👍/),
      expect.stringMatching(/React 📌 on it to put it on this channel's reading list/),
    ]);
  });

  it('explains one subcommand', async () => {
    expect(await run('help top')).toMatchObject({ title: '/papers top [week|month|all]' });
  });

  it('answers an empty command with help', async () => {
    expect((await run('')).text).toMatch(/\/papers today/);
  });
});
