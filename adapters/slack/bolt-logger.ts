import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';

/** Bolt's logger interface over the process logger, so Bolt's own messages land in the same log stream. */
export function boltLogger(logger: Logger): BoltLogger {
  let name = 'bolt';
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      const text = msg.map((m) => (m instanceof Error ? (m.stack ?? m.message) : String(m))).join(' ');
      logger[level]({ component: name }, text);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    // The level is the process logger's; Bolt may ask to change it, which paperboy does not allow.
    setLevel: () => undefined,
    getLevel: () => {
      const level = logger.level;
      if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
      if (level === 'info') return LogLevel.INFO;
      if (level === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: (n: string) => {
      name = n;
    },
  };
}
