import { type AnyPlatformEntry, PLATFORM_ENTRIES } from '../../adapters/index.ts';
import { ConfigError, loadConfig, settingsFor } from '../app/config.ts';
import { createLogger } from '../log.ts';
import { FeedFormatError } from '../papers/paper.ts';
import { quietWhenClosed } from './closed-output.ts';
import { exportCommand } from './export-cmd.ts';
import { fetchCommand } from './fetch-cmd.ts';
import { ingestCommand } from './ingest-cmd.ts';
import { type CliIo, UsageError } from './io.ts';
import { parseCommand } from './parse-cmd.ts';
import { reindexCommand } from './reindex-cmd.ts';
import { roundupCommand } from './roundup-cmd.ts';
import { searchCommand } from './search-cmd.ts';
import { consoleCommand, startCommand } from './start-cmd.ts';
import { packageVersion } from './version.ts';

/** The usage lines of every platform's own actions (`paperboy discord register …`). */
function platformUsage(): string {
  return PLATFORM_ENTRIES.flatMap((entry) => entry.cli?.usage ?? [])
    .map((line) => `  paperboy ${line}`)
    .join('\n');
}

/** Runs `paperboy NAME ARGS…` for a platform's own actions, with its settings and a logger on stderr. */
async function platformCommand(entry: AnyPlatformEntry, args: string[], io: CliIo): Promise<number> {
  const config = loadConfig(io.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, {
    write: (s: string) => io.stderr.write(s),
  });
  return entry.cli!.run(args, { settings: settingsFor(config, entry), stdout: io.stdout, logger });
}

export const USAGE = `paperboy: machine-learning papers for your team's chat

Usage:
  paperboy parse <file|url> [--format hf-json|hf-text|arxiv-atom] [--as-of YYYY-MM-DD]
                [--feed-date YYYY-MM-DD]
  paperboy ingest <file|url> [--format ...] [--as-of YYYY-MM-DD] [--feed-date YYYY-MM-DD]
  paperboy ingest <file|dir>... [--format ...] [--as-of YYYY-MM-DD]   (many files, progress on stderr)
  paperboy fetch [--date YYYY-MM-DD | --since YYYY-MM-DD]
  paperboy reindex      merge the search index and rebuild its lists of common words and phrases
  paperboy search "<query>" [--limit N] [--json] [--explain]
  paperboy export [list | top week|month|all | <query>] [--format bibtex|csv|markdown] [--out file]
                 [--channel slack:C123]
  paperboy console      try the bot in this terminal
  paperboy start        run the bot on every configured platform (the console when none is)
  paperboy roundup [--channel slack:C123] [--date YYYY-MM-DD] [--dry-run] [--retry] [--json]
  paperboy --version
${platformUsage()}

Exit codes: 0 success, 1 failure, 2 bad usage.`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  parse: parseCommand,
  ingest: ingestCommand,
  fetch: fetchCommand,
  reindex: reindexCommand,
  search: searchCommand,
  export: exportCommand,
  console: consoleCommand,
  start: startCommand,
  roundup: roundupCommand,
  ...Object.fromEntries(
    PLATFORM_ENTRIES.flatMap((entry) =>
      entry.cli ? [[entry.name, (args: string[], io: CliIo) => platformCommand(entry, args, io)]] : [],
    ),
  ),
};

/** This process's streams, environment and clock; made on first use, so importing main adds no listener. */
let processIo: CliIo | undefined;
function ownIo(): CliIo {
  processIo ??= {
    stdout: quietWhenClosed(process.stdout),
    stderr: quietWhenClosed(process.stderr),
    env: process.env,
    now: () => new Date(),
  };
  return processIo;
}

/**
 * The lines of {@link USAGE} for one command (with their continuation lines), for `paperboy NAME --help`;
 * all of it for a command without lines of its own.
 */
function usageOf(name: string): string {
  const lines = USAGE.split('\n');
  const own: string[] = [];
  for (const [i, line] of lines.entries()) {
    const continues = /^ {5,}\S/.test(line) && own.at(-1) === lines[i - 1];
    if (line.startsWith(`  paperboy ${name} `) || line === `  paperboy ${name}` || continues) own.push(line);
  }
  return own.length > 0 ? `Usage:\n${own.join('\n')}` : USAGE;
}

/** `--help` or `-h` among a command's arguments, before a `--` that ends its options. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Runs one CLI command and returns its exit code. Errors become one sentence on stderr, never a stack trace. */
export async function main(argv: string[], io: CliIo = ownIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`Unknown command "${name}". Run "paperboy help" for the list.\n`);
    return 2;
  }
  if (asksForHelp(args)) {
    io.stdout.write(`${usageOf(name)}\n`);
    return 0;
  }
  try {
    return await command(args, io);
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    const message = e instanceof FeedFormatError || e instanceof Error ? e.message : String(e);
    io.stderr.write(`paperboy ${name} failed: ${message}\n`);
    return 1;
  }
}
