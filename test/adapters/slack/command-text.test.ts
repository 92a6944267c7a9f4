import { describe, expect, it } from 'vitest';
import { unwrapLinks } from '../../../adapters/slack/command-text.ts';

describe('unwrapLinks', () => {
  it.each([
    [
      'a labelled link',
      '<https://arxiv.org/abs/2410.17243|arxiv.org/abs/2410.17243>',
      'https://arxiv.org/abs/2410.17243',
    ],
    ['a bare link', '<https://huggingface.co/papers/2410.17243>', 'https://huggingface.co/papers/2410.17243'],
    [
      'every link in the text',
      'share <https://arxiv.org/abs/2410.17243|arxiv.org/abs/2410.17243> see <http://a.example/b?c=d|a.example/b>',
      'share https://arxiv.org/abs/2410.17243 see http://a.example/b?c=d',
    ],
    ['a mailto link', 'ask <mailto:ada@example.org|ada@example.org>', 'ask mailto:ada@example.org'],
    [
      'mentions, kept as typed',
      'great read <!channel> <@U123> <#C1|general>',
      'great read <!channel> <@U123> <#C1|general>',
    ],
    ['text without markup', 'unlearning "long context" -survey', 'unlearning "long context" -survey'],
    ['an unclosed bracket', 'a < b and <https://x', 'a < b and <https://x'],
  ])('GIVEN %s THEN %j', (_what, text, expected) => {
    expect(unwrapLinks(text)).toBe(expected);
  });
});
