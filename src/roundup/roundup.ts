import { parseTopics, type Ranked, rankFeed } from '../papers/rank.ts';
import type { ChannelSettings, PaperStore, StoredPaper } from '../store/port.ts';
import { addDays, isoWeekday } from './schedule.ts';

/** Roundup defaults for deployments that configure channels in files rather than with /papers roundup. */
export interface RoundupDefaults {
  /** Channels that get a roundup with these defaults unless their own settings say otherwise. */
  channels: string[];
  time: string;
  timezone: string;
  /** A roundup missed while the bot was down is posted up to this long after its time (ms), else skipped. */
  catchUpMs: number;
}

/** Weekdays, the default roundup days: the Hugging Face feed is empty at weekends. */
export const WEEKDAYS = [1, 2, 3, 4, 5];

/** Settings a channel gets before anyone changes them. */
export function defaultSettings(
  channel: string,
  defaults: Pick<RoundupDefaults, 'time' | 'timezone'>,
): ChannelSettings {
  return {
    channel,
    enabled: true,
    time: defaults.time,
    timezone: defaults.timezone,
    days: WEEKDAYS,
    size: 5,
    topics: [],
    minScore: 0,
    mode: 'messages',
    updatedBy: null,
    updatedAt: new Date(0).toISOString(),
  };
}

/** How many feed days (days with papers) back a roundup looks for papers the channel has not seen yet. */
export const LOOKBACK_DAYS = 3;
/** …within this many calendar days: an archive idle for a month does not make a stale roundup. */
const LOOKBACK_WINDOW_DAYS = 7;

/** Why a roundup has no papers: said in one short line instead of silence. */
export type EmptyReason = 'weekend' | 'no-papers' | 'feed-unreachable' | 'all-seen';

export type RoundupPlan =
  | { kind: 'papers'; localDate: string; ranked: Ranked[] }
  | { kind: 'empty'; localDate: string; reason: EmptyReason };

/**
 * Chooses a channel's roundup for its local date (pure): the latest feed days' papers the channel has not
 * been shown, ranked by the feed ranking with the channel's topics, above its minimum score, at most `size`.
 */
export function planRoundup(input: {
  settings: Pick<ChannelSettings, 'size' | 'topics' | 'minScore'>;
  localDate: string;
  candidates: readonly StoredPaper[];
  alreadyShown: ReadonlySet<string>;
  /** Whether the last feed ingestion failed (the reason to give when nothing is there). */
  feedUnreachable: boolean;
}): RoundupPlan {
  const { settings, localDate, candidates, alreadyShown } = input;
  if (candidates.length === 0) {
    const weekday = isoWeekday(localDate);
    const reason: EmptyReason = input.feedUnreachable
      ? 'feed-unreachable'
      : weekday >= 6
        ? 'weekend'
        : 'no-papers';
    return { kind: 'empty', localDate, reason };
  }
  const fresh = candidates.filter((p) => !alreadyShown.has(p.id));
  const ranked = rankFeed(fresh, localDate, parseTopics(settings.topics))
    .filter((r) => r.score >= settings.minScore)
    .slice(0, settings.size);
  if (ranked.length === 0) return { kind: 'empty', localDate, reason: 'all-seen' };
  return { kind: 'papers', localDate, ranked };
}

/** The one-line message of an empty roundup. */
export function emptyMessage(reason: EmptyReason, localDate: string): string {
  switch (reason) {
    case 'weekend':
      return `No roundup for ${localDate}: Hugging Face lists no papers at weekends.`;
    case 'no-papers':
      return `No roundup for ${localDate}: Hugging Face has listed no papers yet (a holiday, or a late feed).`;
    case 'feed-unreachable':
      return `No roundup for ${localDate}: the Hugging Face feed could not be reached. I will keep trying.`;
    case 'all-seen':
      return `No roundup for ${localDate}: every recent paper matching this channel's topics was already shown here.`;
  }
}

/** Reads the candidates of a roundup from the store: papers of the last few feed days. */
export async function roundupCandidates(store: PaperStore, localDate: string): Promise<StoredPaper[]> {
  const out: StoredPaper[] = [];
  // The last few feed days that have papers, not calendar days: Monday's roundup still sees Friday's
  // papers across the empty weekend, and a holiday does not hide the day before it.
  let before = localDate;
  for (let i = 0; i < LOOKBACK_DAYS; i++) {
    const day = await store.latestFeedDate(before);
    if (!day || day < addDays(localDate, -LOOKBACK_WINDOW_DAYS)) break;
    out.push(...(await store.papersOnFeedDate(day)));
    before = addDays(day, -1);
  }
  return out;
}
