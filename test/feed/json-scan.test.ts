import { describe, expect, it } from 'vitest';
import { scanJsonValue, skipJsonWhitespace } from '../../src/feed/json-scan.ts';

describe('scanJsonValue', () => {
  it.each([
    // [text, start, end, values]
    ['{"a":1}', 0, 7, 2],
    ['[1,2,3] ', 0, 7, 4],
    ['[[],{}],', 0, 7, 5],
    ['"x,]\\"y" ,', 0, 8, 1],
    ['{"k":"]}"}', 0, 10, 2],
    ['12.5e3,', 0, 6, 1],
    ['null]', 0, 4, 1],
    ['[0,"a"]', 3, 6, 1],
  ] as const)(
    'GIVEN %j from %i THEN it ends at %i and holds at most %i values',
    (text, start, end, values) => {
      expect(scanJsonValue(text, start)).toEqual({ start, end, values });
    },
  );

  it('gives a stray delimiter one character, so that JSON.parse names it', () => {
    expect(scanJsonValue('[,1]', 1)).toEqual({ start: 1, end: 2, values: 1 });
  });

  it.each([
    ['an unclosed array', '[1,2'],
    ['an unclosed string', '"abc'],
    ['a string cut after a backslash', '"abc\\'],
    ['a quote inside a string', '["a\\"]'],
    ['deep nesting cut off', '['.repeat(100_000)],
  ])('GIVEN %s THEN null (the text ends inside the value)', (_what, text) => {
    expect(scanJsonValue(text, 0)).toBeNull();
  });

  it('counts commas and brackets, not characters: a long string is one value', () => {
    expect(scanJsonValue(`["${'x'.repeat(100_000)}"]`, 0)?.values).toBe(2);
    expect(scanJsonValue(`[${'0,'.repeat(1000)}0]`, 0)?.values).toBe(1002);
  });
});

describe('skipJsonWhitespace', () => {
  it('skips only JSON whitespace', () => {
    expect(skipJsonWhitespace(' \t\r\n[', 0)).toBe(4);
    expect(skipJsonWhitespace('\u00a0[', 0)).toBe(0);
    expect(skipJsonWhitespace('  ', 0)).toBe(2);
  });
});
