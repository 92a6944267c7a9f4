import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchPapers } from '../../src/papers/search.ts';
import { type Archive, openArchive } from '../commands/archive.ts';

/**
 * A search of the archive (what `paperboy search`, exports and watches run) for a paper's id, written
 * as people write it, finds that paper as the bare id does.
 */
describe('searching the archive for a paper id', () => {
  let archive: Archive;
  beforeAll(async () => {
    archive = await openArchive(['daily']);
  });
  afterAll(() => archive.close());

  const firstOf = async (text: string) => {
    const outcome = await searchPapers(archive.store, text, { limit: 3, today: '2025-11-12' });
    return outcome.ok ? outcome.results[0]?.paper.arxivId : outcome.error;
  };

  it.each([
    '2410.18538',
    'arXiv:2410.18538',
    '2410.18538v1',
    'ARXIV:2410.18538V2',
    'https://arxiv.org/abs/2410.18538v2',
    'https://huggingface.co/papers/2410.18538',
    'arXiv preprint arXiv:2410.18538',
  ])('GIVEN %j THEN that paper first', async (text) => {
    expect(await firstOf(text)).toBe('2410.18538');
  });

  it('GIVEN an id among words THEN the id is one of the words searched for', async () => {
    const outcome = await searchPapers(archive.store, 'arXiv:2410.18538v1 -nothing', {
      limit: 3,
      today: '2025-11-12',
    });
    expect(outcome.ok && outcome.results.map((r) => r.paper.arxivId)).toEqual(['2410.18538']);
  });
});
