import { emojiGlyph, KEYCAPS } from '../chat/emoji.ts';
import type { ChatPlatform, Reply } from '../chat/platform.ts';
import type { Logger } from '../log.ts';
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
/** The ledger marks the header message with this pseudo paper id, so a resumed roundup never reposts it. */
const HEADER = '#header';

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

export interface RoundupDeps {
  store: PaperStore;
  platform: ChatPlatform;
  logger: Logger;
  /** Emoji the bot seeds on each paper message so people see how to vote (its own never count). */
  seedEmoji: string | null;
  /** A claim older than this is taken to be from a crashed run and may be resumed. */
  staleClaimMs: number;
  feedUnreachable: () => boolean;
}

export type RoundupOutcome = 'posted' | 'empty' | 'already-done' | 'claimed-elsewhere';

/**
 * Posts a channel's roundup for a local date exactly once: claims it in the ledger first, posts the header
 * and one message per paper (or one digest message), recording each message as it goes, and marks it done.
 * A run that crashed part-way is resumed by the next claimant, skipping what the ledger says was posted.
 * If posting fails part-way the claim stays `claimed`; once it is stale, the next run resumes it.
 */
export async function postRoundup(
  deps: RoundupDeps,
  settings: ChannelSettings,
  localDate: string,
  claimant: string,
): Promise<RoundupOutcome> {
  const { store, platform, logger } = deps;
  const channel = settings.channel;
  if (!(await store.claimRoundup(channel, localDate, claimant, deps.staleClaimMs))) {
    const record = await store.getRoundup(channel, localDate);
    return record && record.state !== 'claimed' ? 'already-done' : 'claimed-elsewhere';
  }
  const record = await store.getRoundup(channel, localDate);
  const done = new Map((record?.items ?? []).map((i) => [i.paperId, i.message]));
  // A resumed roundup keeps the papers it already posted (even if fresh votes reranked them) and fills
  // only the remaining places, so it never grows past its size.
  const shown = await store.papersPostedIn(channel);
  for (const id of done.keys()) shown.delete(id);
  const plan = planRoundup({
    settings: { ...settings, size: Number.POSITIVE_INFINITY },
    localDate,
    candidates: await roundupCandidates(store, localDate),
    alreadyShown: shown,
    feedUnreachable: deps.feedUnreachable(),
  });

  if (plan.kind === 'empty') {
    if (!done.has(HEADER)) {
      const message = await platform.post(channel, {
        visibility: 'channel',
        text: emptyMessage(plan.reason, localDate),
      });
      await store.recordRoundupItem(channel, localDate, HEADER, message);
    }
    await store.finishRoundup(channel, localDate, 'empty', plan.reason);
    logger.info({ channel, localDate, reason: plan.reason }, 'empty roundup');
    return 'empty';
  }

  const posted = plan.ranked.filter((r) => done.has(r.paper.id));
  const open = Math.max(0, settings.size - posted.length);
  const keep = new Set([...posted, ...plan.ranked.filter((r) => !done.has(r.paper.id)).slice(0, open)]);
  const papers = plan.ranked.filter((r) => keep.has(r));
  if (settings.mode === 'digest') {
    await postDigest(deps, settings, localDate, papers, done);
  } else {
    if (!done.has(HEADER)) {
      const header: Reply = {
        visibility: 'channel',
        title: `Paper roundup for ${localDate}`,
        text: `${papers.length} paper${papers.length === 1 ? '' : 's'} picked for this channel. React with ${emojiGlyph(deps.seedEmoji ?? '+1')} on the ones you like: votes shape tomorrow's picks and /papers top.`,
      };
      const message = await platform.post(channel, header);
      await store.recordPost({
        message,
        channel,
        paperId: null,
        kind: 'roundup-header',
        postedBy: null,
        postedAt: new Date().toISOString(),
      });
      await store.recordRoundupItem(channel, localDate, HEADER, message);
    }
    for (const [i, r] of papers.entries()) {
      if (done.has(r.paper.id)) continue;
      const message = await platform.post(channel, {
        visibility: 'channel',
        papers: [{ paper: r.paper, rank: i + 1 }],
      });
      // Recorded right after the post: a crash between the two is the one window where a paper may repeat.
      await store.recordPost({
        message,
        channel,
        paperId: r.paper.id,
        kind: 'roundup',
        postedBy: null,
        postedAt: new Date().toISOString(),
      });
      await store.recordRoundupItem(channel, localDate, r.paper.id, message);
      if (deps.seedEmoji) await seed(deps, message, deps.seedEmoji);
    }
  }
  await store.finishRoundup(channel, localDate, 'posted');
  logger.info({ channel, localDate, papers: papers.length }, 'roundup posted');
  return 'posted';
}

/** Digest mode: one message listing the papers; keycap reactions 1️⃣–🔟 vote for the paper at that place. */
async function postDigest(
  deps: RoundupDeps,
  settings: ChannelSettings,
  localDate: string,
  papers: Ranked[],
  done: Map<string, string>,
): Promise<void> {
  if (done.has(HEADER)) return;
  const { store, platform } = deps;
  const list = papers.slice(0, KEYCAPS.length);
  const message = await platform.post(settings.channel, {
    visibility: 'channel',
    title: `Paper roundup for ${localDate}`,
    text: 'React with the number of a paper to vote for it.',
    papers: list.map((r, i) => ({ paper: r.paper, rank: i + 1 })),
  });
  await store.recordPost({
    message,
    channel: settings.channel,
    paperId: null,
    kind: 'roundup-header',
    postedBy: null,
    postedAt: new Date().toISOString(),
  });
  for (const [i, r] of list.entries()) {
    // Each place in the digest is its own vote target: `<message>#<n>` maps keycap n to its paper.
    await store.recordPost({
      message: `${message}#${i + 1}`,
      channel: settings.channel,
      paperId: r.paper.id,
      kind: 'roundup',
      postedBy: null,
      postedAt: new Date().toISOString(),
    });
    await store.recordRoundupItem(settings.channel, localDate, r.paper.id, message);
  }
  // The header item last: a run that crashed before it reposts the digest rather than leaving its places
  // without vote targets.
  await store.recordRoundupItem(settings.channel, localDate, HEADER, message);
  if (deps.seedEmoji) for (const [i] of list.entries()) await seed(deps, message, KEYCAPS[i]!);
}

async function seed(deps: RoundupDeps, message: string, emoji: string): Promise<void> {
  try {
    await deps.platform.react(message, emoji);
  } catch (error) {
    // Seeding is a hint for people; a failure must not stop the roundup.
    deps.logger.warn({ err: error, message }, 'could not seed the upvote reaction');
  }
}
