import { bibtexFile } from './bibtex.ts';
import { csvText } from './csv.ts';
import { latexToText } from './latex-text.ts';
import { type Paper, paperLinks } from './paper.ts';

/** The formats papers export to; the first is the default. */
export const EXPORT_FORMATS = ['bibtex', 'csv', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A paper to export: the paper and the team's votes on it (over the exported window, for a leaderboard). */
export type ExportPaper = Paper & { teamVotes: number };

/** A file to hand to a person: its name, media type and UTF-8 text. */
export interface ExportFile {
  name: string;
  mime: string;
  text: string;
}

const EXTENSION: Record<ExportFormat, string> = { bibtex: 'bib', csv: 'csv', markdown: 'md' };
const MIME: Record<ExportFormat, string> = {
  bibtex: 'application/x-bibtex',
  csv: 'text/csv',
  markdown: 'text/markdown',
};

/**
 * The CSV columns, in order. The first is the arXiv id, empty for a paper without one: the archive's own key
 * for such a paper (`title:` and a hash) means nothing to a spreadsheet or a citation manager.
 */
export const CSV_HEADER = [
  'arxiv id',
  'title',
  'authors',
  'year',
  'url',
  'hf upvotes',
  'team votes',
] as const;

/** A title or name as people read it, on one line. */
function shown(text: string): string {
  return latexToText(text).replace(/\s+/g, ' ').trim();
}

/** The paper's page: arXiv's abstract page, else its Hugging Face page, else none. */
function urlOf(paper: ExportPaper): string | null {
  const links = paperLinks(paper);
  return links.abs ?? links.hf;
}

/** One row a paper: authors joined by `; `, unknown upvotes empty (never an invented 0). */
export function papersCsv(papers: readonly ExportPaper[]): string {
  return csvText(
    CSV_HEADER,
    papers.map((p) => [
      p.arxivId,
      shown(p.title),
      p.authors.map(shown).join('; '),
      (p.publishedAt ?? p.feedDate)?.slice(0, 4) ?? null,
      urlOf(p),
      p.upvotes,
      p.teamVotes,
    ]),
  );
}

/** Text inside a Markdown link label or list item, its markup characters escaped. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`);
}

/** A heading, then a list: each paper's linked title, its authors (three, then "et al."), year and id. */
export function papersMarkdown(title: string, papers: readonly ExportPaper[]): string {
  const items = papers.map((p) => {
    const url = urlOf(p);
    const name = markdownText(shown(p.title));
    const authors = p.authors.map(shown);
    const by = authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
    const facts = [
      by && markdownText(by),
      (p.publishedAt ?? p.feedDate)?.slice(0, 4),
      p.arxivId && `arXiv:${p.arxivId}`,
    ].filter(Boolean);
    // Angle brackets keep a URL with parentheses or spaces one link destination.
    const linked = url ? `[${name}](<${url}>)` : name;
    return `- ${linked}${facts.length > 0 ? ` — ${facts.join(' · ')}` : ''}`;
  });
  return `# ${markdownText(title)}\n\n${items.join('\n')}\n`;
}

/**
 * The export file for papers in a format, named `<base>.<ext>` (`base` is made safe for every file
 * system: lowercase letters, digits and dashes).
 */
export function exportFile(
  format: ExportFormat,
  base: string,
  title: string,
  papers: readonly ExportPaper[],
): ExportFile {
  const safe =
    base
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'papers';
  const text =
    format === 'bibtex'
      ? bibtexFile(papers)
      : format === 'csv'
        ? papersCsv(papers)
        : papersMarkdown(title, papers);
  return { name: `${safe}.${EXTENSION[format]}`, mime: MIME[format], text };
}
