import type { Reply } from '../src/chat/platform.ts';
import { defaultSettings } from '../src/roundup/roundup.ts';
import { addDays, isValidTimeZone, localParts, nextRun } from '../src/roundup/schedule.ts';
import type { ChannelSettings, RoundupSummary } from '../src/store/port.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

const ACTIONS = ['show', 'on', 'off', 'at', 'size', 'topics', 'days', 'mode', 'min-score'] as const;
type Action = (typeof ACTIONS)[number];

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAX_TOPICS = 20;
const MAX_SIZE = 10;

const USAGE = [
  "/papers roundup: show this channel's roundup",
  '/papers roundup on | off',
  '/papers roundup at 09:30 Europe/Berlin',
  '/papers roundup size 8',
  '/papers roundup topics "machine unlearning" diffusion -survey   (topics none: clear)',
  '/papers roundup days weekdays | daily | mon,wed,fri',
  '/papers roundup mode messages | digest',
  '/papers roundup min-score 1.5',
].join('\n');

function ephemeral(text: string): Reply {
  return { visibility: 'ephemeral', text };
}

/** Splits topics text into phrases: `"machine unlearning" diffusion -survey` → three topics. */
export function parseTopicsText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(-?)["“”]([^"“”]*)["“”]?|(\S+)/gu)) {
    const phrase = (m[2] ?? m[3] ?? '').trim().replace(/\s+/g, ' ');
    if (!phrase || phrase === '-') continue;
    const topic = m[1] === '-' ? `-${phrase}` : phrase;
    if (!out.includes(topic)) out.push(topic);
  }
  return out;
}

/** Parses `weekdays`, `daily`, `weekends` or a list like `mon,wed,fri` / `mon-fri` into ISO weekdays. */
export function parseDays(text: string): number[] | null {
  const t = text.trim().toLowerCase();
  if (t === 'weekdays') return [1, 2, 3, 4, 5];
  if (t === 'daily' || t === 'every day') return [1, 2, 3, 4, 5, 6, 7];
  if (t === 'weekends') return [6, 7];
  const days = new Set<number>();
  for (const part of t.split(/[\s,]+/).filter(Boolean)) {
    const range = /^([a-z]{3})[a-z]*-([a-z]{3})[a-z]*$/.exec(part);
    if (range) {
      const from = DAY_NAMES.indexOf(range[1]!);
      const to = DAY_NAMES.indexOf(range[2]!);
      if (from < 0 || to < 0 || to < from) return null;
      for (let d = from; d <= to; d++) days.add(d + 1);
      continue;
    }
    const day = DAY_NAMES.indexOf(part.slice(0, 3));
    if (day < 0 || !DAY_NAMES[day]!.startsWith(part.slice(0, 3)) || part.length < 3) return null;
    days.add(day + 1);
  }
  return days.size > 0 ? [...days].sort() : null;
}

function describeDays(days: readonly number[]): string {
  if (days.join() === '1,2,3,4,5') return 'weekdays';
  if (days.length === 7) return 'every day';
  return days.map((d) => DAY_NAMES[d - 1]).join(', ');
}

/** How far back a failed roundup is still worth a line in the channel's settings. */
const FAILURE_LOOKBACK_DAYS = 30;

/** The line about the channel's last roundup that was given up, or null when none failed lately. */
function failureLine(failed: RoundupSummary | undefined): string | null {
  if (!failed) return null;
  const tries = `${failed.failures} tr${failed.failures === 1 ? 'y' : 'ies'}`;
  return `⚠ Last failure: the roundup for ${failed.localDate} was given up after ${tries} (${failed.lastError ?? 'no reason recorded'}). Is the bot still in this channel? Once fixed, the next roundup goes out as usual.`;
}

/** The settings as a person reads them, with when the next roundup is due and the last one that failed. */
function describe(s: ChannelSettings, now: Date, failed?: RoundupSummary): string {
  const next = s.enabled ? nextRun(s, now) : null;
  const failure = failureLine(failed);
  return [
    `Roundup in this channel: ${s.enabled ? 'on' : 'off'}`,
    `• time: ${s.time} ${s.timezone}, ${describeDays(s.days)}`,
    `• size: ${s.size} papers, ${s.mode === 'digest' ? 'one digest message (vote with 1️⃣–🔟)' : 'one message per paper'}`,
    `• topics: ${s.topics.length ? s.topics.join(', ') : 'none (all papers)'}`,
    `• minimum score: ${s.minScore}`,
    s.enabled
      ? `Next roundup: ${next ? `${next.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'never (no days set)'}`
      : 'Turn it on with /papers roundup on',
    ...(failure ? [failure] : []),
  ].join('\n');
}

/** Applies one change; returns the new settings or an error sentence. */
function apply(s: ChannelSettings, action: Exclude<Action, 'show'>, value: string): ChannelSettings | string {
  switch (action) {
    case 'on':
    case 'off':
      return { ...s, enabled: action === 'on' };
    case 'at': {
      const m = /^(\d{1,2}):(\d{2})(?:\s+(\S+))?$/.exec(value.trim());
      const hour = Number(m?.[1]);
      const minute = Number(m?.[2]);
      if (!m || hour > 23 || minute > 59)
        return 'Give a time as HH:MM and, optionally, a time zone: /papers roundup at 09:30 Europe/Berlin';
      const timezone = m[3] ?? s.timezone;
      if (!isValidTimeZone(timezone))
        return `"${timezone.slice(0, 60)}" is not a time zone I know; use an IANA name such as Europe/Berlin or America/New_York.`;
      return { ...s, time: `${String(hour).padStart(2, '0')}:${m[2]}`, timezone };
    }
    case 'size': {
      const n = Number(value.trim());
      if (!Number.isInteger(n) || n < 1 || n > MAX_SIZE)
        return `The size must be a whole number from 1 to ${MAX_SIZE}.`;
      return { ...s, size: n };
    }
    case 'topics': {
      if (/^(none|clear)$/i.test(value.trim())) return { ...s, topics: [] };
      const topics = parseTopicsText(value).map((t) => t.slice(0, 80));
      if (topics.length === 0)
        return 'List topics: /papers roundup topics "machine unlearning" diffusion -survey (or: topics none).';
      if (topics.length > MAX_TOPICS) return `At most ${MAX_TOPICS} topics, please.`;
      return { ...s, topics };
    }
    case 'days': {
      const days = parseDays(value);
      return days ? { ...s, days } : 'Give days as weekdays, daily, weekends, or a list such as mon,wed,fri.';
    }
    case 'mode':
      if (!/^(messages|digest)$/i.test(value.trim()))
        return 'The mode is messages (one per paper) or digest (one message).';
      return { ...s, mode: value.trim().toLowerCase() as ChannelSettings['mode'] };
    case 'min-score': {
      const n = Number(value.trim());
      if (!Number.isFinite(n) || n < 0 || n > 1000)
        return 'The minimum score is a number from 0 (every paper) upwards, e.g. 1.5.';
      return { ...s, minScore: n };
    }
  }
}

async function run(ctx: CommandContext, action: string | undefined, value: string): Promise<Reply> {
  const chosen = (action ?? 'show').toLowerCase() as Action;
  if (!ACTIONS.includes(chosen))
    return ephemeral(`I don't know "roundup ${String(action).slice(0, 40)}". Try:\n${USAGE}`);
  // A channel with nothing saved has the configured defaults: on when ROUNDUP_CHANNELS lists it.
  const current = (await ctx.store.getChannelSettings(ctx.channel)) ?? {
    ...defaultSettings(ctx.channel, ctx.roundupDefaults),
    enabled: ctx.roundupDefaults.channels.includes(ctx.channel),
  };
  const since = addDays(localParts(ctx.now(), current.timezone).date, -FAILURE_LOOKBACK_DAYS);
  const [failed] = await ctx.store.failedRoundups({ channel: ctx.channel, sinceLocalDate: since, limit: 1 });
  if (chosen === 'show') return ephemeral(describe(current, ctx.now(), failed));
  const changed = apply(current, chosen, value);
  if (typeof changed === 'string') return ephemeral(changed);
  const saved: ChannelSettings = { ...changed, updatedBy: ctx.user, updatedAt: ctx.now().toISOString() };
  await ctx.store.saveChannelSettings(saved);
  ctx.logger.info({ channel: ctx.channel, user: ctx.user, action: chosen }, 'roundup settings changed');
  return ephemeral(`Saved.\n${describe(saved, ctx.now(), failed)}`);
}

/**
 * `/papers roundup [action] [value]`: shows a channel's roundup settings to anyone, and lets people who
 * may manage the channel change them. Settings take effect at the scheduler's next minute.
 */
export const roundupCommand: CommandDefinition = {
  name: 'roundup',
  description: "Show or change this channel's morning roundup",
  options: [
    { name: 'action', description: 'What to change', type: 'string', required: false, choices: ACTIONS },
    {
      name: 'value',
      description: 'The new value, e.g. 09:30 Europe/Berlin',
      type: 'string',
      required: false,
      rest: true,
    },
  ],
  // Anyone may look; a change needs the platform's channel-manager rights, checked by the core.
  needs: (args) => (args.action === undefined || args.action === 'show' ? [] : ['manage-channel']),
  async run(ctx, args) {
    return run(ctx, args.action === undefined ? undefined : String(args.action), String(args.value ?? ''));
  },
};
