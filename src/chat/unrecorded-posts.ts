import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.ts';
import type { PostRecord, StoreUnavailableError } from '../store/port.ts';
import { RetryLater, type RetryTimers } from './retry-later.ts';

/** How long a message whose links the archive refused makes votes on it wait (Slack's last retry: 5 min). */
const LINKS_REFUSED_MS = 10 * 60_000;
/** Such messages remembered at most; the oldest goes first. */
const MAX_LINKS_REFUSED = 10_000;

/**
 * Messages that show a paper but that the archive has not recorded yet, because it was locked or
 * unreachable when it should have: a share the bot posted (recorded later here, tried again as held
 * Discord events are), or a person's link (sent again by Slack, held by the Discord adapter). A vote on
 * such a message must not find "no post" and be dropped: the bot fails it as the archive failed the post
 * (waitingFor), so it is sent again or held too, and counts once the post is there.
 */
export class UnrecordedPosts {
  /** Posts out but not yet recorded, by message, with why the archive refused them. */
  private readonly posts = new Map<string, StoreUnavailableError>();
  private readonly links = new Map<string, { error: StoreUnavailableError; until: number }>();
  private readonly later: RetryLater;

  constructor(deps: { logger: Logger; timers?: RetryTimers | undefined }) {
    this.later = new RetryLater({
      timers: deps.timers,
      onLost: (message, what, error) =>
        deps.logger.error({ err: error, message }, `${what}: not recorded; its reactions will not count`),
    });
  }

  /** Records `post` once the archive takes it; until then votes on it wait (waitingFor). */
  recordLater(post: PostRecord, error: StoreUnavailableError, record: () => Promise<void>): void {
    this.posts.set(post.message, error);
    void this.later.submit(post.message, 'A shared post', record).then(() => this.posts.delete(post.message));
  }

  /** A message's links the archive refused: the platform sends them again (Slack) or holds them (Discord). */
  linksRefused(message: string, error: StoreUnavailableError): void {
    if (this.links.size >= MAX_LINKS_REFUSED) this.links.delete(this.links.keys().next().value as string);
    this.links.set(message, { error, until: performance.now() + LINKS_REFUSED_MS });
  }

  /** A message's links were handled. */
  linksHandled(message: string): void {
    this.links.delete(message);
  }

  /** Why a vote on `message` must wait for the archive to record it, or null when it need not. */
  waitingFor(message: string): StoreUnavailableError | null {
    const post = this.posts.get(message);
    if (post) return post;
    const refused = this.links.get(message);
    if (!refused) return null;
    if (performance.now() < refused.until) return refused.error;
    this.links.delete(message);
    return null;
  }

  /** Gives up posts still waiting to be recorded (each logged): the process is stopping. */
  stop(): void {
    this.later.close();
  }
}
