import { describe, expect, it } from 'vitest';
import { closestWord, editDistance, maxEdits, vocabularyWords } from '../../src/papers/spelling.ts';

describe('editDistance', () => {
  it.each([
    ['unlerning', 'unlearning', 1],
    ['halucination', 'hallucinations', 2],
    ['teh', 'the', 1], // an adjacent swap is one edit
    ['contrastve', 'contrastive', 1],
    ['diffusion', 'diffusion', 0],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops at the limit', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
    expect(editDistance('ab', 'abcdef', 2)).toBe(3);
  });
});

describe('closestWord', () => {
  const vocab = [
    { word: 'unlearning', papers: 12 },
    { word: 'unlearned', papers: 2 },
    { word: 'learning', papers: 40 },
    { word: 'watermarking', papers: 1 },
    { word: 'watermark', papers: 3 },
  ];
  it('GIVEN a misspelling THEN the word fewest edits away', () => {
    expect(closestWord('unlerning', vocab)).toBe('unlearning');
    expect(closestWord('watermaking', vocab)).toBe('watermarking');
  });
  it('GIVEN equal edits THEN the word more papers hold', () => {
    expect(closestWord('unlearnin', [...vocab, { word: 'unlearnt', papers: 1 }])).toBe('unlearning');
  });
  it('GIVEN a short word or nothing close THEN null', () => {
    expect(maxEdits('rl')).toBe(0);
    expect(closestWord('rl', [{ word: 'rk', papers: 9 }])).toBeNull();
    expect(closestWord('protein', vocab)).toBeNull();
  });
});

describe('vocabularyWords', () => {
  it('takes title and keyword words of 4+ letters, folded, once each, never digits', () => {
    expect(
      vocabularyWords({
        title: 'TÜLU 3: Pushing Frontiers in Open Tülu Post-Training',
        keywords: ['RLVR', 'GPT-4o'],
      }),
    ).toEqual(['tulu', 'pushing', 'frontiers', 'open', 'post', 'training', 'rlvr']);
  });
});
