import { describe, expect, it } from 'vitest';
import { paperIdOfLink } from '../../src/papers/paper-links.ts';
import { readPaperReference } from '../../src/papers/paper-reference.ts';

const problemOf = (text: string) => readPaperReference(text)?.problem;

describe('arXiv ids no paper can have', () => {
  it.each([
    ['9999.99999', /month 99 does not exist/],
    ['2413.12345', /month 13 does not exist/],
    ['2400.12345', /month 00 does not exist/],
    ['2410.1724', /from January 2015 on have 5 digits after the dot/],
    ['1412.69801', /before 2015 have 4 digits after the dot/],
    ['arXiv:2410.172435', /5 digits after the dot.*not 6/],
    ['0612.1234', /begin in April 2007/],
    ['2410.00000', /numbers start at 1/],
    ['2410.17243v0', /versions start at v1/],
    ['https://arxiv.org/abs/2410.17243v0', /versions start at v1/],
    ['hep-th/9913001', /month 13 does not exist/],
    ['hep-th/1201001', /August 1991 to March 2007/],
    ['hep-th/9901000', /numbers start at 001/],
    ['arXiv:hep-th/990100', /7 digits after the slash/],
    ['arXiv:foo-bar/9901001', /foo-bar is not an arXiv archive/],
    ['arXiv:banana', /not shaped like one/],
    ['https://arxiv.org/abs/9999.99999', /month 99/],
  ])('GIVEN %j THEN says why: %s', (text, why) => {
    expect(problemOf(text)).toMatch(why);
  });

  it.each([
    '2410.17243',
    '2410.17243v1',
    '2512.00001',
    '1501.00001',
    '1412.6980',
    '0704.0001',
    'hep-th/9108001',
    'math/0703999',
  ])('GIVEN the possible id %j THEN no problem', (text) => {
    expect(readPaperReference(text)).toMatchObject({ problem: null });
  });

  it('takes no link to an impossible id for a paper', () => {
    expect(paperIdOfLink('https://arxiv.org/abs/9999.99999')).toBeNull();
    expect(paperIdOfLink('https://arxiv.org/abs/2410.1724')).toBeNull();
    expect(paperIdOfLink('https://arxiv.org/abs/2410.17243v2')).toBe('2410.17243');
  });
});
