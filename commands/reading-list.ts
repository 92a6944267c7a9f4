import { emojiGlyph } from '../src/chat/emoji.ts';
import type { PaperItem, Reply, ReplySection } from '../src/chat/platform.ts';
import { latexToText } from '../src/papers/latex-text.ts';
import { ago } from '../src/papers/team-line.ts';
import type { ChannelRef, ReadingListEntry } from '../src/store/port.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** Papers shown of one channel's list (and the highest number `list remove` takes). */
export const READING_LIST_LIMIT = 50;
/** Channels `list all` shows, the current one first. */
const ALL_CHANNELS_LIMIT = 10;

function say(text: string): Reply {
  return { visibility: 'ephemeral', text };
}

/** The platform part of a ref: `slack` in `slack:C123`. */
function platformOf(ref: string): string {
  return ref.slice(0, ref.indexOf(':'));
}

function item(ctx: CommandContext, entry: ReadingListEntry, rank: number, elsewhere: boolean): PaperItem {
  return {
    paper: entry.paper,
    rank,
    saved: {
      by: entry.pinnedBy.map((p) => p.user),
      ago: ago(entry.addedAt, ctx.now()),
      at: entry.addedAt,
      ...(elsewhere ? { channel: entry.channel } : {}),
    },
  };
}

/** What an empty list says, naming the channel's reaction for it. */
function empty(ctx: CommandContext): string {
  const pin = emojiGlyph(ctx.readingListEmoji ?? 'pushpin');
  return `This channel's reading list is empty. React ${pin} on a paper the bot posted (or a link someone shared), or use /papers save <arXiv id>.`;
}

/** The channel's list, newest first, numbered as `list remove` counts. */
async function showChannel(ctx: CommandContext): Promise<Reply> {
  const entries = await ctx.store.readingLists([ctx.channel], READING_LIST_LIMIT);
  if (entries.length === 0) return say(empty(ctx));
  return {
    visibility: 'ephemeral',
    title: `This channel's reading list (${entries.length}${entries.length === READING_LIST_LIMIT ? '+' : ''})`,
    text: 'Newest first. /papers list remove <n> takes paper n off.',
    papers: entries.map((e, i) => item(ctx, e, i + 1, false)),
  };
}

/**
 * The lists of every channel of this platform the person can see, the current channel's first. Which
 * they can see is the platform's answer; a platform that cannot tell shows only this channel, saying so.
 */
async function showAll(ctx: CommandContext): Promise<Reply> {
  const known = await ctx.store.readingListChannels(`${platformOf(ctx.channel)}:`);
  const others = known.filter((c) => c !== ctx.channel);
  let visible: ChannelRef[] = [];
  let notice: string | null = null;
  if (!ctx.visibleChannels) {
    notice =
      'This chat cannot tell me which other channels you can see, so only this channel’s list is shown.';
  } else if (others.length > 0) {
    try {
      const seen = new Set(await ctx.visibleChannels(others));
      // Kept to the channels asked about: the platform's answer never adds one.
      visible = others.filter((c) => seen.has(c));
    } catch (error) {
      ctx.logger.warn({ err: error }, 'could not tell which channels the person can see');
      notice =
        'I could not check which other channels you can see just now, so only this channel’s list is shown.';
    }
  }
  const channels = [ctx.channel, ...visible].slice(0, ALL_CHANNELS_LIMIT);
  const entries = await ctx.store.readingLists(channels, READING_LIST_LIMIT);
  const sections: ReplySection[] = [];
  // Numbered through the whole reply, as every platform numbers sections: this channel's list comes first,
  // so its numbers are those `list remove` takes.
  let rank = 0;
  for (const channel of channels) {
    const mine = entries.filter((e) => e.channel === channel);
    if (mine.length === 0) continue;
    const here = channel === ctx.channel;
    sections.push({
      title: here ? "This channel's reading list" : 'Reading list of another channel',
      papers: mine.map((e) => item(ctx, e, ++rank, !here)),
    });
  }
  const more =
    visible.length + 1 > ALL_CHANNELS_LIMIT
      ? `Showing ${ALL_CHANNELS_LIMIT} of the ${visible.length + 1} channels with a list.`
      : null;
  const lines = [notice, more].filter((l): l is string => l !== null);
  if (sections.length === 0) {
    return say(
      [
        ctx.visibleChannels && !notice ? 'No channel you can see has a reading list yet.' : empty(ctx),
        ...lines,
      ].join('\n'),
    );
  }
  return {
    visibility: 'ephemeral',
    title: 'Reading lists of the channels you can see',
    ...(lines.length > 0 ? { text: lines.join('\n') } : {}),
    sections,
  };
}

/** Takes paper n of the channel's list (newest first, as `list` numbers it) off the list. */
async function remove(ctx: CommandContext, n: number | undefined): Promise<Reply> {
  const entries = await ctx.store.readingLists([ctx.channel], READING_LIST_LIMIT);
  if (entries.length === 0) return say("This channel's reading list is empty: there is nothing to remove.");
  const range = entries.length === 1 ? 'there is only paper 1' : `from 1 to ${entries.length}`;
  if (n === undefined)
    return say(`Which paper? Give its number from /papers list (${range}), e.g. /papers list remove 1.`);
  const target = Number.isInteger(n) && n >= 1 ? entries[n - 1] : undefined;
  if (!target)
    return say(
      `There is no paper ${n} on this channel's reading list (${range}). /papers list shows the numbers.`,
    );
  await ctx.store.removeFromReadingList(ctx.channel, target.paper.id);
  return say(`Took paper ${n}, “${latexToText(target.paper.title)}”, off this channel's reading list.`);
}

/**
 * `/papers list [all | remove <n>]`: the channel's reading list (papers people pinned with 📌 or saved),
 * newest first, each with who added it and when; `all` adds the lists of the other channels the person
 * can see; `remove <n>` takes paper n off. Every answer is private.
 */
export const readingListCommand: CommandDefinition = {
  name: 'list',
  description: "This channel's reading list; all: every channel you can see; remove <n>",
  options: [
    {
      name: 'what',
      description: 'all: every channel you can see; remove: take a paper off this list',
      type: 'string',
      required: false,
      choices: ['all', 'remove'],
    },
    {
      name: 'number',
      description: 'With remove: the paper’s number in /papers list',
      type: 'integer',
      required: false,
    },
  ],
  async run(ctx, args) {
    const n = typeof args.number === 'number' ? args.number : undefined;
    if (args.what === 'remove') return remove(ctx, n);
    if (n !== undefined) return say(`To take paper ${n} off the list: /papers list remove ${n}`);
    return args.what === 'all' ? showAll(ctx) : showChannel(ctx);
  },
};
