import { describe, expect, it } from 'vitest';
import { type MatchPlan, matches } from '../../src/store/sqlite/match-plan.ts';

/** What a plan means, said directly: every (all) or some (any) term has a form the paper holds, and no excluded phrase. */
function means(plan: MatchPlan, freqs: readonly number[]): boolean {
  const held = (forms: number[]) => forms.some((i) => (freqs[i] ?? 0) > 0);
  const positive = plan.mode === 'all' ? plan.terms.every(held) : plan.terms.some(held);
  return positive && plan.excluded.every((i) => (freqs[i] ?? 0) === 0);
}

describe('whether a paper matches a plan', () => {
  it('agrees with its definition over every small plan and every paper of 0/1 frequencies', () => {
    // Phrases 0-4; terms of one or two forms (a term and an alternative); up to one exclusion; both modes.
    const termsChoices: number[][][] = [[], [[0]], [[0], [1]], [[0, 1]], [[0, 2], [1]], [[0], [1, 3], [2]]];
    const excludedChoices: number[][] = [[], [4], [3]];
    let checked = 0;
    for (const terms of termsChoices)
      for (const excluded of excludedChoices)
        for (const mode of ['all', 'any'] as const) {
          const plan: MatchPlan = { phrases: [], sources: [], terms, excluded, mode };
          for (let bits = 0; bits < 32; bits++) {
            const freqs = [0, 1, 2, 3, 4].map((i) => (bits >> i) & 1);
            expect(matches(plan, freqs), JSON.stringify({ terms, excluded, mode, freqs })).toBe(
              means(plan, freqs),
            );
            checked++;
          }
          // A paper whose frequencies stop short reads the missing ones as 0.
          expect(matches(plan, [])).toBe(means(plan, []));
        }
    expect(checked).toBe(6 * 3 * 2 * 32);
  });
});
