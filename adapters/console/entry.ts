import { parseEmojiList } from '../../src/chat/emoji.ts';
import type { PlatformEntry } from '../../src/chat/platform-entry.ts';
import { optionalString } from '../../src/env.ts';

/** The console's settings: where files handed over (exports) are written; absent: the current directory. */
export interface ConsoleSettings {
  fileDir: string | undefined;
  /** The bot's UPVOTE_EMOJI and READING_LIST_EMOJI, so the console says what a reaction counts for. */
  upvoteEmoji: string[];
  readingListEmoji: string | undefined;
}

/** The terminal console in the platform list; started when no other platform is configured. */
export const consoleEntry = {
  name: 'console',
  title: 'the terminal console',
  terminal: true,
  env: { CONSOLE_EXPORT_DIR: optionalString },
  settings: (env) => ({
    fileDir: env.CONSOLE_EXPORT_DIR as string | undefined,
    upvoteEmoji: parseEmojiList(String(env.UPVOTE_EMOJI ?? '')),
    readingListEmoji: parseEmojiList(String(env.READING_LIST_EMOJI ?? ''))[0],
  }),
  async create(settings, deps) {
    const { ConsolePlatform } = await import('./platform.ts');
    return new ConsolePlatform({
      input: deps.terminal?.input ?? process.stdin,
      output: deps.terminal?.output ?? process.stdout,
      ...(deps.now ? { now: deps.now } : {}),
      ...(settings.fileDir ? { fileDir: settings.fileDir } : {}),
      ...(settings.upvoteEmoji.length > 0 ? { upvoteEmoji: settings.upvoteEmoji } : {}),
      ...(settings.readingListEmoji ? { readingListEmoji: settings.readingListEmoji } : {}),
    });
  },
} as const satisfies PlatformEntry<'console', ConsoleSettings>;
