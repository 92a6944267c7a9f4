import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchCommand } from '../../commands/search.ts';
import { shareCommand } from '../../commands/share.ts';
import type { CommandDefinition } from '../../commands/types.ts';
import { paper } from '../contract/store.contract.ts';
import { type Archive, context, openArchive } from './archive.ts';

/** The suggestions of `command`'s option `name` for `typed`, in a Slack channel at the test clock. */
function suggestionsOf(archive: Archive, command: CommandDefinition, name: string, typed: string) {
  const option = command.options.find((o) => o.name === name);
  if (!option?.suggest) throw new Error(`${command.name} ${name} offers no suggestions`);
  return option.suggest(context(archive.store), typed);
}

describe('option suggestions', () => {
  let archive: Archive;
  beforeEach(async () => {
    // Page text only: papers with no arXiv id and no feed day.
    archive = await openArchive(['page']);
  });
  afterEach(() => archive.close());

  it('share paper: only papers with an arXiv id, valued and tagged by it', async () => {
    const title = 'Unlearning With an Id';
    await archive.store.upsertPapers([paper({ arxivId: '2506.07795', title })]);
    const list = await suggestionsOf(archive, shareCommand, 'paper', 'unlearning');
    expect(list).toEqual([{ name: title, value: '2506.07795', tag: '2506.07795' }]);
  });

  it('search query: titles of matching papers as the query, untagged, no repeats', async () => {
    const list = await suggestionsOf(archive, searchCommand, 'query', 'unlearning');
    expect(list.length).toBeGreaterThan(1);
    expect(list.some((s) => /unlearn/i.test(s.value))).toBe(true);
    for (const s of list) expect(s).toEqual({ name: s.value, value: expect.any(String) });
    expect(new Set(list.map((s) => s.value.toLowerCase())).size).toBe(list.length);
  });

  it('search query: nothing typed and no topics THEN none', async () => {
    expect(await suggestionsOf(archive, searchCommand, 'query', '  ')).toEqual([]);
  });
});
