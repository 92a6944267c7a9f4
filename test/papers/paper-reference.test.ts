import { describe, expect, it } from 'vitest';
import { normalizeArxivId } from '../../src/papers/paper.ts';
import { readLeadingReference, readPaperReference } from '../../src/papers/paper-reference.ts';

const idOf = (text: string) => readPaperReference(text)?.id ?? null;

describe('a paper named in text', () => {
  it.each([
    ['a bare id', '2410.17243'],
    ['a version', '2410.17243v2'],
    ['a prefix, any case', 'ARXIV:2410.17243V2'],
    ['a prefix and a space', 'arXiv: 2410.17243'],
    ['a dangling v', '2410.17243v'],
    ['a route without the site', 'abs/2410.17243'],
    ['an abs link', 'https://arxiv.org/abs/2410.17243'],
    ['a link cut short', 'https://arxiv.org/abs/2410.17243v'],
    ['a PDF link', 'https://arxiv.org/pdf/2410.17243v2.pdf'],
    ['an HTML link with a section', 'https://arxiv.org/html/2410.17243v1#S3'],
    ['the export mirror', 'http://export.arxiv.org/abs/2410.17243'],
    ['a link without its scheme', 'arxiv.org/abs/2410.17243'],
    ['ar5iv', 'https://ar5iv.labs.arxiv.org/html/2410.17243'],
    ['alphaXiv', 'https://www.alphaxiv.org/abs/2410.17243'],
    ['the arXiv DOI link', 'https://doi.org/10.48550/arXiv.2410.17243'],
    ['the arXiv DOI', '10.48550/arXiv.2410.17243'],
    ["Hugging Face's short domain", 'https://hf.co/papers/2410.17243'],
    ['a Hugging Face tab', 'https://huggingface.co/papers/2410.17243#community'],
    ['a link as Slack wraps it', '<https://arxiv.org/abs/2410.17243>'],
    ['a link as Slack labels it', '<https://arxiv.org/abs/2410.17243|arXiv abs page>'],
    ['a Google Scholar citation', 'arXiv preprint arXiv:2410.17243'],
    ['a citation with its year', 'arXiv preprint arXiv:2410.17243, 2024.'],
    ['a category', 'arXiv:2410.17243 [cs.CL]'],
    ['a DBLP citation', 'CoRR abs/2410.17243'],
    ['quotes and punctuation around it', '(arXiv:2410.17243).'],
  ])('GIVEN %s THEN the versionless id', (_what, text) => {
    expect(idOf(text)).toBe('2410.17243');
    expect(normalizeArxivId(text)).toBe('2410.17243');
  });

  it.each([
    ['hep-th/9901001', 'hep-th/9901001'],
    ['HEP-TH/9901001v2', 'hep-th/9901001'],
    ['cs.LG/0601001', 'cs.LG/0601001'],
    ['math.gt/0309136v1', 'math.GT/0309136'],
    ['arXiv:hep-th/9901001', 'hep-th/9901001'],
    ['https://arxiv.org/abs/hep-th/9901001v1', 'hep-th/9901001'],
    ['https://arxiv.org/pdf/cond-mat.mes-hall/0601001.pdf', 'cond-mat.mes-hall/0601001'],
    ['1412.6980', '1412.6980'],
    ['0704.0001', '0704.0001'],
  ])('GIVEN the id %j THEN %j, as arXiv writes it', (text, id) => {
    expect(idOf(text)).toBe(id);
  });

  it.each([
    'diffusion',
    'machine unlearning',
    '2023.12',
    'foo/1234567',
    'arxiv.org',
    'https://huggingface.co/papers',
    'https://arxiv.org/list/cs.LG/recent',
    'https://example.com/abs/2410.17243',
    'https://arxiv.org.evil.example/abs/2410.17243',
    'https://doi.org/10.1000/2410.17243',
    'https://arxiv.org/list/cs.LG/2410',
    'html/css',
    'pdf/a',
    'arXiv: transformers',
    '/'.repeat(5000),
  ])('GIVEN %j THEN no paper', (text) => {
    expect(readPaperReference(text)).toBeNull();
  });

  it('reads the reference a text starts with, and the words after it', () => {
    expect(readLeadingReference('arXiv:2410.17243 [cs.CL] worth a read')).toEqual({
      reference: expect.objectContaining({ id: '2410.17243' }),
      rest: 'worth a read',
    });
    expect(readLeadingReference('2410.17243 2024 was a good year')?.rest).toBe('2024 was a good year');
    expect(readLeadingReference('read 2410.17243')).toBeNull();
  });

  it("reads a person's note after an id as they wrote it: a year stays, a separating comma goes", () => {
    const note = (text: string) => readLeadingReference(text, { note: true })?.rest;
    expect(note('2410.18538 (2019) baseline is what this beats')).toBe('(2019) baseline is what this beats');
    expect(note('2410.18976, 2024 was the year of Arabic LMMs')).toBe('2024 was the year of Arabic LMMs');
    expect(note('2410.17243, must read')).toBe('must read');
    expect(note('arXiv:2410.17243 [cs.CL] worth a read')).toBe('worth a read');
    expect(note('2410.17243 — a must')).toBe('a must');
  });
});
