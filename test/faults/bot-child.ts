/**
 * The bot in a process of its own, configured from its environment like `paperboy start` but without the
 * scheduler, so the only database work is what the test sends. Logs go to stdout as JSON lines; the parent
 * reads them to know what happened. A crash ends the process, which is what the parent watches for.
 */
import { loadConfig } from '../../src/app/config.ts';
import { startBot } from '../../src/app/main.ts';
import { createLogger } from '../../src/log.ts';

const bot = await startBot(loadConfig(process.env), { logger: createLogger('info'), schedule: false });
process.once('SIGTERM', () => void bot.stop());
