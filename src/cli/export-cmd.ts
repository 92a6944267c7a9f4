import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportPapers, parseExportRequest } from '../../commands/export-source.ts';
import { EXPORT_FORMATS, type ExportFormat, exportFile } from '../papers/paper-export.ts';
import { withCore } from './core.ts';
import { type CliIo, forCommandLine, UsageError } from './io.ts';

const USAGE =
  'Usage: paperboy export [list | top week|month|all | <query>] [--format bibtex|csv|markdown] [--out file] [--channel slack:C123]';

/**
 * `paperboy export`: the same file `/papers export` hands a person, on stdout or into `--out` (created or
 * replaced). No source, a bad format, or a source with nothing in it is a usage error (exit 2).
 */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { format, out, channel, words } = splitExportArgs(args);
  const request = parseExportRequest(words.join(' '), format);
  if ('error' in request) throw new UsageError(`${forCommandLine(request.error)} ${USAGE}`);
  return withCore(io, async ({ store }) => {
    const context = { store, now: io.now, ...(channel ? { channel } : {}) };
    const chosen = await exportPapers(context, request.source);
    if ('error' in chosen) throw new UsageError(forCommandLine(chosen.error));
    const file = exportFile(request.format ?? 'bibtex', chosen.base, chosen.title, chosen.papers);
    if (out === undefined) {
      io.stdout.write(file.text);
      return 0;
    }
    try {
      writeFileSync(out, file.text);
    } catch (error) {
      throw unwritable(error, out, file.name);
    }
    const n = chosen.papers.length;
    io.stderr.write(`Wrote ${n} paper${n === 1 ? '' : 's'} to ${out}\n`);
    return 0;
  });
}

/**
 * The flags, and every other word as the source: a query word may start with one dash (`-survey`); two
 * dashes are an option, and one not known (`--fromat`) is refused. A last word naming a format is the
 * format, as in chat (`export unlearning csv`), unless --format gives it.
 */
function splitExportArgs(args: string[]): {
  format: ExportFormat | undefined;
  out: string | undefined;
  channel: string | undefined;
  words: string[];
} {
  let format: string | undefined;
  let out: string | undefined;
  let channel: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '--out') out = args[++i] ?? '';
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--channel') channel = args[++i] ?? '';
    else if (a.startsWith('--channel=')) channel = a.slice('--channel='.length);
    else if (a === '--') {
      words.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('--')) throw new UsageError(`Unknown option "${a}". ${USAGE}`);
    else words.push(a);
  }
  const known = EXPORT_FORMATS.find((f) => f === format?.toLowerCase());
  if (format !== undefined && !known)
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${format}".`);
  if (out === '') throw new UsageError(`--out needs a file name. ${USAGE}`);
  // A channel is platform-qualified as the store keeps it (`slack:C123`, `discord:987…`).
  if (channel !== undefined && !/^[a-z]+:\S+$/.test(channel))
    throw new UsageError(`--channel needs a platform-qualified channel such as slack:C123. ${USAGE}`);
  return { format: known, out, channel, words };
}

/**
 * Why `--out` could not be written, naming the path and what to do, in place of the system's `ENOENT: …`;
 * a path that cannot take the file is bad usage (exit 2). Other errors are returned unchanged.
 */
function unwritable(error: unknown, out: string, name: string): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return new UsageError(
        `Cannot write ${out}: the folder ${dirname(out)} does not exist; create it or give --out a file in another folder.`,
      );
    case 'EISDIR':
      return new UsageError(`${out} is a folder; give --out a file name, e.g. ${join(out, name)}.`);
    case 'ENOTDIR':
      return new UsageError(`Cannot write ${out}: part of that path is a file, not a folder.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new UsageError(
        `Cannot write ${out}: this user may not write there; give --out a file in a folder you may write.`,
      );
    default:
      return error;
  }
}
