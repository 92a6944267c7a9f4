import { describe, expect, it } from 'vitest';
import {
  abbreviationLookups,
  expandAbbreviations,
  MIN_DEFINING_PAPERS,
} from '../../src/papers/expand-abbreviations.ts';
import { parseSearchQuery, type SearchQuery } from '../../src/papers/search-query.ts';
import type { AbbreviationCount } from '../../src/store/port.ts';

function q(text: string): SearchQuery {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

const pair = (short: string, long: string, longKey: string, papers: number): AbbreviationCount => ({
  short,
  long,
  longKey,
  papers,
});
const PAIRS = [
  pair('llm', 'large language models', 'larg languag model', 26),
  pair('rl', 'reinforcement learning', 'reinforc learn', 9),
  pair('rl', 'representation learning', 'represent learn', 3),
  pair('ot', 'optimal transport', 'optim transport', 1),
];

describe('abbreviationLookups', () => {
  it('asks for each one-word term (and its singular) as a short form and each run of words as a long form', () => {
    const l = abbreviationLookups(q('LLMs "reinforcement learning" agents'));
    expect(l.shorts).toEqual(['llms', 'llm', 'agents', 'agent']);
    expect(l.longKeys).toContain('llm reinforc learn');
    expect(l.longKeys).toContain('reinforc learn');
    expect(l.longKeys).toContain('reinforc learn agent');
  });
});

describe('expandAbbreviations', () => {
  it('GIVEN a known short form THEN its most frequent long form is an alternative', () => {
    const e = expandAbbreviations(q('RL agents'), PAIRS);
    expect(e.query.must).toEqual([['rl'], ['agents']]);
    expect(e.query.alternatives).toEqual([[['reinforcement', 'learning']], []]);
    expect(e.expansions).toEqual(['rl → "reinforcement learning"']);
  });

  it('GIVEN a term typed with OR THEN its own alternatives stay, beside any expansion, and no long form swallows it', () => {
    const e = expandAbbreviations(q('LLM OR chatbot agents'), PAIRS);
    expect(e.query.must).toEqual([['llm'], ['agents']]);
    expect(e.query.alternatives).toEqual([[['chatbot'], ['large', 'language', 'models']], []]);
    // Either side of OR: the typed alternative's long form satisfies the term too.
    const swapped = expandAbbreviations(q('chatbot OR LLM agents'), PAIRS);
    expect(swapped.query.alternatives).toEqual([[['llm'], ['large', 'language', 'models']], []]);
    expect(swapped.expansions).toEqual(['llm → "large language models"']);
    expect(abbreviationLookups(q('chatbot OR LLM')).shorts).toContain('llm');
    const typed = expandAbbreviations(q('large OR small language models'), PAIRS);
    expect(typed.query.must).toEqual([['large'], ['language'], ['models']]);
    expect(typed.query.alternatives).toEqual([[['small']], [], []]);
  });

  it('GIVEN a plural short form THEN the singular pair is used', () => {
    expect(expandAbbreviations(q('LLMs'), PAIRS).expansions).toEqual(['llms → "large language models"']);
  });

  it('GIVEN typed words that are a known long form THEN they become one phrase, also matched by the short form', () => {
    const e = expandAbbreviations(q('efficient large language models -survey'), PAIRS);
    expect(e.query.must).toEqual([['efficient'], ['large', 'language', 'models']]);
    expect(e.query.alternatives).toEqual([[], [['llm']]]);
    expect(e.query.exclude).toEqual([['survey']]);
    expect(e.expansions).toEqual(['"large language models" → llm']);
  });

  it(`GIVEN a pair defined by fewer than ${MIN_DEFINING_PAPERS} papers THEN nothing is expanded`, () => {
    const e = expandAbbreviations(q('OT maps'), PAIRS);
    expect(e.expansions).toEqual([]);
    expect(e.query).toEqual(q('OT maps'));
  });

  it('GIVEN words in another order THEN no long form is recognised', () => {
    expect(expandAbbreviations(q('language large models'), PAIRS).expansions).toEqual([]);
  });

  it('GIVEN equal counts THEN the alphabetically first form wins, so every store expands alike', () => {
    const tied = [
      pair('ga', 'genetic algorithm', 'genet algorithm', 2),
      pair('ga', 'gradient ascent', 'gradient ascent', 2),
    ];
    expect(expandAbbreviations(q('GA'), tied).expansions).toEqual(['ga → "genetic algorithm"']);
    expect(expandAbbreviations(q('GA'), [...tied].reverse()).expansions).toEqual([
      'ga → "genetic algorithm"',
    ]);
  });
});
