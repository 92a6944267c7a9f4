import { describe, expect, it } from 'vitest';
import { commandText, unwrapLinks } from '../../../adapters/slack/command-text.ts';

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

describe('commandText: what the person typed, from what Slack delivers', () => {
  it.each([
    ['a typed broadcast, which Slack escapes', 'great read &lt;!here&gt;', 'great read <!here>'],
    ['a typed ampersand', 'R&amp;D', 'R&D'],
    ['a typed entity, decoded once only', 'say &amp;lt;', 'say &lt;'],
    [
      'a pasted link whose URL Slack escaped',
      '<https://x.example/?a=1&amp;b=2|x.example>',
      'https://x.example/?a=1&b=2',
    ],
    ['a typed link, left as text', '&lt;https://x.example&gt;', '<https://x.example>'],
    ['entities Slack never sends, left alone', '&quot; &#60; &nbsp;', '&quot; &#60; &nbsp;'],
  ])('GIVEN %s THEN %j', (_what, text, expected) => {
    expect(commandText(text)).toBe(expected);
  });
});
