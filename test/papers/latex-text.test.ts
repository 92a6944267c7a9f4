import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latexToText } from '../../src/papers/latex-text.ts';

const capture = JSON.parse(
  readFileSync(new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url), 'utf8'),
) as { paper: { id: string; summary: string } }[];
const summaryOf = (id: string) => capture.find((i) => i.paper.id === id)?.paper.summary ?? '';

describe('latexToText', () => {
  it.each([
    // Titles as arXiv and the outer Hugging Face title write them.
    [
      'LLM$\\times$MapReduce: Simplified Long-Sequence Processing',
      'LLM×MapReduce: Simplified Long-Sequence Processing',
    ],
    ['$\\nabla^2$DFT: A Universal Quantum Chemistry Dataset', '∇²DFT: A Universal Quantum Chemistry Dataset'],
    // What paper.title makes of the latter: the caret survives, so the exponent can still be shown.
    ['nabla^2DFT', 'nabla²DFT'],
    // Abstract LaTeX as reported from real responses.
    ['we introduce \\textsc{Tulu} 3', 'we introduce Tulu 3'],
    ['at \\$0.0007 per query', 'at $0.0007 per query'],
    ['is \\emph{not} enough', 'is not enough'],
    ['with $10\\times$ fewer tokens', 'with 10× fewer tokens'],
    ['loss scales as $O(n^{2})$ with $\\alpha \\leq 0.5$', 'loss scales as O(n²) with α ≤ 0.5'],
    ['$\\epsilon \\to \\infty$, $\\pm 3\\%$, $x_i$, $\\mathbb{R}^d$', 'ϵ → ∞, ± 3%, xᵢ, ℝᵈ'],
    ['$\\mathcal{O}(n \\log n)$ and $\\frac{1}{2}$ and $\\sqrt{d}$', '𝒪(n log n) and 1/2 and √d'],
    ['$\\ge 90$ and $\\geq 90$, $a \\neq b$, $\\approx 3$', '≥ 90 and ≥ 90, a ≠ b, ≈ 3'],
    ['$x^{(t+1)}$ and $W_{out}$', 'x⁽ᵗ⁺¹⁾ and Wₒᵤₜ'],
    ['$h^{\\text{ff}}$ and $\\theta^*$', 'hᶠᶠ and θ*'],
    ['R\\&D, A\\_B, \\#1, 50\\%', 'R&D, A_B, #1, 50%'],
    ['G\\"odel, Erd\\H{o}s, na\\"ive, \\\'{e}t\\\'e', 'Gödel, Erdős, naïve, été'],
    ['{BERT} models', 'BERT models'],
    ['KazQAD -- a Kazakh dataset -- that, pages 1--5', 'KazQAD – a Kazakh dataset – that, pages 1–5'],
  ])('GIVEN %j THEN a reader sees %j', (latex, shown) => {
    expect(latexToText(latex)).toBe(shown);
  });

  it.each([
    ['no LaTeX at all', 'Breaking the Memory Barrier: Near Infinite Batch Size Scaling'],
    ['a lone dollar amount', 'It costs $5 per month.'],
    ['a command-line flag', 'run it with --help first'],
    ['snake_case names outside math', 'the gpt_4o and a_b models'],
    ['a tilde in a link', 'code at https://example.org/~ada/repo'],
    ['an approximate figure', 'about ~5% faster, ~x~ marks'],
    ['braces around a list', 'the set {0, 1} of labels'],
    ['a garbled title nothing can repair', 'LLMtimesMapReduce: Simplified'],
  ])('GIVEN %s THEN the text is unchanged', (_, text) => {
    expect(latexToText(text)).toBe(text);
  });

  it('shows the LaTeX left in a real capture’s abstracts as a reader expects', () => {
    expect(latexToText(summaryOf('2410.18958'))).toContain('Difference (TD)');
    expect(latexToText(summaryOf('2410.18194'))).toContain('85.1% faster');
    // An author's own macro keeps its name, not a backslash.
    expect(latexToText(summaryOf('2410.18745'))).toMatch(/with method even/);
    for (const item of capture) expect(latexToText(item.paper.summary)).not.toMatch(/\\[a-z%~]/i);
  });

  it('never throws and keeps the words of unbalanced or hostile input', () => {
    for (const text of ['$\\times', '\\', '\\textsc{open', '$$', '^{', '_', '{{{{', '\\frac{1}', '}}}']) {
      expect(() => latexToText(text)).not.toThrow();
    }
    expect(latexToText('\\textsc{open')).toBe('open');
    // Long runs of unclosed delimiters (a hostile feed) are read once, not once per character.
    for (const c of ['{', '$', '\\textsc{', '^{', '~']) {
      expect(latexToText(`a ${c.repeat(100_000)} b`).length).toBeGreaterThan(0);
    }
    expect(latexToText('a $\\unknowncommand{x}$ b')).toBe('a unknowncommandx b');
  });
});
