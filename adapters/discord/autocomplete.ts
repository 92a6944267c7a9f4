import { displayText } from '../../src/chat/display-text.ts';
import type { Suggestion } from '../../src/chat/platform.ts';
import { LIMITS } from './limits.ts';
import { truncate } from './text.ts';

/** An autocomplete choice as Discord takes it: `name` is shown, `value` is what the option receives. */
export interface Choice {
  name: string;
  value: string;
}

/**
 * Fits the core's suggestions to Discord's autocomplete: at most 25 choices, each name and value at most
 * 100 characters, none without a name (Discord rejects the whole answer otherwise). A long name is cut
 * before its tag, so `A very long title… (2410.17243)` still says which paper it is. Names are feed titles:
 * control and bidi formatting characters are dropped ({@link displayText}); choices render no markdown.
 */
export function toChoices(suggestions: readonly Suggestion[]): Choice[] {
  const max = LIMITS.choiceChars;
  return suggestions
    .map((s) => ({ ...s, name: displayText(s.name) }))
    .filter((s) => s.name.trim() !== '')
    .slice(0, LIMITS.choices)
    .map((s) => {
      const tag = s.tag ? ` (${displayText(s.tag)})` : '';
      return { name: truncate(truncate(s.name, max - tag.length) + tag, max), value: truncate(s.value, max) };
    });
}
