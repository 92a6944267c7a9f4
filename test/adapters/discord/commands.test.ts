import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { buildCommandsJson, rootDescription } from '../../../adapters/discord/commands.ts';
import { COMMANDS } from '../../../commands/index.ts';
import type { CommandDefinition, OptionDefinition } from '../../../commands/types.ts';

const def = (
  name: string,
  options: OptionDefinition[] = [],
  description = `The ${name} command`,
): CommandDefinition => ({
  name,
  description,
  options,
  run: async () => ({ visibility: 'ephemeral', text: name }),
});
/** An option with suggestions, which Discord registers as autocomplete. */
const suggest: OptionDefinition['suggest'] = async () => [];
const opt = (o: Partial<OptionDefinition> & { name: string }): OptionDefinition => ({
  description: `The ${o.name}`,
  type: 'string',
  required: false,
  ...o,
});

describe('buildCommandsJson', () => {
  it('GIVEN definitions THEN one /papers command with a typed subcommand each', () => {
    const [papers, ...rest] = buildCommandsJson([
      def('search', [opt({ name: 'query', required: true, rest: true, suggest })]),
      def('top', [opt({ name: 'period', choices: ['week', 'month', 'all'] })]),
      def('share', [opt({ name: 'note', rest: true }), opt({ name: 'paper', required: true, suggest })]),
      def('size', [opt({ name: 'n', type: 'integer', required: true, choices: ['5', '10'] })]),
      def('help'),
    ]);
    expect(rest).toEqual([]);
    expect(papers).toMatchObject({ name: 'papers', type: 1, contexts: [0] });
    expect(papers?.options).toEqual([
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'search',
        description: 'The search command',
        options: [{ type: 3, name: 'query', description: 'The query', required: true, autocomplete: true }],
      },
      {
        type: 1,
        name: 'top',
        description: 'The top command',
        options: [
          {
            type: 3,
            name: 'period',
            description: 'The period',
            required: false,
            choices: [
              { name: 'week', value: 'week' },
              { name: 'month', value: 'month' },
              { name: 'all', value: 'all' },
            ],
          },
        ],
      },
      {
        type: 1,
        name: 'share',
        description: 'The share command',
        // Required options first, as Discord demands.
        options: [
          { type: 3, name: 'paper', description: 'The paper', required: true, autocomplete: true },
          { type: 3, name: 'note', description: 'The note', required: false, autocomplete: false },
        ],
      },
      {
        type: 1,
        name: 'size',
        description: 'The size command',
        options: [
          {
            type: 4,
            name: 'n',
            description: 'The n',
            required: true,
            choices: [
              { name: '5', value: 5 },
              { name: '10', value: 10 },
            ],
          },
        ],
      },
      { type: 1, name: 'help', description: 'The help command', options: [] },
    ]);
  });

  it.each<[string, CommandDefinition[], RegExp]>([
    ['an upper-case name', [def('Search')], /not a valid Discord name/],
    ['a name with a space', [def('my cmd')], /not a valid Discord name/],
    ['a long description', [def('x', [], 'd'.repeat(101))], /description must be 1 to 100/],
    ['a duplicate', [def('a'), def('a')], /defined twice/],
    ['no subcommands', [], /needs 1 to 25/],
    [
      'a non-integer choice',
      [def('a', [opt({ name: 'n', type: 'integer', choices: ['x'] })])],
      /not an integer/,
    ],
    [
      '26 choices',
      [def('a', [opt({ name: 'c', choices: Array.from({ length: 26 }, (_, i) => `c${i}`) })])],
      /more than 25/,
    ],
  ])('GIVEN %s THEN it throws', (_, defs, error) => {
    expect(() => buildCommandsJson(defs)).toThrow(error);
  });

  it('GIVEN the real registry THEN /papers is described by its subcommand names', () => {
    expect(buildCommandsJson(COMMANDS)[0]?.description).toBe(
      'ML papers: search, today, top, share, like, roundup, watch, cite, export, save, list, help',
    );
  });

  it('GIVEN names too many for 100 characters THEN as many as fit, then …', () => {
    const names = ['search', ...Array.from({ length: 5 }, (_, i) => `${'x'.repeat(20)}${i}`)];
    const description = rootDescription(names.map((n) => def(n)));
    expect(description.length).toBeLessThanOrEqual(100);
    expect(description).toBe(
      `ML papers: search, ${'x'.repeat(20)}0, ${'x'.repeat(20)}1, ${'x'.repeat(20)}2, …`,
    );
    expect(rootDescription([def('a'.repeat(32)), def('b')])).toBe(`ML papers: ${'a'.repeat(32)}, b`);
  });

  it('GIVEN the real registry THEN it builds, with search, today, top, share and help', () => {
    const [papers] = buildCommandsJson(COMMANDS);
    const names = (papers?.options ?? []).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['search', 'today', 'top', 'share', 'help']));
    expect(JSON.stringify(papers).length).toBeLessThan(8000); // Discord's cap on a command's text
  });
});
