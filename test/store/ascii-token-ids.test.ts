import { describe, expect, it } from 'vitest';
import {
  AsciiTokenIds,
  isTokenChar,
  TOKEN_HASH_SEED,
  tokenHash,
} from '../../src/store/sqlite/ascii-token-ids.ts';
import { asciiWords } from '../../src/store/sqlite/fts-tokens.ts';

/** The tokens of an ASCII text as the build scans them: [start, end, hash]. */
function scan(text: string): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < text.length; ) {
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let h = TOKEN_HASH_SEED;
    for (; i < text.length && isTokenChar(text.charCodeAt(i)); i++) h = tokenHash(h, text.charCodeAt(i));
    out.push([start, i, h]);
  }
  return out;
}

/** Deterministic pseudo-random words of mixed case and digits. */
function words(n: number, seed: number): string[] {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from({ length: n }, () =>
    Array.from({ length: 1 + (next() % 9) }, () => chars[next() % chars.length]).join(''),
  );
}

describe('AsciiTokenIds: term ids of tokens read in place from the text', () => {
  it('cuts the tokens the index cuts, and gives each the id of its lower-case form', () => {
    const text = `${words(3000, 7).join(' -- ')}, LLM-based (GPT4o) vs. Llama_3.1/70B; naïve`.replace(
      /ï/g,
      'i',
    );
    const resolved: string[] = [];
    const table = new AsciiTokenIds((token) => {
      resolved.push(token);
      return token.length * 1000 + token.charCodeAt(0);
    });
    const tokens = scan(text);
    expect(tokens.map(([s, e]) => text.slice(s, e).toLowerCase())).toEqual(asciiWords(text));
    for (const [s, e, h] of tokens) {
      const token = text.slice(s, e).toLowerCase();
      expect(table.get(text, s, e, h)).toBe(token.length * 1000 + token.charCodeAt(0));
    }
    // Each distinct token (case folded) resolved once: "LLM" and "llm" are one token.
    expect(resolved.length).toBe(new Set(resolved).size);
    expect(new Set(resolved)).toEqual(new Set(asciiWords(text)));
  });

  it('never takes one token for another, even when every hash is the same, across growth and resets', () => {
    const list = words(5000, 11);
    const text = list.join(' ');
    const ids = new Map<string, number>();
    const table = new AsciiTokenIds((token) => {
      if (!ids.has(token)) ids.set(token, ids.size + 1);
      return ids.get(token) as number;
    }, 700);
    const tokens = scan(text);
    for (let round = 0; round < 3; round++)
      for (const [s, e, h] of tokens) {
        const token = text.slice(s, e).toLowerCase();
        // Colliding on purpose for a third of the tokens: the table must compare the text itself.
        const hash = s % 3 === 0 ? 42 : h;
        expect(table.get(text, s, e, hash)).toBe(ids.get(token));
      }
  });
});
