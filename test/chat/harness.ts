import { Bot } from '../../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../../src/chat/emoji.ts';
import type { CommandInvocation, InboundHandlers, ReactionEvent } from '../../src/chat/platform.ts';
import type { Logger } from '../../src/log.ts';
import { createLogger } from '../../src/log.ts';
import { type Archive, clients, NOW, openArchive } from '../commands/archive.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A bot over a real archive and a recording platform, with its log lines captured. */
export interface BotHarness {
  archive: Archive;
  platform: RecordingPlatform;
  handlers: InboundHandlers;
  logs: LogLine[];
  /** `/papers <text>` typed by `user` in `channel` (`slack:C1`). */
  command(text: string, user?: string, channel?: string): ReturnType<InboundHandlers['onCommand']>;
  /** A reaction event on `message`, by a person unless `byBot`. */
  react(
    message: string,
    emoji: string,
    user: string,
    opts?: { added?: boolean; byBot?: boolean; channel?: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export async function botHarness(
  options: { hfUrl?: string; arxivUrl?: string; now?: () => Date } = {},
): Promise<BotHarness> {
  const archive = await openArchive();
  const platform = new RecordingPlatform('slack');
  const logs: LogLine[] = [];
  const logger: Logger = createLogger('debug', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  const bot = new Bot({
    store: archive.store,
    ...clients(options.hfUrl, options.arxivUrl),
    upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
    logger,
    now: options.now ?? (() => NOW),
  });
  const handlers = bot.handlersFor(platform);
  await platform.start(handlers);
  let minute = 0;
  return {
    archive,
    platform,
    handlers,
    logs,
    command(text, user = 'slack:U1', channel = 'slack:C1') {
      const invocation: CommandInvocation = {
        platform: 'slack',
        channel,
        user,
        userName: user === 'slack:U1' ? 'Ada' : null,
        input: { kind: 'text', text },
        canManageChannel: false,
      };
      return handlers.onCommand(invocation);
    },
    react(message, emoji, user, opts = {}) {
      const event: ReactionEvent = {
        message,
        channel: opts.channel ?? 'slack:C1',
        user,
        emoji,
        added: opts.added ?? true,
        byBot: opts.byBot ?? false,
        at: new Date(NOW.getTime() + ++minute * 60_000).toISOString(),
      };
      return handlers.onReaction(event);
    },
    async close() {
      await platform.stop();
      await archive.close();
    },
  };
}
