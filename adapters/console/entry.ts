import type { PlatformEntry } from '../../src/chat/platform-entry.ts';
import { optionalString } from '../../src/env.ts';

/** The console's settings: where files handed over (exports) are written; absent: the current directory. */
export interface ConsoleSettings {
  fileDir: string | undefined;
}

/** The terminal console in the platform list; started when no other platform is configured. */
export const consoleEntry = {
  name: 'console',
  title: 'the terminal console',
  terminal: true,
  env: { CONSOLE_EXPORT_DIR: optionalString },
  settings: (env) => ({ fileDir: env.CONSOLE_EXPORT_DIR as string | undefined }),
  async create(settings, deps) {
    const { ConsolePlatform } = await import('./platform.ts');
    return new ConsolePlatform({
      input: deps.terminal?.input ?? process.stdin,
      output: deps.terminal?.output ?? process.stdout,
      ...(deps.now ? { now: deps.now } : {}),
      ...(settings.fileDir ? { fileDir: settings.fileDir } : {}),
    });
  },
} as const satisfies PlatformEntry<'console', ConsoleSettings>;
