import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply as renderConsole } from '../../adapters/console/render.ts';
import { embedChars, LIMITS, renderReply as renderDiscord } from '../../adapters/discord/render.ts';
import { renderReply as renderSlack, SLACK_LIMITS } from '../../adapters/slack/render.ts';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import { MAX_NOTE_CHARS } from '../../commands/share.ts';
import type { Reply } from '../../src/chat/platform.ts';
import { searchPapers } from '../../src/papers/search.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { context } from '../commands/archive.ts';
import { paper } from '../contract/store.contract.ts';
import { renderedStrings } from './chat-arbitraries.ts';
import { huge } from './feed-arbitraries.ts';

/*
 * 100,000 characters at every entry point a person can type into: the command text, a share note, a
 * display name, a search. Each ends in a reply that fits every platform's limits.
 */

const TIMEOUT = 60_000;
const UNITS = [
  'a',
  'ab ',
  ' ',
  '\n',
  '"',
  '“',
  '/',
  '?',
  '😀',
  '<!channel> ',
  '@everyone ',
  '\u001b[2J',
  'near* ',
];

const long = fc
  .tuple(fc.constantFrom(...UNITS), fc.integer({ min: 10_000, max: 100_000 }))
  .map(([unit, n]) => huge(unit, n));

/** Renders on all three platforms and checks each stays within its limits. */
function expectFits(reply: Reply): void {
  const slack = renderSlack(reply);
  expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(slack.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  for (const text of renderedStrings(slack.blocks, new Set(['text']))) {
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  }
  const discord = renderDiscord(reply);
  expect(discord.content.length).toBeLessThanOrEqual(LIMITS.content);
  expect(discord.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(LIMITS.totalChars);
  for (const e of discord.embeds) {
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
    expect(e.author?.name.length ?? 0).toBeLessThanOrEqual(LIMITS.author);
  }
  expect(typeof renderConsole(reply)).toBe('string');
}

describe('overlong input at the entry points', () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-property-'));
    store = SqliteStore.open(join(dir, 'archive.db'));
    await store.upsertPapers([
      paper({
        arxivId: '2410.17243',
        title: 'Machine Unlearning Near the Boundary',
        abstract: 'Unlearning.',
      }),
    ]);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Parses the text as Slack would deliver it and runs the command, as the core does. */
  async function run(text: string, userName: string | null = 'Ada'): Promise<Reply> {
    const parsed = parseCommandText(text, COMMANDS);
    if ('error' in parsed) return { visibility: 'ephemeral', text: parsed.error };
    return parsed.command.run(context(store, { userName }), parsed.args);
  }

  it(
    'share: a 100,000-character note is shortened, credited and fits',
    async () => {
      await fc.assert(
        fc.asyncProperty(long, async (note) => {
          const reply = await run(`share 2410.17243 ${note}`);
          expect(reply.visibility).toBe('channel');
          const item = reply.papers?.[0];
          expect(item?.paper.id).toBe('2410.17243');
          expect(item?.note?.length ?? 0).toBeLessThanOrEqual(MAX_NOTE_CHARS + 1);
          expectFits(reply);
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
        fc.asyncProperty(long, fc.boolean(), async (text, asName) => {
          const reply = asName ? await run('share 2410.17243 read this', text) : await run(`share ${text}`);
          expect(reply.text?.length ?? 0).toBeLessThanOrEqual(400);
          expectFits(reply);
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
    'search: a 100,000-character query is shortened with a notice, and the reply fits',
    async () => {
      await fc.assert(
        fc.asyncProperty(long, async (query) => {
          const outcome = await searchPapers(store, query, { limit: 5, today: '2025-11-12' });
          if (outcome.ok) {
            expect(outcome.results.length).toBeLessThanOrEqual(5);
            if (query.length > 500) expect(outcome.notice).toMatch(/long/);
          } else expect(outcome.error).toMatch(/^[A-Z]/);
          const reply = await run(`search ${query}`);
          expect(reply.visibility).toBe('ephemeral');
          expect((reply.title ?? '').length + (reply.text ?? '').length).toBeLessThanOrEqual(600);
          expectFits(reply);
        }),
        { numRuns: 25, examples: [[huge('unlearning ', 100_000)]] },
      );
    },
    TIMEOUT,
  );
});
