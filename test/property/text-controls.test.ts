import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderReply as renderConsole } from '../../adapters/console/render.ts';
import { toChoices } from '../../adapters/discord/autocomplete.ts';
import { renderReply as renderDiscord } from '../../adapters/discord/render.ts';
import { renderReply as renderSlack } from '../../adapters/slack/render.ts';
import { hostileReply, hostileText, renderedStrings } from './chat-arbitraries.ts';

/*
 * No control character (other than tab and line feed) and no bidi embedding, override or isolate from a
 * paper or a person reaches a post: a NUL or a right-to-left override in a title cannot hide or reverse
 * the rest of the line it is shown on.
 */

const TIMEOUT = 60_000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const SLACK_TEXT_KEYS = new Set(['text']);
const DISCORD_TEXT_KEYS = new Set(['content', 'title', 'description', 'text', 'name', 'label', 'value']);

function expectClean(texts: readonly string[]): void {
  for (const text of texts) expect(text).not.toMatch(FORBIDDEN);
}

describe('control and bidi formatting characters in replies', () => {
  it(
    'Slack: no Block Kit text or fallback holds one',
    () => {
      fc.assert(
        fc.property(hostileReply, (reply) => {
          expectClean(renderedStrings(renderSlack(reply), SLACK_TEXT_KEYS));
        }),
        { numRuns: 500 },
      );
    },
    TIMEOUT,
  );

  it(
    'Discord: no message text, embed or autocomplete choice holds one',
    () => {
      fc.assert(
        fc.property(hostileReply, hostileText, (reply, title) => {
          expectClean(renderedStrings(renderDiscord(reply), DISCORD_TEXT_KEYS));
          expectClean(toChoices([{ name: `x${title}`, value: '2410.17243', tag: title }]).map((c) => c.name));
        }),
        { numRuns: 500 },
      );
    },
    TIMEOUT,
  );

  it(
    'console: no line holds one',
    () => {
      fc.assert(
        fc.property(hostileReply, (reply) => {
          expectClean([renderConsole(reply)]);
        }),
        { numRuns: 500 },
      );
    },
    TIMEOUT,
  );
});
