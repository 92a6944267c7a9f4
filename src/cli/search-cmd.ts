import { notAnId } from '../../commands/typed-paper.ts';
import { paperLinks } from '../papers/paper.ts';
import { readPaperReference } from '../papers/paper-reference.ts';
import { searchPapers } from '../papers/search.ts';
import { withCore } from './core.ts';
import { type CliIo, counted, forCommandLine, intOption, isoDay, UsageError } from './io.ts';

const USAGE = 'Usage: paperboy search "<query>" [--limit N] [--json] [--explain]';

/** `paperboy search "<query>"`: ranked results, or with --json an array of papers each with its score. */
export async function searchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = splitSearchArgs(args);
  if (positionals.length === 0) throw new UsageError(USAGE);
  const limit = intOption('--limit', values.limit, 10, 100);
  // An id no paper can have, typed alone, is said to be none, as in chat, rather than searched as digits.
  const reference = readPaperReference(positionals.join(' '));
  if (reference && (reference.id === null || reference.problem !== null))
    throw new UsageError(notAnId(reference));
  return withCore(io, async ({ store }) => {
    const outcome = await searchPapers(store, positionals.join(' '), { limit, today: isoDay(io.now()) });
    if (!outcome.ok) throw new UsageError(forCommandLine(outcome.error));
    if (outcome.notice) io.stderr.write(`${outcome.notice}\n`);
    // Which abbreviations were expanded: on stderr with --json, which keeps stdout a JSON array.
    if (values.explain && outcome.expansions.length > 0)
      (values.json ? io.stderr : io.stdout).write(`expanded: ${outcome.expansions.join('; ')}\n`);
    if (values.json) {
      const out = outcome.results.map((r) => ({
        ...r.paper,
        score: r.score,
        ...(values.explain ? { explain: r.explain } : {}),
      }));
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    if (outcome.results.length === 0) io.stdout.write('No papers match.\n');
    outcome.results.forEach((r, i) => {
      const p = r.paper;
      const by =
        p.organization?.name ??
        (p.authors.length
          ? p.authors.slice(0, 3).join(', ') + (p.authors.length > 3 ? ' et al.' : '')
          : `${p.authorCount ?? '?'} authors`);
      const facts = [
        p.publishedAt ?? p.feedDate,
        p.upvotes === null ? null : counted(p.upvotes, 'upvote'),
        p.teamVotes ? counted(p.teamVotes, 'team vote') : null,
      ];
      io.stdout.write(
        `${i + 1}. ${p.title}\n   ${by} · ${facts.filter(Boolean).join(' · ')} · score ${r.score}\n`,
      );
      const link = paperLinks(p).abs;
      if (link) io.stdout.write(`   ${link}\n`);
      if (values.explain)
        io.stdout.write(`   ${r.explain.map((e) => `${e.factor}=${e.value} (${e.detail})`).join('; ')}\n`);
    });
    return 0;
  });
}

/**
 * Separates the known flags from the query. A word with one dash (`-survey`) is an excluded word of the
 * query; one with two dashes is an option, so a mistyped one (`--jsn`) is refused rather than searched
 * for. Words after `--` are query text whatever they start with, and so is an argument holding a space
 * (`"--json in the title"`, quoted in the shell as one): no option has one.
 */
function splitSearchArgs(args: string[]) {
  const values: { limit?: string; json?: boolean; explain?: boolean } = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--json') values.json = true;
    else if (a === '--explain') values.explain = true;
    else if (a === '--limit') values.limit = args[++i] ?? '';
    else if (a.startsWith('--limit=')) values.limit = a.slice('--limit='.length);
    else if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('--') && !/\s/.test(a)) throw new UsageError(`Unknown option "${a}". ${USAGE}`);
    else positionals.push(a);
  }
  return { values, positionals };
}
