import { describe, expect, it } from 'vitest';
import { displayText } from '../../src/chat/display-text.ts';

describe('displayText', () => {
  it.each([
    ['plain text', 'Attention Is All You Need', 'Attention Is All You Need'],
    ['a NUL', 'Attention\u0000 Is All', 'Attention Is All'],
    ['other C0 controls, DEL and C1 controls', 'a\u0001b\u001bc\u007fd\u0085e\u009bf', 'abcdef'],
    ['tabs and line feeds, kept', 'a\tb\nc', 'a\tb\nc'],
    ['CRLF and a lone CR, as line feeds', 'a\r\nb\rc', 'a\nb\nc'],
    ['a right-to-left override', 'Shared by \u202eevil\u202c', 'Shared by evil'],
    ['every embedding and override', '\u202aa\u202bb\u202cc\u202dd\u202ee', 'abcde'],
    ['every isolate', '\u2066a\u2067b\u2068c\u2069', 'abc'],
    ['Arabic and Hebrew letters, kept', 'نموذج לימוד model', 'نموذج לימוד model'],
    ['directional marks, kept', 'a\u200eb\u200fc\u061cd', 'a\u200eb\u200fc\u061cd'],
    ['emoji with joiners and selectors, kept', '👩‍🔬 ❤️ 1️⃣', '👩‍🔬 ❤️ 1️⃣'],
  ])('GIVEN %s THEN %j', (_what, text, expected) => {
    expect(displayText(text)).toBe(expected);
  });
});
