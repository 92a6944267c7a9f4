import { parse } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { realPapers } from '../../bench/synthetic.ts';
import {
  asciiFold,
  bibtexEntry,
  bibtexFile,
  type CitedPaper,
  citationKey,
  uniqueKeys,
} from '../../src/papers/bibtex.ts';
import { latexToText } from '../../src/papers/latex-text.ts';

/** What a reader of the title sees: the rendered title on one line. */
const shown = (title: string) => latexToText(title).replace(/\s+/g, ' ').trim();

/** Parses a .bib text with a real BibTeX parser (as Zotero's Better BibTeX does), without recasing. */
function parseBib(text: string) {
  return parse(text, { english: false });
}

const paper = (over: Partial<CitedPaper>): CitedPaper => ({
  id: '1706.03762',
  arxivId: '1706.03762',
  title: 'Attention Is All You Need',
  authors: ['Ashish Vaswani', 'Noam Shazeer'],
  publishedAt: '2017-06-12',
  feedDate: null,
  ...over,
});

describe('citation keys', () => {
  it('are family name + year + first significant title word, ASCII-folded and lowercase', () => {
    expect(citationKey(paper({}))).toBe('vaswani2017attention');
    expect(citationKey(paper({ authors: ['Kurt Gödel'], title: 'On the Über-Theory' }))).toBe(
      'godel2017uber',
    );
    expect(citationKey(paper({ authors: ['Łukasz Kaiser'], title: 'A Ständchen' }))).toBe(
      'kaiser2017standchen',
    );
    expect(citationKey(paper({ authors: ['Smith, John'] }))).toBe('smith2017attention');
    expect(citationKey(paper({ authors: ['Martin Luther King Jr.'] }))).toBe('king2017attention');
    expect(citationKey(paper({ authors: ['Straßer'] }))).toBe('strasser2017attention');
  });

  it('fall back without an author, a Latin-script name or a date', () => {
    expect(citationKey(paper({ authors: [] }))).toBe('anon2017attention');
    expect(citationKey(paper({ authors: ['张伟'] }))).toBe('anon2017attention');
    // No date: the year comes from the new-style arXiv id's YYMM.
    expect(citationKey(paper({ publishedAt: null }))).toBe('vaswani2017attention');
    expect(citationKey(paper({ publishedAt: null, arxivId: null, id: 'title:abc' }))).toBe(
      'vaswaniattention',
    );
  });

  it('are the same for the same paper every time, and unique within one file with a/b suffixes', () => {
    const twins = [paper({ arxivId: '1706.00001' }), paper({ arxivId: '1706.00002' }), paper({})];
    expect(uniqueKeys(twins)).toEqual([
      'vaswani2017attentiona',
      'vaswani2017attentionb',
      'vaswani2017attentionc',
    ]);
    const other = paper({ title: 'BERT', authors: ['Jacob Devlin'] });
    expect(uniqueKeys([other, ...twins])[0]).toBe('devlin2017bert');
    expect(uniqueKeys(twins)).toEqual(uniqueKeys(twins));
  });

  it('never collide with a paper whose own key is a suffixed one', () => {
    const a = paper({ title: 'Attentiona' });
    const keys = uniqueKeys([paper({}), paper({ arxivId: '1706.00002' }), a]);
    expect(new Set(keys).size).toBe(3);
    expect(keys).toContain('vaswani2017attentiona');
  });

  it('fold accents and drop everything else', () => {
    expect(asciiFold('Ølstrøm-Æsir Ñandú')).toBe('olstromaesirnandu');
  });
});

describe('a BibTeX entry', () => {
  it('has arXiv’s @misc form: title, author list, year, eprint, archivePrefix, url', () => {
    expect(bibtexEntry(paper({}))).toBe(
      [
        '@misc{vaswani2017attention,',
        '      title={Attention Is All You Need},',
        '      author={Ashish Vaswani and Noam Shazeer},',
        '      year={2017},',
        '      eprint={1706.03762},',
        '      archivePrefix={arXiv},',
        '      url={https://arxiv.org/abs/1706.03762},',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('gives primaryClass only when the category is known', () => {
    expect(bibtexEntry(paper({}))).not.toContain('primaryClass');
    expect(bibtexEntry(paper({ primaryClass: 'cs.CL' }))).toContain('primaryClass={cs.CL},');
  });

  it('braces acronyms and names with inner capitals so styles keep their case', () => {
    const entry = bibtexEntry(paper({ title: 'BERT and GPT-4 meet MapReduce, T5 and LLMs' }));
    expect(entry).toContain('title={{BERT} and {GPT}-4 meet {MapReduce}, {T5} and {LLMs}},');
  });

  it('leaves out eprint, archivePrefix and url for a paper with no arXiv id', () => {
    const entry = bibtexEntry(paper({ arxivId: null, id: 'title:0123' }));
    expect(entry).not.toMatch(/eprint|archivePrefix|url=/);
  });
});

/** Titles and names people have put in real feeds, and worse. */
const HOSTILE: [string, string][] = [
  ['braces', 'A {Braced} Title with } and { and {{unbalanced'],
  ['backslashes', 'Paths like C:\\temp\\new and \\undefinedmacro{x}'],
  ['specials', '100% of $5 & #1 a_b c^d e~f'],
  ['math', 'LLM$\\times$MapReduce: $O(n^{2})$ with $\\nabla$ and $\\alpha \\leq \\beta$'],
  ['unclosed math', 'A $ lone dollar and \\textbf{unclosed'],
  ['accents', 'G\\"odel, Ångström, naïve café, Dvořák, Łódź'],
  ['emoji', 'Rockets 🚀 and flags 🇩🇪 in a title 🤖'],
  ['text commands', '\\textsc{Tulu} 3 and \\emph{not} a \\textbf{bold} claim'],
  ['a lone surrogate', 'Broken \ud800 text'],
];

describe('a .bib file, read by a real BibTeX parser', () => {
  it('round-trips every fixture paper: title as shown, every author, year and eprint', () => {
    const papers = realPapers();
    expect(papers.length).toBeGreaterThan(100);
    const text = bibtexFile(papers);
    const lib = parseBib(text);
    expect(lib.errors).toEqual([]);
    expect(lib.entries).toHaveLength(papers.length);
    const keys = lib.entries.map((e) => e.key);
    expect(new Set(keys).size).toBe(papers.length);
    papers.forEach((p, i) => {
      const entry = lib.entries[i];
      expect(entry?.fields.title).toBe(shown(p.title));
      const authors = (entry?.fields.author ?? []).map(
        (a) => a.name ?? [a.firstName, a.prefix, a.lastName].filter(Boolean).join(' '),
      );
      expect(authors).toEqual(p.authors.map((a) => latexToText(a).replace(/\s+/g, ' ').trim()));
      expect(entry?.fields.eprint).toBe(p.arxivId ?? undefined);
      expect(entry?.fields.year).toBe((p.publishedAt ?? p.feedDate ?? undefined)?.slice(0, 4));
    });
  });

  it.each(HOSTILE)('round-trips a title with %s', (_what, title) => {
    const authors = ['Ada {Lovelace}', 'Tom and Jerry', 'Smith, John', "Jos\\'e 100% O_Neil"];
    const text = bibtexFile([paper({ title, authors })]);
    // Balanced at the byte level: what classic BibTeX counts, escaped or not.
    expect(text.split('{').length).toBe(text.split('}').length);
    const lib = parseBib(text);
    expect(lib.errors).toEqual([]);
    expect(lib.entries).toHaveLength(1);
    const expected = shown(title).replace(/\ud800/g, '\ufffd');
    expect(lib.entries[0]?.fields.title).toBe(expected);
    // Names as shown (the LaTeX rendered); a name with a comma or "and" stays one name.
    expect(lib.entries[0]?.fields.author?.map((a) => a.name ?? `${a.firstName} ${a.lastName}`)).toEqual(
      authors.map(shown),
    );
  });

  it('keeps the case-protecting braces for a parser that recases titles', () => {
    const lib = parse(bibtexFile([paper({ title: 'Scaling BERT with LoRA' })]), { raw: true });
    expect(lib.entries[0]?.fields.title).toBe('Scaling {BERT} with {LoRA}');
  });
});
