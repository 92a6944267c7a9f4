import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply as renderConsole } from '../../adapters/console/render.ts';
import { renderReply as renderDiscord } from '../../adapters/discord/render.ts';
import { renderReply as renderSlack } from '../../adapters/slack/render.ts';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import type { Reply } from '../../src/chat/platform.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { context } from '../commands/archive.ts';
import { hostileReply, hostileText, renderedStrings } from './chat-arbitraries.ts';

/*
 * No text from a paper or a person becomes a live mention. The only mention a renderer writes itself is
 * the sharer's on Slack (from a well-formed user id) and voters' on Discord (from bare snowflake ids).
 */

const TIMEOUT = 60_000;

const SLACK_TEXT_KEYS = new Set(['text']);
const DISCORD_TEXT_KEYS = new Set(['content', 'title', 'description', 'text', 'name', 'label', 'value']);

/** The mentions a Slack reply may contain: the sharers' with a valid Slack user id. */
function slackAllowed(reply: Reply): Set<string> {
  return new Set(
    (reply.papers ?? []).flatMap((p) => {
      const id = /^slack:([UW][A-Z0-9]{2,30})$/.exec(p.sharedBy ?? '')?.[1];
      return id ? [`<@${id}>`] : [];
    }),
  );
}

/** Fails when `text` holds a Slack control sequence other than an allowed mention or a link we built. */
function expectNoSlackInjection(text: string, allowed: ReadonlySet<string>): void {
  let rest = text;
  for (const m of allowed) rest = rest.replaceAll(m, '');
  // Every remaining `<…>` must be a link to an http(s) URL whose label holds no markup.
  for (const segment of rest.match(/<[^>]*>?/g) ?? []) {
    expect(segment).toMatch(/^<https?:\/\/[^\s<>|]+\|[^<>]*>$/);
  }
  expect(rest).not.toMatch(/<[!@#]/);
}

function expectSlackSafe(reply: Reply): void {
  const message = renderSlack(reply, {
    names: new Map(
      (reply.papers ?? []).flatMap((p) => (p.voters ?? []).map((v) => [v, p.sharedByName ?? v])),
    ),
  });
  const allowed = slackAllowed(reply);
  const texts = renderedStrings(message, SLACK_TEXT_KEYS);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) expectNoSlackInjection(text, allowed);
}

/** The voter mentions a Discord reply may contain: refs whose id is a bare snowflake. */
function discordAllowed(reply: Reply): Set<string> {
  return new Set(
    (reply.papers ?? []).flatMap((p) =>
      (p.voters ?? []).flatMap((v) => {
        const id = /^discord:(\d+)$/.exec(v)?.[1];
        return id ? [`<@${id}>`] : [];
      }),
    ),
  );
}

function expectDiscordSafe(reply: Reply): void {
  const message = renderDiscord(reply);
  expect(message.allowedMentions).toEqual({ parse: [] });
  const allowed = discordAllowed(reply);
  for (const text of renderedStrings(message, DISCORD_TEXT_KEYS)) {
    // The target of a masked link we built is a URL, which Discord never reads as a mention.
    let rest = text.replace(/\]\(https?:\/\/[^\s()]*\)/g, '](url)');
    for (const m of allowed) rest = rest.replaceAll(m, '');
    expect(rest).not.toMatch(/@(?:everyone|here)/i);
    expect(rest).not.toMatch(/<@[!&]?\d+>/);
    expect(rest).not.toMatch(/<#\d+>/);
  }
}

function expectConsoleSafe(reply: Reply): void {
  const out = renderConsole(reply);
  // Only line feeds survive: no ESC, no C1 CSI, no carriage return or backspace to overwrite a line.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
}

describe('mention syntax in replies', () => {
  it(
    'Slack: Block Kit text holds no mention, broadcast or link that came from input',
    () => {
      fc.assert(fc.property(hostileReply, expectSlackSafe), { numRuns: 500 });
    },
    TIMEOUT,
  );

  it(
    'Discord: allowedMentions parses nothing, and no text holds a raw mention that came from input',
    () => {
      fc.assert(fc.property(hostileReply, expectDiscordSafe), { numRuns: 500 });
    },
    TIMEOUT,
  );

  it(
    'console: no terminal control sequence survives',
    () => {
      fc.assert(fc.property(hostileReply, expectConsoleSafe), { numRuns: 500 });
    },
    TIMEOUT,
  );
});

describe('mention syntax through the real commands', () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-property-'));
    store = SqliteStore.open(join(dir, 'archive.db'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A paper whose every text field is hostile, stored under a real arXiv id so share finds it offline. */
  const stored = (n: number, title: string, abstract: string, author: string, org: string): Paper => ({
    id: `2410.${String(10000 + n)}`,
    arxivId: `2410.${String(10000 + n)}`,
    title: `unlearning ${title}`,
    abstract,
    authors: [author],
    authorCount: 1,
    organization: { id: org, name: org },
    publishedAt: '2024-10-22',
    feedDate: '2024-10-25',
    upvotes: 1,
    comments: 0,
    aiSummary: abstract,
  });

  it(
    'share (note, display name) and search (query echo) replies are safe on every platform',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(hostileText, hostileText, hostileText, hostileText),
          hostileText,
          fc.option(hostileText),
          hostileText,
          async ([title, abstract, author, org], note, userName, query) => {
            const paper = stored(n++ % 50, title, abstract, author, org);
            await store.upsertPapers([paper]);
            const ctx = context(store, { userName });
            const replies: Reply[] = [];
            for (const text of [`share ${paper.id} ${note}`, `search unlearning ${query}`, query]) {
              const parsed = parseCommandText(text, COMMANDS);
              if ('error' in parsed) replies.push({ visibility: 'ephemeral', text: parsed.error });
              else replies.push(await parsed.command.run(ctx, parsed.args));
            }
            for (const reply of replies) {
              expectSlackSafe(reply);
              expectDiscordSafe(reply);
              expectConsoleSafe(reply);
            }
          },
        ),
        { numRuns: 100 },
      );
    },
    TIMEOUT,
  );
});
