import type { PlatformEntry } from '../../src/chat/platform-entry.ts';

/** The terminal console in the platform list: no settings; started when no other platform is configured. */
export const consoleEntry = {
  name: 'console',
  title: 'the terminal console',
  terminal: true,
  async create(_settings, deps) {
    const { ConsolePlatform } = await import('./platform.ts');
    return new ConsolePlatform({
      input: deps.terminal?.input ?? process.stdin,
      output: deps.terminal?.output ?? process.stdout,
      ...(deps.now ? { now: deps.now } : {}),
    });
  },
} as const satisfies PlatformEntry<'console', undefined>;
