import { type AnyPlatformEntry, PLATFORM_ENTRIES } from '../../adapters/index.ts';
import { configuredPlatforms, loadConfig } from '../app/config.ts';
import { type RunningBot, startBot } from '../app/main.ts';
import { createLogger, humanReadable } from '../log.ts';
import { explainOpenError } from './archive-errors.ts';
import { type CliIo, UsageError } from './io.ts';

/** The CLI's streams plus a keyboard for the console; tests pass a PassThrough, the CLI process.stdin. */
export interface ConsoleIo extends CliIo {
  stdin?: NodeJS.ReadableStream;
  /** Receives the stop function for SIGINT/SIGTERM; default: the process's signals. */
  onSignal?: (stop: () => void) => () => void;
}

/** Stops on SIGINT/SIGTERM; returns the function that removes the listeners. */
function processSignals(stop: () => void): () => void {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

/** Runs the bot on `platforms` until the console is quit or a signal arrives, then stops it cleanly. */
async function run(io: ConsoleIo, platforms: AnyPlatformEntry[] | null, schedule: boolean): Promise<number> {
  const config = loadConfig(io.env);
  const entries = platforms ?? configuredPlatforms(config);
  // Logs go to stderr. Beside a terminal platform (whose screen is the terminal) only warnings by default;
  // a server keeps the configured level, so "roundup posted" and "feed ingested" reach its log.
  const quiet = entries.some((e) => e.terminal) && config.logLevel === 'info';
  // On a terminal (the console's screen, or a person running a server by hand) records are readable lines;
  // a server's piped log stays JSON for its collector.
  const write = (s: string) => io.stderr.write(s);
  const human = entries.some((e) => e.terminal) || io.stderr.isTTY === true;
  const logger = createLogger(quiet ? 'warn' : config.logLevel, human ? humanReadable(write) : { write });
  if (platforms === null && entries.every((e) => e.terminal)) {
    const servers = PLATFORM_ENTRIES.filter((e) => !e.terminal).map((e) => e.title);
    io.stderr.write(
      `No ${servers.join(' or ')} credentials are configured, so paperboy starts ${entries.map((e) => e.title).join(' and ')}.\n`,
    );
  }
  // Listen before starting, so a Ctrl-C during start-up still stops everything that did start.
  let bot: RunningBot | null = null;
  let stopRequested = false;
  const unlisten = (io.onSignal ?? processSignals)(() => {
    stopRequested = true;
    void bot?.stop();
  });
  try {
    bot = await startBot(config, {
      platforms: entries.map((e) => e.name),
      input: io.stdin ?? process.stdin,
      output: io.stdout,
      logger,
      now: io.now,
      schedule,
    }).catch((error: unknown) => {
      throw explainOpenError(error, config.databaseUrl);
    });
    if (stopRequested) await bot.stop();
    await bot.closed;
  } finally {
    unlisten();
    await bot?.stop();
  }
  return 0;
}

/** `paperboy console`: the terminal chat, over this process's stdin and stdout. */
export async function consoleCommand(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError('Usage: paperboy console');
  return run(
    io,
    PLATFORM_ENTRIES.filter((e) => e.terminal),
    false,
  );
}

/**
 * `paperboy start`: every platform whose credentials are configured, or the console (saying so on
 * stderr) when there are none.
 */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError('Usage: paperboy start');
  return run(io, null, true);
}
