import { describe, expect, it } from 'vitest';
import { MAX_LINKS_PER_MESSAGE, paperIdOfLink, paperLinksIn } from '../../src/papers/paper-links.ts';

describe('paper links in messages', () => {
  it('reads the arXiv id of every paper page form, any version', () => {
    expect(paperIdOfLink('https://arxiv.org/abs/2410.17243')).toBe('2410.17243');
    expect(paperIdOfLink('https://arxiv.org/abs/2410.17243v3')).toBe('2410.17243');
    expect(paperIdOfLink('http://arxiv.org/pdf/2410.17243v2.pdf')).toBe('2410.17243');
    expect(paperIdOfLink('https://arxiv.org/pdf/2410.17243')).toBe('2410.17243');
    expect(paperIdOfLink('https://www.arxiv.org/html/2410.17243v1')).toBe('2410.17243');
    expect(paperIdOfLink('https://huggingface.co/papers/2410.17243#community')).toBe('2410.17243');
    expect(paperIdOfLink('https://arxiv.org/abs/hep-th/9901001v1')).toBe('hep-th/9901001');
  });

  it('reads the pages of the sites that name papers by their arXiv id', () => {
    expect(paperIdOfLink('https://www.alphaxiv.org/abs/2410.17243')).toBe('2410.17243');
    expect(paperIdOfLink('https://ar5iv.labs.arxiv.org/html/2410.17243')).toBe('2410.17243');
    expect(paperIdOfLink('https://doi.org/10.48550/arXiv.2410.17243')).toBe('2410.17243');
    expect(paperIdOfLink('https://hf.co/papers/2410.17243')).toBe('2410.17243');
    expect(paperIdOfLink('http://export.arxiv.org/abs/2410.17243v')).toBe('2410.17243');
  });

  it('is no paper for other pages, other sites and bare ids', () => {
    expect(paperIdOfLink('2410.17243')).toBeNull();
    expect(paperIdOfLink('https://arxiv.org/list/cs.LG/recent')).toBeNull();
    expect(paperIdOfLink('https://huggingface.co/papers')).toBeNull();
    expect(paperIdOfLink('https://huggingface.co/datasets/x/y')).toBeNull();
    expect(paperIdOfLink('https://example.com/abs/2410.17243')).toBeNull();
    expect(paperIdOfLink('https://arxiv.org.evil.example/abs/2410.17243')).toBeNull();
  });

  it('finds the paper links of a message, each once, in order, through chat syntax', () => {
    const text =
      'Read <https://arxiv.org/abs/2410.17243v2> and [this](https://huggingface.co/papers/2501.00001), ' +
      'also https://arxiv.org/abs/2410.17243v2. Not https://example.com or 2402.00001.';
    expect(paperLinksIn(text)).toEqual([
      'https://arxiv.org/abs/2410.17243v2',
      'https://huggingface.co/papers/2501.00001',
    ]);
    expect(paperLinksIn('no links here')).toEqual([]);
    expect(
      paperLinksIn('see https://www.alphaxiv.org/abs/2410.17243 and https://hf.co/papers/2501.00001'),
    ).toEqual(['https://www.alphaxiv.org/abs/2410.17243', 'https://hf.co/papers/2501.00001']);
  });

  it('looks at no more than a handful of links in one message', () => {
    const many = Array.from({ length: 40 }, (_, i) => `https://arxiv.org/abs/2410.${String(10000 + i)}`);
    expect(paperLinksIn(many.join(' '))).toHaveLength(MAX_LINKS_PER_MESSAGE);
  });
});
