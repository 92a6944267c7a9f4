import { realPapers } from '../../bench/synthetic.ts';
import type { Paper } from '../../src/papers/paper.ts';

/**
 * Papers whose text only SQLite's tokenizer can cut (diacritics, ligatures, Greek, CJK, symbols), for
 * tests of the impact lists' own tokenizing beside synthetic ASCII papers.
 */
export const unicodePapers: Paper[] = realPapers()
  .slice(0, 6)
  .map((p, i) => ({
    ...p,
    id: `2699.0000${i}`,
    arxivId: `2699.0000${i}`,
    title: [
      'TÜLU 3: Pushing Frontiers in Open Language Model Post-Training',
      'Schrödinger bridges for ﬁne-tuning diffusion models',
      'Ελληνικά: a Greek language model benchmark',
      '大规模语言模型 evaluation of language models',
      'Café-scale ½ models: learning with x² and naïve Bayes',
      'Łódź reinforcement learning with Øresund data',
    ][i] as string,
    abstract: `${p.abstract} Résumé: modèle de langage, straße, ﬁnal x₁ ＦＵＬＬＷＩＤＴＨ.`,
  }));
