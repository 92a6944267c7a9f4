import type { ChannelRef, PlatformName, Reply, Suggestion, UserRef } from '../src/chat/platform.ts';
import type { ArxivClient } from '../src/feed/arxiv-client.ts';
import type { HfClient } from '../src/feed/hf-client.ts';
import type { Logger } from '../src/log.ts';
import type { PaperStore } from '../src/store/port.ts';

/** One typed argument of a subcommand. Discord shows these as slash-command options; Slack parses text. */
export interface OptionDefinition {
  name: string;
  description: string;
  type: 'string' | 'integer';
  required: boolean;
  /** Fixed choices (e.g. week | month | all). */
  choices?: readonly string[];
  /** Takes the rest of the text (Slack/console), e.g. a search query or a share note. */
  rest?: boolean;
  /**
   * Values to offer while the option is typed (Discord's autocomplete), best first, at most 25. Must be
   * quick and read only the archive. Absent: the option offers nothing.
   */
  suggest?(ctx: SuggestContext, typed: string): Promise<Suggestion[]>;
}

/** Arguments as parsed, by option name. */
export type CommandArgs = Record<string, string | number | undefined>;

/** What a command may use: the store and feed clients, who asked and where. It never posts or acks. */
export interface CommandContext {
  store: PaperStore;
  hf: HfClient;
  arxiv: ArxivClient;
  logger: Logger;
  now: () => Date;
  platform: PlatformName;
  channel: ChannelRef;
  user: UserRef;
  userName: string | null;
  /** Time and zone a channel's roundup starts with, and the channels configured to have one. */
  roundupDefaults: { time: string; timezone: string; channels: readonly string[] };
  /** May a search with few good matches in the archive ask Hugging Face's search too (`SEARCH_REMOTE`)? */
  remoteSearch: boolean;
  /** Watches one person may have (WATCH_LIMIT); absent: the default of commands/watch.ts. */
  watchLimit?: number;
  /** The reaction that puts a paper on the reading list (READING_LIST_EMOJI), normalised; absent: 📌. */
  readingListEmoji?: string;
  /**
   * Of `channels`, those the person can see (see ChatPlatform.visibleChannels); rejects when the platform
   * cannot be asked. Absent: the platform cannot tell, so only the current channel may be shown.
   */
  visibleChannels?(channels: readonly ChannelRef[]): Promise<ChannelRef[]>;
}

/**
 * What a command may require of the person running it, checked by the core before `run` with the
 * platform's own rule (Slack: workspace admins and SLACK_ADMINS; Discord: Manage Channels).
 * `manage-channel`: may change the channel's settings.
 */
export type CommandNeed = 'manage-channel';

/**
 * What an option's suggestions may use: the archive and who is typing where. No feed clients: an answer
 * is wanted within a keystroke, so suggestions never wait on Hugging Face or arXiv.
 */
export type SuggestContext = Pick<
  CommandContext,
  'store' | 'logger' | 'now' | 'platform' | 'channel' | 'user'
>;

/**
 * A `/papers` subcommand, defined once for every platform. `run` returns the reply value; a reply with
 * `visibility: 'channel'` is posted for everyone by the core, anything else goes only to the invoker.
 */
export interface CommandDefinition {
  name: string;
  description: string;
  options: readonly OptionDefinition[];
  /** What these arguments require of the person; absent or empty: anyone may run it. */
  needs?(args: CommandArgs): readonly CommandNeed[];
  run(ctx: CommandContext, args: CommandArgs): Promise<Reply>;
}
