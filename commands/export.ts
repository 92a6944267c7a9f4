import { EXPORT_FORMATS, type ExportFormat, exportFile } from '../src/papers/paper-export.ts';
import { exportPapers, parseExportRequest } from './export-source.ts';
import { usageOf } from './parse.ts';
import type { CommandDefinition } from './types.ts';

const FORMAT_NAMES: Record<ExportFormat, string> = { bibtex: 'BibTeX', csv: 'CSV', markdown: 'Markdown' };

/**
 * `/papers export [source] [bibtex|csv|markdown]`: a file of papers for the person who asked, given only to
 * them (Slack: a direct message; Discord: an attachment on the private answer; the console: a file on
 * disk). The source is the channel's reading list, the team's most upvoted over a window, or a search.
 * Typed as text, a last word naming a format is the format (see parseExportRequest).
 */
export const exportCommand: CommandDefinition = {
  name: 'export',
  description: 'A file of papers (list, top or a search) as BibTeX, CSV or Markdown, just for you',
  options: [
    {
      name: 'source',
      description: 'list, top week|month|all, or search words',
      type: 'string',
      required: false,
      rest: true,
    },
    {
      name: 'format',
      description: 'File format (default bibtex)',
      type: 'string',
      required: false,
      choices: EXPORT_FORMATS,
    },
  ],
  async run(ctx, args) {
    const format = typeof args.format === 'string' ? (args.format as ExportFormat) : undefined;
    const request = parseExportRequest(String(args.source ?? ''), format);
    if ('error' in request) {
      return { visibility: 'ephemeral', text: `${request.error} Usage: ${usageOf(exportCommand)}` };
    }
    const { source } = request;
    const chosen = await exportPapers(ctx, source);
    if ('error' in chosen) return { visibility: 'ephemeral', text: chosen.error };
    const fmt = request.format ?? 'bibtex';
    const file = exportFile(fmt, chosen.base, chosen.title, chosen.papers);
    const n = chosen.papers.length;
    return {
      visibility: 'ephemeral',
      text: `${FORMAT_NAMES[fmt]} of ${n} paper${n === 1 ? '' : 's'}: ${chosen.title.replace(/^./, (c) => c.toLowerCase())}.`,
      file,
    };
  },
};
