import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { nearSubcommand, SUBCOMMAND_NAMES } from '../../commands/near-subcommand.ts';

describe('a slip for a subcommand', () => {
  it('knows every subcommand but search, as commands/index.ts lists them', () => {
    expect([...SUBCOMMAND_NAMES].sort()).toEqual(
      COMMANDS.map((c) => c.name)
        .filter((n) => n !== 'search')
        .sort(),
    );
  });

  it.each([
    ['shar 2410.17243', 'share'],
    ['sahre x', 'share'],
    ['TODAY', null],
    ['todya', 'today'],
    ['exprt csv', 'export'],
    ['rondup', 'roundup'],
    ['match', 'watch'],
    ['diffusion models', null],
    ['top-k sampling', null],
    ['"shar" words', null],
    ['-shar words', null],
    ['sh', null],
  ])('GIVEN %j THEN %j', (query, name) => {
    expect(nearSubcommand(query)).toBe(name);
  });
});
