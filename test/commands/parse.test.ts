import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { parseCommandText, resolveOptions, usageOf } from '../../commands/parse.ts';

/** The parse as `name {args}` or `error: …`, so the table reads at a glance. */
function parse(text: string): string {
  const r = parseCommandText(text, COMMANDS);
  return 'error' in r ? `error: ${r.error}` : `${r.command.name} ${JSON.stringify(r.args)}`;
}

describe('parseCommandText', () => {
  it.each([
    ['', 'help {}'],
    ['   ', 'help {}'],
    ['help', 'help {}'],
    ['--help', 'help {}'],
    ['-h', 'help {}'],
    [' ? ', 'help {}'],
    ['--help me find diffusion', 'search {"query":"--help me find diffusion"}'],
    ['HELP share', 'help {"subcommand":"share"}'],
    ['today', 'today {}'],
    ['Today', 'today {}'],
    ['top', 'top {}'],
    ['top month', 'top {"period":"month"}'],
    ['top ALL', 'top {"period":"all"}'],
    ['share 2410.17243', 'share {"paper":"2410.17243"}'],
    [
      'share https://arxiv.org/abs/2410.17243v2  worth a read!',
      'share {"paper":"https://arxiv.org/abs/2410.17243v2","note":"worth a read!"}',
    ],
    ['share "2410.17243" "quoted" note', 'share {"paper":"2410.17243","note":"\\"quoted\\" note"}'],
    ['search unlearning', 'search {"query":"unlearning"}'],
    ['roundup at 09:30 Europe/Berlin', 'roundup {"action":"at","value":"09:30 Europe/Berlin"}'],
    ['roundup', 'roundup {}'],
    ['unlearning', 'search {"query":"unlearning"}'],
    ['machine "in context" -survey', 'search {"query":"machine \\"in context\\" -survey"}'],
    ['todays news', 'search {"query":"todays news"}'],
    ['"top k" sampling', 'search {"query":"\\"top k\\" sampling"}'],
    ["today's papers", 'search {"query":"today\'s papers"}'],
    ['Topology of loss landscapes', 'search {"query":"Topology of loss landscapes"}'],
  ])('GIVEN %j THEN %s', (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  it.each([
    [
      'top year',
      /^error: "year" is not a choice of \/papers top: choose week, month or all\. Usage: \/papers top \[week\|month\|all\]$/,
    ],
    ['top week extra', /does not take "extra"/],
    ['today please', /\/papers today does not take "please"/],
    ['share', /Tell me the paper\. Usage: \/papers share <paper> \[note\]/],
    ['share ""', /Tell me the paper/],
    ['search', /Tell me the query/],
  ])('GIVEN %j THEN a clear error', (text, message) => {
    expect(parse(text)).toMatch(message);
  });

  describe('hostile input never throws', () => {
    const long = `${'unlearning '.repeat(454)}x`.slice(0, 5000);
    it.each([
      ['empty', '', 'help {}'],
      ['5,000 characters', long, null],
      ['only punctuation', '!!! ??? ... ;;; ---', null],
      ['an unbalanced quote', '"machine unlearning', null],
      [
        'an unbalanced quote after a subcommand',
        'share "2410.17243 note',
        'share {"paper":"2410.17243 note"}',
      ],
      ['emoji', '🔥👍🏽 ❤️', null],
      ['right-to-left text', 'تعلم الآلة \u202Eevil', null],
      ['a Slack broadcast', '<!channel> <!here> <@U123>', null],
      ['control characters', '\u0000\u001b[31mred\u0007', null],
      ['lone surrogates', '\ud800 \udfff', null],
    ])('GIVEN %s', (_what, text, expected) => {
      const result = parseCommandText(text, COMMANDS);
      if (expected) expect(parse(text)).toBe(expected);
      else expect('command' in result && result.command.name).toBe('search');
    });

    it('echoes at most a short piece of a long bad value', () => {
      const r = parseCommandText(`top ${'y'.repeat(5000)}`, COMMANDS);
      expect('error' in r && r.error.length).toBeLessThan(200);
    });
  });
});

describe('resolveOptions (options a platform parsed itself)', () => {
  it.each([
    ['top', {}, 'top {}'],
    ['top', { period: 'Month' }, 'top {"period":"month"}'],
    ['top', { period: 'year' }, 'error: "year" is not a choice of /papers top: choose week, month or all.'],
    ['share', { paper: '2410.17243', note: 'hi' }, 'share {"paper":"2410.17243","note":"hi"}'],
    ['share', { note: 'hi' }, 'error: Tell me the paper'],
    ['search', { query: 'unlearning', stale: 'ignored' }, 'search {"query":"unlearning"}'],
    ['frobnicate', {}, 'error: There is no /papers frobnicate'],
  ] as const)('GIVEN %s %j THEN %s', (name, options, expected) => {
    const r = resolveOptions(name, options, COMMANDS);
    const shown = 'error' in r ? `error: ${r.error}` : `${r.command.name} ${JSON.stringify(r.args)}`;
    expect(shown.startsWith(expected)).toBe(true);
  });

  it('validates integers as whole numbers', () => {
    const command = {
      name: 'count',
      description: 'test',
      options: [{ name: 'n', description: 'n', type: 'integer', required: true }] as const,
      run: async () => ({ visibility: 'ephemeral' as const }),
    };
    expect(parseCommandText('count 7', [command])).toMatchObject({ args: { n: 7 } });
    expect(parseCommandText('count 7.5', [command])).toEqual({
      error: '/papers count expects a whole number where you typed "7.5". Usage: /papers count <n>',
    });
    expect(parseCommandText('count seven', [command])).toHaveProperty('error');
    expect(resolveOptions('count', { n: 3 }, [command])).toMatchObject({ args: { n: 3 } });
  });
});

describe('usageOf', () => {
  it('shows required options in <>, optional in [], choices joined by |', () => {
    expect(COMMANDS.map(usageOf)).toEqual([
      '/papers search <query>',
      '/papers today',
      '/papers top [week|month|all]',
      '/papers share <paper> [note]',
      '/papers like <paper>',
      '/papers roundup [show|on|off|at|size|topics|days|mode|min-score] [value]',
      '/papers watch [query]',
      '/papers cite <paper>',
      '/papers export [source] [bibtex|csv|markdown]',
      '/papers save <paper>',
      '/papers list [all|remove] [number]',
      '/papers help [subcommand]',
    ]);
  });
});

describe('resolveOptions with blank values', () => {
  it('GIVEN an option of only spaces THEN it counts as not given', () => {
    const parsed = resolveOptions('roundup', { value: ' '.repeat(3000) }, COMMANDS);
    expect(parsed).toMatchObject({ args: {} });
    expect(resolveOptions('share', { paper: '   ' }, COMMANDS)).toEqual({
      error: expect.stringMatching(/^Tell me the paper\./),
    });
  });
});
