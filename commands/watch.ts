import type { PaperItem, Reply } from '../src/chat/platform.ts';
import { rankSearch } from '../src/papers/rank.ts';
import { describeQuery, parseSearchQuery } from '../src/papers/search-query.ts';
import { isValidTimeZone } from '../src/roundup/schedule.ts';
import type { Watch, WatcherSettings } from '../src/store/port.ts';
import { defaultWatcher } from '../src/watch/settings.ts';
import { isoDay } from './dates.ts';
import { echo } from './parse.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** Watches a person may have when WATCH_LIMIT is not set. */
export const DEFAULT_WATCH_LIMIT = 20;
/** A watch matching more than this share of the archive is kept, with a warning. */
const BROAD_SHARE = 0.2;
/** `watch list` counts each watch's matches over this many days. */
const LIST_DAYS = 30;
const ACTIONS = new Set(['list', 'remove', 'pause', 'resume', 'mode']);

const USAGE = [
  '/papers watch <query>: get new papers matching it by direct message (words, "phrases", -exclusions)',
  '/papers watch list',
  '/papers watch remove <n>',
  '/papers watch pause | resume',
  '/papers watch mode instant | daily [HH:MM] [time zone]',
].join('\n');

function say(text: string, papers?: PaperItem[]): Reply {
  return { visibility: 'ephemeral', text, ...(papers?.length ? { papers } : {}) };
}

function describeMode(s: WatcherSettings): string {
  const mode =
    s.mode === 'daily' ? `one daily message at ${s.time} ${s.timezone}` : 'a message as soon as they arrive';
  return s.paused ? `paused (${mode} once resumed)` : mode;
}

async function settingsOf(ctx: CommandContext): Promise<WatcherSettings> {
  return (await ctx.store.getWatcher(ctx.user)) ?? defaultWatcher(ctx.user, ctx.now());
}

async function add(ctx: CommandContext, text: string): Promise<Reply> {
  const parsed = parseSearchQuery(text);
  if (!parsed.ok) return say(`${parsed.error}\n${USAGE}`);
  const query = describeQuery(parsed.query);
  const mine = await ctx.store.listWatches(ctx.user);
  const same = mine.findIndex((w) => w.query === query);
  if (same >= 0) return say(`You already watch “${query}” (watch ${same + 1} in /papers watch list).`);
  const limit = ctx.watchLimit ?? DEFAULT_WATCH_LIMIT;
  const watch = await ctx.store.addWatch(ctx.user, query, ctx.channel, limit);
  if (!watch)
    return say(
      `You have ${limit} watches, the most one person may have. Remove one first: /papers watch list, then /papers watch remove <n>.`,
    );
  const [total, matching, hits, settings] = await Promise.all([
    ctx.store.countPapers(),
    ctx.store.countMatching(parsed.query),
    ctx.store.search(parsed.query, 20),
    settingsOf(ctx),
  ]);
  const best = rankSearch(hits, isoDay(ctx.now()), parsed.query.must, parsed.query.alternatives)
    .slice(0, 3)
    .map((r, i) => ({ paper: r.paper, rank: i + 1, shareable: true }));
  ctx.logger.info({ user: ctx.user, watch: watch.id, matching }, 'watch added');
  const lines = [
    `Watching “${query}”: new papers that match come to you by direct message, ${describeMode(settings)}.`,
    matching === 0
      ? 'No archived paper matches it yet.'
      : `${matching} archived paper${matching === 1 ? '' : 's'} already match${matching === 1 ? 'es' : ''} it; the best ${Math.min(3, best.length)}:`,
  ];
  if (total > 0 && matching > total * BROAD_SHARE)
    lines.unshift(
      `⚠ This is broad: it matches ${matching} of the ${total} archived papers (${Math.round((100 * matching) / total)}%), so expect many messages. Add words or -exclusions to narrow it, or remove it with /papers watch remove ${mine.length + 1}.`,
    );
  if (parsed.query.notice) lines.push(parsed.query.notice);
  return say(lines.join('\n'), best);
}

async function list(ctx: CommandContext): Promise<Reply> {
  const [watches, settings] = await Promise.all([ctx.store.listWatches(ctx.user), settingsOf(ctx)]);
  if (watches.length === 0) return say(`You have no watches yet.\n${USAGE}`);
  const since = new Date(ctx.now().getTime() - LIST_DAYS * 86_400_000).toISOString();
  const counts = await ctx.store.watchMatchCounts(ctx.user, since);
  const lines = watches.map((w, i) => {
    const n = counts.get(w.id) ?? 0;
    return `${i + 1}. ${w.query}: ${n} new paper${n === 1 ? '' : 's'} in the last ${LIST_DAYS} days`;
  });
  const head = `Your watches (${describeMode(settings)}):`;
  const paused = settings.pausedReason
    ? [
        `I paused them because I could not send you a direct message (${settings.pausedReason}). Once you accept messages from me, run /papers watch resume.`,
      ]
    : [];
  return say([head, ...lines, ...paused].join('\n'));
}

async function remove(ctx: CommandContext, value: string): Promise<Reply> {
  const watches = await ctx.store.listWatches(ctx.user);
  const n = Number(value.trim());
  const target: Watch | undefined = Number.isInteger(n) ? watches[n - 1] : undefined;
  if (!target)
    return say(
      watches.length === 0
        ? 'You have no watches to remove.'
        : `Give the number of a watch from /papers watch list (1 to ${watches.length}), e.g. /papers watch remove 1.`,
    );
  await ctx.store.removeWatch(ctx.user, target.id);
  return say(`Removed watch ${n}, “${target.query}”. Papers it matched that were not sent yet will not be.`);
}

async function pause(ctx: CommandContext, paused: boolean): Promise<Reply> {
  // Only the pause is set: the mode, time and DM channel stay as stored, whatever changed them meanwhile.
  const saved = await ctx.store.updateWatcher(
    ctx.user,
    { paused, pausedReason: null },
    ctx.now().toISOString(),
  );
  return say(
    paused
      ? 'Your watches are paused: papers arriving meanwhile are not sent, now or later. /papers watch resume turns them back on.'
      : `Your watches are on again: ${describeMode(saved)}.`,
  );
}

async function mode(ctx: CommandContext, value: string): Promise<Reply> {
  const m = /^(instant|daily)(?:\s+(\d{1,2}):(\d{2}))?(?:\s+(\S+))?$/i.exec(value.trim());
  const hour = Number(m?.[2] ?? 0);
  const minute = Number(m?.[3] ?? 0);
  if (!m || hour > 23 || minute > 59 || (m[1]!.toLowerCase() === 'instant' && (m[2] || m[4])))
    return say(
      'The mode is instant, or daily with a local time and time zone: /papers watch mode daily 08:30 Europe/Berlin',
    );
  const settings = await settingsOf(ctx);
  const timezone = m[4] ?? settings.timezone;
  if (!isValidTimeZone(timezone))
    return say(
      `"${echo(timezone)}" is not a time zone I know; use an IANA name such as Europe/Berlin or America/New_York.`,
    );
  const daily = m[1]!.toLowerCase() === 'daily';
  // Only what was given is set: a pause (or the bot's) and the DM channel stay as stored.
  const saved = await ctx.store.updateWatcher(
    ctx.user,
    {
      mode: daily ? 'daily' : 'instant',
      ...(daily && m[2] ? { time: `${String(hour).padStart(2, '0')}:${m[3]}` } : {}),
      ...(m[4] ? { timezone } : {}),
    },
    ctx.now().toISOString(),
  );
  return say(`Saved: your watches now send ${describeMode(saved)}.`);
}

/**
 * `/papers watch …`: a person's own standing searches, delivered by direct message (src/watch/). The first
 * word picks an action (list, remove, pause, resume, mode); anything else is a query to watch. Every answer
 * is private.
 */
export const watchCommand: CommandDefinition = {
  name: 'watch',
  description: 'Get new papers matching a query by direct message; list, remove, pause, resume, mode',
  options: [
    {
      name: 'query',
      description:
        'A query to watch, or list | remove <n> | pause | resume | mode instant|daily [HH:MM] [zone]',
      type: 'string',
      required: false,
      rest: true,
    },
  ],
  async run(ctx, args) {
    const text = String(args.query ?? '').trim();
    const action = /^\S+/.exec(text)?.[0]?.toLowerCase() ?? '';
    const rest = text.slice(action.length).trim();
    if (text === '') return list(ctx);
    if (!ACTIONS.has(action)) return add(ctx, text);
    switch (action) {
      case 'list':
        return list(ctx);
      case 'remove':
        return remove(ctx, rest);
      case 'pause':
      case 'resume':
        return pause(ctx, action === 'pause');
      default:
        return mode(ctx, rest);
    }
  },
};
