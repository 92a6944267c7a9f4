import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from '../../src/papers/csv.ts';
import { type ExportPaper, exportFile, papersCsv, papersMarkdown } from '../../src/papers/paper-export.ts';

const paper = (over: Partial<ExportPaper>): ExportPaper => ({
  id: '2410.17243',
  arxivId: '2410.17243',
  title: 'Unlearning at Scale',
  abstract: '',
  authors: ['Ada Lovelace', 'Alan Turing'],
  authorCount: 2,
  organization: null,
  publishedAt: '2024-10-22',
  feedDate: '2024-10-25',
  upvotes: 12,
  comments: null,
  teamVotes: 3,
  ...over,
});

/** Reads RFC 4180 CSV back into rows, quotes and all, to check what a spreadsheet would see. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('CSV cells (RFC 4180)', () => {
  it('quotes quotes, commas and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0)).toBe('0');
  });

  it('defuses formulas: a cell starting with = + - @ (or tab, CR) gets a leading quote', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+1 trick')).toBe("'+1 trick");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('a=b')).toBe('a=b');
    // Numbers are the export's own, never formulas.
    expect(csvCell(-1)).toBe('-1');
  });

  it('ends every record with CRLF, and reads back to the same cells', () => {
    const text = csvText(
      ['a', 'b'],
      [
        ['x,y', 'line\nbreak'],
        ['"q"', null],
      ],
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(readCsv(text)).toEqual([
      ['a', 'b'],
      ['x,y', 'line\nbreak'],
      ['"q"', ''],
    ]);
  });
});

describe('papers as CSV', () => {
  it('has the header and one row a paper: arXiv id (empty without one), title as shown, authors, year, url, upvotes, team votes', () => {
    const rows = readCsv(
      papersCsv([
        paper({}),
        paper({
          id: 'title:abc',
          arxivId: null,
          title: '=cmd|"/c calc"!A1, LLM$\\times$MapReduce',
          authors: ['-Minus, Person'],
          upvotes: null,
          publishedAt: null,
          feedDate: null,
          teamVotes: 0,
        }),
      ]),
    );
    expect(rows).toEqual([
      ['arxiv id', 'title', 'authors', 'year', 'url', 'hf upvotes', 'team votes'],
      [
        '2410.17243',
        'Unlearning at Scale',
        'Ada Lovelace; Alan Turing',
        '2024',
        'https://arxiv.org/abs/2410.17243',
        '12',
        '3',
      ],
      ['', '\'=cmd|"/c calc"!A1, LLM×MapReduce', "'-Minus, Person", '', '', '', '0'],
    ]);
  });
});

describe('papers as Markdown', () => {
  it('is a heading and a list of linked titles with authors, year and id, markup escaped', () => {
    const text = papersMarkdown('Top papers this week', [
      paper({ title: 'A [bracketed] *starred* title_with_underscores' }),
      paper({ authors: ['A', 'B', 'C', 'D'], arxivId: null, id: 'title:x' }),
    ]);
    expect(text).toBe(
      [
        '# Top papers this week',
        '',
        '- [A \\[bracketed\\] \\*starred\\* title\\_with\\_underscores](<https://arxiv.org/abs/2410.17243>) — Ada Lovelace, Alan Turing · 2024 · arXiv:2410.17243',
        '- Unlearning at Scale — A, B, C et al. · 2024',
        '',
      ].join('\n'),
    );
  });
});

describe('an export file', () => {
  it('is named safely with the format’s extension and media type', () => {
    expect(exportFile('bibtex', 'Top week 2024-10-25', 't', [paper({})])).toMatchObject({
      name: 'top-week-2024-10-25.bib',
      mime: 'application/x-bibtex',
    });
    expect(exportFile('csv', '../../etc/passwd', 't', []).name).toBe('etc-passwd.csv');
    expect(exportFile('markdown', '🚀', 't', []).name).toBe('papers.md');
  });
});
