import type { Logger } from '../log.ts';
import type { ChannelRef, PaperAct, PaperStore } from '../store/port.ts';

/**
 * How long after a share of a paper in a channel another share of it there answers with that one instead
 * of posting the paper again. Long enough for a Share button pressed twice, or a colleague sharing what
 * someone posted over coffee; a share after it posts again, since bringing a paper up once more is the
 * person's call.
 */
export const RESHARE_AFTER_MS = 60 * 60_000;

/** A recent share that makes another one unnecessary, and how long ago it was, in words. */
export interface RecentShare {
  act: PaperAct;
  ago: string;
}

/** "just now", "1 minute ago", "25 minutes ago". */
function minutesAgo(at: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - Date.parse(at)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return 'just now';
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
}

/**
 * Keeps one paper from being posted twice in a channel by shares moments apart: a Share button pressed
 * twice (each press is an interaction of its own), or `/papers share` of a paper someone has just shared or
 * linked. Shares of one paper in one channel run one at a time in this process, so two presses arriving
 * together cannot both find none; instances sharing an archive each check it, which leaves only presses
 * landing on two instances within the same moment.
 */
export class ShareGate {
  readonly #running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Pick<PaperStore, 'activityOf'>,
    private readonly now: () => Date,
    private readonly logger: Logger,
  ) {}

  /**
   * `share()`, unless the paper was shared in `channel` in the last RESHARE_AFTER_MS: then `already()` with
   * that share. When the archive cannot say, the share goes ahead: a second post is better than none.
   */
  async once<T>(
    channel: ChannelRef,
    paperId: string,
    share: () => Promise<T>,
    already: (recent: RecentShare) => T,
  ): Promise<T> {
    const key = `${channel}\n${paperId}`;
    const before = this.#running.get(key) ?? Promise.resolve();
    const run = before
      .catch(() => undefined)
      .then(async () => {
        const recent = await this.#recent(channel, paperId);
        return recent ? already(recent) : share();
      });
    this.#running.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#running.get(key) === run) this.#running.delete(key);
    }
  }

  async #recent(channel: ChannelRef, paperId: string): Promise<RecentShare | null> {
    try {
      const activity = (await this.store.activityOf([paperId])).get(paperId);
      const now = this.now();
      const since = now.getTime() - RESHARE_AFTER_MS;
      const act = activity?.shares.filter((s) => s.channel === channel && Date.parse(s.at) >= since).at(-1);
      return act ? { act, ago: minutesAgo(act.at, now) } : null;
    } catch (error) {
      this.logger.warn({ err: error, channel, paperId }, 'could not check for a recent share; sharing');
      return null;
    }
  }
}
