import type { Config } from '../app/config.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger, type Logger } from '../log.ts';
import type { PaperStore } from '../store/port.ts';
import { openArchive } from './archive-errors.ts';
import type { CliIo } from './io.ts';

export interface Core {
  config: Config;
  logger: Logger;
  store: PaperStore;
}

/** Opens config, logger (to stderr: stdout is for results) and store around one CLI command, then closes. */
export async function withCore(io: CliIo, run: (core: Core) => Promise<number>): Promise<number> {
  const config = loadConfig(io.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, {
    write: (s: string) => io.stderr.write(s),
  });
  const store = await openArchive(config.databaseUrl);
  try {
    return await run({ config, logger, store });
  } finally {
    await store.close();
  }
}
