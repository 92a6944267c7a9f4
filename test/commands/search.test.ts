import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchCommand } from '../../commands/search.ts';
import { type Archive, context, openArchive } from './archive.ts';

describe('/papers <query>', () => {
  let archive: Archive;
  beforeEach(async () => {
    archive = await openArchive();
  });
  afterEach(() => archive.close());

  const search = (query: string) => searchCommand.run(context(archive.store), { query });

  it('GIVEN unlearning THEN five ranked, shareable results, only for the person who asked', async () => {
    const reply = await search('unlearning');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.title).toBe('Papers matching "unlearning"');
    expect(reply.papers).toHaveLength(5);
    expect(reply.papers?.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const item of reply.papers ?? []) {
      expect(item.shareable).toBe(true);
      expect(item.paper.title).toMatch(/unlearn/i);
    }
  });

  it("GIVEN words that do not all match THEN partial matches and the store's notice", async () => {
    const reply = await search('unlearning zyxwvut');
    expect(reply.text).toBe('No paper matches every word, so these match some of them.');
    expect(reply.papers?.length).toBeGreaterThan(0);
  });

  it('GIVEN words nothing matches THEN a friendly sentence suggesting other words', async () => {
    const reply = await search('zyxwvut');
    expect(reply).toEqual({
      visibility: 'ephemeral',
      text: 'No papers match "zyxwvut". Try other or fewer words, or a broader term.',
    });
  });

  it('GIVEN an empty archive THEN says how to fill it', async () => {
    const empty = await openArchive([]);
    try {
      const reply = await searchCommand.run(context(empty.store), { query: 'unlearning' });
      expect(reply.text).toMatch(/archive is empty.*npx paperboy fetch/);
    } finally {
      await empty.close();
    }
  });

  it.each([
    ['only punctuation', '!!! ???'],
    ['only excluded words', '-survey'],
    ['emoji', '🔥🔥'],
  ])('GIVEN %s THEN one sentence, no failure', async (_what, query) => {
    const reply = await search(query);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers).toBeUndefined();
    expect(reply.text).toMatch(/\w/);
  });

  it('GIVEN 5,000 characters and <!channel> THEN a shortened title and the store notice', async () => {
    const reply = await search(`<!channel> unlearning ${'x'.repeat(5000)}`);
    expect(reply.title?.length).toBeLessThan(100);
    expect(reply.text ?? '').toMatch(/long|No papers/);
  });
});
