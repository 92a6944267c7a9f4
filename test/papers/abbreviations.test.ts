import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/feed/detect.ts';
import { extractAbbreviations } from '../../src/papers/abbreviations.ts';
import type { Paper } from '../../src/papers/paper.ts';

const papers: Paper[] = [
  'hf-daily-papers-2024-10-25.json',
  'hf-daily-papers-2026-03-06.json',
  'hf-papers-page.txt',
].flatMap(
  (name) =>
    parseFeed(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'), undefined, {
      asOf: '2025-11-12',
    }).papers,
);

/** The pairs defined in the abstract of the fixture paper whose title starts with `title`. */
function pairsOf(title: string): [string, string][] {
  const p = papers.find((x) => x.title.startsWith(title));
  if (!p) throw new Error(`no fixture paper titled ${title}`);
  return extractAbbreviations(p.abstract).map((a) => [a.short, a.long]);
}

const pairs = (text: string) => extractAbbreviations(text).map((a) => [a.short, a.long]);

describe('extractAbbreviations on real abstracts', () => {
  it.each([
    // A plural short form with capitals in the long form, hard-wrapped in the capture.
    ['Can Knowledge Editing Really Correct Hallucinations?', ['llm', 'large language models']],
    // Hyphenated parts each give a letter; a plural `s` after capitals is dropped.
    ['Steering Knowledge Selection Behaviours', ['sae', 'sparse auto-encoders']],
    // LaTeX's `~` before the parenthesis is not part of the long form.
    ['Stable Consistency Tuning', ['td', 'temporal difference']],
    // Mixed case: the lowercase letter comes from inside the word that gave the capital before it.
    ['The Nature of Mathematical Modeling', ['rope', 'rotary positional encoding']],
    // A linking word inside may give no letter: ALiBi's `i` comes from inside `linear`, not `with`.
    ['The Nature of Mathematical Modeling', ['alibi', 'attention with linear biases']],
    ['Large Multimodal Models as General In-Context Classifiers', ['vlm', 'vision-language models']],
  ])('%s defines %j', (title, pair) => {
    expect(pairsOf(title)).toContainEqual(pair);
  });

  it('finds dozens of pairs across the fixtures, and LLM defined in many papers the same way', () => {
    const all = papers.flatMap((p) => extractAbbreviations(`${p.title}. ${p.abstract}`));
    const llm = all.filter((a) => a.short === 'llm');
    expect(llm.length).toBeGreaterThanOrEqual(20);
    expect(new Set(llm.map((a) => a.longKey))).toEqual(new Set(['larg languag model']));
    expect(new Set(all.map((a) => a.short)).size).toBeGreaterThan(50);
  });
});

describe('extractAbbreviations rules', () => {
  it.each([
    ['We fine-tune a Vision Transformer (ViT) on images.', [['vit', 'vision transformer']]],
    ['Long chain-of-thought (CoT) reasoning helps.', [['cot', 'chain-of-thought']]],
    ['We apply in-context learning (ICL) here.', [['icl', 'in-context learning']]],
    ['Low-Rank Adaptation (LoRA) is cheap.', [['lora', 'low-rank adaptation']]],
    [
      'Reinforcement learning from human feedback (RLHF) aligns models.',
      [['rlhf', 'reinforcement learning from human feedback']],
    ],
    ['a mixture of experts (MoE) layer', [['moe', 'mixture of experts']]],
    // Only the fewest words that spell it: "we train" is not part of the long form.
    ['Then we train reinforcement learning (RL) agents.', [['rl', 'reinforcement learning']]],
    // The same pair twice in one text counts once.
    ['large language models (LLMs) and large language models (LLMs)', [['llm', 'large language models']]],
  ])('%s', (text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });

  it.each([
    ['three cases (i) and (ii)'],
    ['as shown before (Fig. 2)'],
    ['an accuracy of 85.1% (85.1%)'],
    ['deep neural models (LLM)'], // the words do not spell it
    ['our model (Ours)'], // one capital: a word, not an abbreviation
    ['results. (RL)'], // nothing before it in the clause
    ['we compare, (RL) and more'],
    ['a very long parenthesis (THIS IS NOT AN ABBREVIATION)'],
  ])('finds none in %s', (text) => {
    expect(pairs(text)).toEqual([]);
  });

  it('never spans a clause boundary', () => {
    expect(pairs('We study reinforcement. Learning (RL) is hard.')).toEqual([]);
  });
});
