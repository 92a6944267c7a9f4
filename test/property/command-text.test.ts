import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandText, resolveOptions } from '../../commands/index.ts';
import type { ParsedCommand } from '../../commands/parse.ts';
import { anyText, huge } from './feed-arbitraries.ts';

/*
 * The free-text command parser (Slack's command.text, a console line) and the option validator (Discord's
 * typed options) never throw: every input gives a command with valid arguments or one sentence saying why not.
 */

const TIMEOUT = 60_000;
const NAMES = COMMANDS.map((c) => c.name);
const CHOICES = COMMANDS.flatMap((c) => c.options.flatMap((o) => o.choices ?? []));
const SPACES = [' ', '  ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\r\n'];

/** Checks the contract of a parse: a known command with valid args, or one readable sentence. */
function expectWellFormed(parsed: ParsedCommand): void {
  if ('error' in parsed) {
    const { error } = parsed;
    expect(Object.keys(parsed)).toEqual(['error']);
    // One line, trimmed, bounded however long the input (user text is echoed shortened).
    expect(error).toMatch(/^\S[^\n\r\u2028\u2029]*$/);
    expect(error.length).toBeLessThanOrEqual(400);
    // A sentence, optionally followed by the usage line.
    expect(error.replace(/ Usage: \/papers .*$/, '')).toMatch(/[.!?]$/);
    return;
  }
  const { command, args } = parsed;
  expect(COMMANDS).toContain(command);
  const names = new Set(command.options.map((o) => o.name));
  for (const [name, value] of Object.entries(args)) {
    expect(names.has(name)).toBe(true);
    const option = command.options.find((o) => o.name === name);
    if (option?.choices) expect(option.choices).toContain(value);
    if (option?.type === 'integer') expect(Number.isSafeInteger(value)).toBe(true);
    else expect(typeof value).toBe('string');
    expect(value).not.toBe('');
  }
  for (const option of command.options) {
    if (option.required) expect(args[option.name]).toBeDefined();
  }
}

/** Text built from subcommand names (any case), choices, quotes and arbitrary words, with odd spacing. */
const commandLike: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...NAMES),
      fc.constantFrom(...NAMES).map((n) => n.toUpperCase()),
      anyText,
    ),
    fc.array(
      fc.oneof(
        fc.constantFrom(
          ...CHOICES,
          ...NAMES,
          '"',
          '“',
          '”',
          '""',
          '"a b"',
          '“x y”',
          '-',
          '0',
          '-1',
          '2410.17243',
        ),
        anyText,
      ),
      { maxLength: 6 },
    ),
    fc.array(fc.constantFrom(...SPACES), { minLength: 7, maxLength: 7 }),
  )
  .map(([first, rest, gaps]) => [first, ...rest].map((w, i) => w + (gaps[i] ?? ' ')).join(''));

/** Inputs of 10,000 to 100,000 characters: one word, many words, quotes, whitespace. */
const overlong: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', ...NAMES.map((n) => `${n} `)),
    fc.constantFrom('a', 'ab ', '"', '" ', '“', '/', '?', ' ', '\n', '😀', '<!channel> ', 'week '),
    fc.integer({ min: 10_000, max: 100_000 }),
  )
  .map(([head, unit, n]) => head + huge(unit, n));

describe('parseCommandText', () => {
  it(
    'never throws, and gives a command with valid arguments or one sentence',
    () => {
      fc.assert(
        fc.property(fc.oneof(anyText, commandLike), (text) =>
          expectWellFormed(parseCommandText(text, COMMANDS)),
        ),
        { numRuns: 1000 },
      );
    },
    TIMEOUT,
  );

  it(
    'handles 100,000-character input the same way',
    () => {
      fc.assert(
        fc.property(overlong, (text) => expectWellFormed(parseCommandText(text, COMMANDS))),
        { numRuns: 40, examples: [[huge('x', 100_000)], [`share ${huge('/', 100_000)}`]] },
      );
    },
    TIMEOUT,
  );

  it(
    'text whose first word names no subcommand is a search for the whole text',
    () => {
      const notAName = anyText.filter((t) => {
        const first = /^[^\s"“”]+/.exec(t.trim())?.[0];
        // `--help`, `-h` and `?` alone ask for help.
        return (
          t.trim() !== '' &&
          !NAMES.includes(first?.toLowerCase() ?? '') &&
          !/^(?:--?help|-h|\?)$/i.test(t.trim())
        );
      });
      fc.assert(
        fc.property(notAName, (text) => {
          const parsed = parseCommandText(text, COMMANDS);
          expect('command' in parsed && parsed.command.name).toBe('search');
          expect('args' in parsed && parsed.args.query).toBe(text.trim());
        }),
        { numRuns: 300 },
      );
    },
    TIMEOUT,
  );

  it(
    'a choice typed in any case comes back as declared',
    () => {
      const withChoices = COMMANDS.filter((c) => c.options[0]?.choices);
      expect(withChoices.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(
          fc.constantFrom(...withChoices),
          fc.nat(),
          fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
          fc.constantFrom(...SPACES),
          (command, pick, upper, space) => {
            const option = command.options[0];
            const choices = option?.choices ?? [];
            const choice = choices[pick % choices.length] ?? '';
            const typed = [...choice].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');
            const parsed = parseCommandText(`${command.name}${space}${typed}`, COMMANDS);
            expect('args' in parsed && parsed.args[option?.name ?? '']).toBe(choice);
          },
        ),
        { numRuns: 100 },
      );
    },
    TIMEOUT,
  );
});

describe('resolveOptions (Discord options)', () => {
  it(
    'never throws on any subcommand and option values, up to 100,000 characters',
    () => {
      const optionNames = [...new Set(COMMANDS.flatMap((c) => c.options.map((o) => o.name)))];
      fc.assert(
        fc.property(
          fc.oneof(fc.constantFrom(...NAMES), anyText),
          fc.dictionary(
            fc.oneof(fc.constantFrom(...optionNames), fc.string({ maxLength: 8 })),
            fc.oneof(anyText, overlong, fc.constantFrom(...CHOICES), fc.integer(), fc.double(), fc.boolean()),
            { maxKeys: 4 },
          ),
          (subcommand, options) => expectWellFormed(resolveOptions(subcommand, options, COMMANDS)),
        ),
        { numRuns: 300 },
      );
    },
    TIMEOUT,
  );
});
