import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NOTE_CHARS } from '../../commands/share.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { type CommandArchive, openCommandArchive, SHARED_PAPER_ID } from '../contract/command-replies.ts';
import { overlongInput } from './chat-arbitraries.ts';
import { huge } from './feed-arbitraries.ts';

/*
 * 100,000 characters at every entry point a person can type into: the command text, a share note, a
 * display name, a search. Each ends in a short reply. That every such reply, once delivered, fits each
 * platform's limits is part of the platform contract (test/contract/platform.contract.ts).
 */

const TIMEOUT = 60_000;

describe('overlong input at the entry points', () => {
  let archive: CommandArchive;
  beforeAll(async () => {
    archive = await openCommandArchive();
  });
  afterAll(async () => {
    await archive.close();
  });

  it(
    'share: a 100,000-character note is shortened and credited',
    async () => {
      await fc.assert(
        fc.asyncProperty(overlongInput, async (note) => {
          const reply = await archive.run(`share ${SHARED_PAPER_ID} ${note}`);
          expect(reply.visibility).toBe('channel');
          const item = reply.papers?.[0];
          expect(item?.paper.id).toBe(SHARED_PAPER_ID);
          expect(item?.note?.length ?? 0).toBeLessThanOrEqual(MAX_NOTE_CHARS + 1);
        }),
        { numRuns: 25 },
      );
    },
    TIMEOUT,
  );

  it(
    'share: a 100,000-character paper argument or display name answers in one bounded sentence',
    async () => {
      await fc.assert(
        fc.asyncProperty(overlongInput, fc.boolean(), async (text, asName) => {
          const reply = asName
            ? await archive.run(`share ${SHARED_PAPER_ID} read this`, text)
            : await archive.run(`share ${text}`);
          expect(reply.text?.length ?? 0).toBeLessThanOrEqual(400);
        }),
        {
          numRuns: 25,
          examples: [
            [huge('/', 100_000), false],
            [huge('?', 100_000), false],
          ],
        },
      );
    },
    TIMEOUT,
  );

  it(
    'search: a 100,000-character query is shortened with a notice, and the reply stays short',
    async () => {
      await fc.assert(
        fc.asyncProperty(overlongInput, async (query) => {
          const outcome = await searchPapers(archive.store, query, { limit: 5, today: '2025-11-12' });
          if (outcome.ok) {
            expect(outcome.results.length).toBeLessThanOrEqual(5);
            if (query.length > 500) expect(outcome.notice).toMatch(/long/);
          } else expect(outcome.error).toMatch(/^[A-Z]/);
          const reply = await archive.run(`search ${query}`);
          expect(reply.visibility).toBe('ephemeral');
          expect((reply.title ?? '').length + (reply.text ?? '').length).toBeLessThanOrEqual(600);
        }),
        { numRuns: 25, examples: [[huge('unlearning ', 100_000)]] },
      );
    },
    TIMEOUT,
  );
});
