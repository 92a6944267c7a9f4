import { describe, expect, it } from 'vitest';
import { describeQuery, MAX_PHRASES, parseSearchQuery } from '../../src/papers/search-query.ts';

function ok(text: string) {
  const r = parseSearchQuery(text);
  if (!r.ok) throw new Error(`expected a query from ${JSON.stringify(text)}, got: ${r.error}`);
  return r.query;
}

describe('parseSearchQuery', () => {
  it.each([
    ['unlearning', [['unlearning']], []],
    ['Machine  UNLEARNING', [['machine'], ['unlearning']], []],
    ['"machine unlearning" diffusion', [['machine', 'unlearning'], ['diffusion']], []],
    ['unlearning -survey', [['unlearning']], [['survey']]],
    ['llm -"red teaming"', [['llm']], [['red', 'teaming']]],
    ['in-context', [['in', 'context']], []],
    ['“curly quotes”', [['curly', 'quotes']], []],
    ['"unbalanced phrase', [['unbalanced', 'phrase']], []],
    ['NEAR(a b)', [['near', 'a'], ['b']], []],
    ['a* or b', [['a'], ['or'], ['b']], []],
    ['OR', [['or']], []],
    ['unlearning OR', [['unlearning'], ['or']], []],
    ['OR unlearning', [['or'], ['unlearning']], []],
    ['"a OR b"', [['a', 'or', 'b']], []],
    ['unlearning AND diffusion', [['unlearning'], ['diffusion']], []],
    ['AND', [['and']], []],
    // NOT is a word: titles hold it in capitals, and excluding it would rule out the paper pasted.
    ['Do NOT Think That Much', [['do'], ['not'], ['think'], ['that'], ['much']], []],
    ['NOT gate', [['not'], ['gate']], []],
    ['x AND NOT y', [['x'], ['not'], ['y']], []],
    ['title:unlearning', [['title', 'unlearning']], []],
    ['TÜLU', [['tülu']], []],
    ['unlearning unlearning', [['unlearning']], []],
    ['תרגום מכונה', [['תרגום'], ['מכונה']], []],
    ['LLM×MapReduce', [['llm'], ['mapreduce']], []],
    ['"LLM×MapReduce" long', [['llm'], ['mapreduce'], ['long']], []],
    ['a≤b', [['a'], ['b']], []],
    ['x -LLM×MapReduce', [['x']], [['llm', 'mapreduce']]],
    // Only a single dash excludes: two are a word written with dashes.
    ['--json', [['json']], []],
    ['parser --strict -survey', [['parser'], ['strict']], [['survey']]],
    ['a -- b', [['a'], ['b']], []],
    // Slack sends a typed emoji as its shortcode: decoration, not a word.
    ['unlearning :fire:', [['unlearning']], []],
    [':+1::skin-tone-3: diffusion :tada:', [['diffusion']], []],
    ['arXiv:2410.17243 notes:', [['2410', '17243'], ['notes']], []],
  ])('GIVEN %j THEN must %j and exclude %j', (text, must, exclude) => {
    const q = ok(text);
    expect(q.must).toEqual(must);
    expect(q.exclude).toEqual(exclude);
    expect(q.mode).toBe('all');
  });

  it.each(['', '   ', '!!! ??? ...', '***', '""', '🦄🔥', '-survey', '- - -'])(
    'GIVEN %j THEN a clear error',
    (text) => {
      const r = parseSearchQuery(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/search|word/i);
    },
  );

  it('shortens a 10,000-character query at a word boundary and says so', () => {
    const q = ok('unlearning diffusion '.repeat(500));
    expect(q.must).toEqual([['unlearning'], ['diffusion']]);
    expect(q.notice).toMatch(/first 500 characters/);
  });

  it(`keeps at most ${MAX_PHRASES} phrases and says so`, () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const q = ok(words);
    expect(q.must).toHaveLength(MAX_PHRASES);
    expect(q.notice).toMatch(/first 12/);
  });

  it('says only alternatives were left out when every word still counts', () => {
    const forms = Array.from({ length: 20 }, (_, i) => `f${i}`).join(' OR ');
    const q = ok(`base OR ${forms} tail`);
    expect(q.must).toEqual([['base'], ['tail']]);
    expect((q.alternatives?.[0] ?? []).length).toBe(MAX_PHRASES - 2);
    expect(q.notice).toMatch(/alternatives after OR were left out/);
    expect(q.notice).not.toMatch(/first 12/);
  });

  it.each([
    ['unlearning OR diffusion', [['unlearning']], [[['diffusion']]]],
    ['a* OR b', [['a']], [[['b']]]],
    [
      '"machine unlearning" OR forgetting survey',
      [['machine', 'unlearning'], ['survey']],
      [[['forgetting']], []],
    ],
    [
      'llm OR "large language model" OR lm agents',
      [['llm'], ['agents']],
      [[['large', 'language', 'model'], ['lm']], []],
    ],
    ['unlearning OR unlearning', [['unlearning']], [[]]],
    ['unlearning OR -survey', [['unlearning'], ['or']], [[], []]],
  ])('GIVEN %j THEN must %j, each satisfied by its alternatives %j', (text, must, alternatives) => {
    const q = ok(text);
    expect(q.must).toEqual(must);
    expect(q.alternatives ?? q.must.map(() => [])).toEqual(alternatives);
  });

  it('reads back OR as typed', () => {
    expect(describeQuery(ok('"machine unlearning" OR forgetting -survey'))).toBe(
      '"machine unlearning" OR forgetting -survey',
    );
  });

  it('reads back the query as a person typed it', () => {
    expect(describeQuery(ok('"machine unlearning" diffusion -survey'))).toBe(
      '"machine unlearning" diffusion -survey',
    );
  });

  it('passes mention syntax through as plain words', () => {
    expect(ok('<!channel> <@U123>').must).toEqual([['channel'], ['u123']]);
  });
});
