import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import type { PostRecord } from '../store/port.ts';
import type { HeldJournal } from './held-journal.ts';
import { RetryLater, type RetryTimers } from './retry-later.ts';

/** The journal's types for what this module writes down (held-journal.ts). */
const SHARE = 'share.';
const SHARE_POST = 'share.post';

/**
 * A share waiting to be recorded as written down: the post, and which archive refused it. What one must
 * hold to be recorded: a damaged or foreign line is given up instead.
 */
const WRITTEN_SHARE = z.object({
  post: z.object({
    message: z.string().min(1),
    channel: z.string().min(1),
    paperId: z.string().nullable(),
    kind: z.enum(['share', 'search-share', 'roundup', 'roundup-header', 'feed', 'link', 'watch']),
    postedBy: z.string().nullable(),
    postedAt: z.string().min(1),
  }),
  backend: z.enum(['sqlite', 'postgres']),
});

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

  constructor(
    private readonly deps: {
      logger: Logger;
      /** Records a post in the archive. */
      record: (post: PostRecord) => Promise<void>;
      timers?: RetryTimers | undefined;
      /**
       * Where posts waiting to be recorded are written down: a process stopped before the archive came
       * back leaves them to the next, which records them (and makes votes on them wait until then).
       */
      journal?: HeldJournal | undefined;
    },
  ) {
    this.later = new RetryLater({
      timers: deps.timers,
      journal: deps.journal,
      onLost: (message, what, error) =>
        deps.logger.error({ err: error, message }, `${what}: not recorded; its reactions will not count`),
      onKept: (message, what) =>
        deps.logger.warn({ message }, `${what}: not recorded yet; written down for the next start`),
    });
    deps.journal?.watch(SHARE, (events) => {
      const runs = this.later.replay(events, (type, data) => {
        if (type !== SHARE_POST) return null;
        const { post, backend } = WRITTEN_SHARE.parse(data);
        // Votes on it are refused as the archive refused it before the restart, until it is recorded.
        this.posts.set(
          post.message,
          new StoreUnavailableError(backend, new Error('a share from before a restart is not recorded yet')),
        );
        return () => this.deps.record(post);
      });
      // A share's key is its message: it stops making votes wait once it ends, either way.
      for (const { key, run } of runs) void run.then(() => this.posts.delete(key));
    });
  }

  /** Records `post` once the archive takes it; until then votes on it wait (waitingFor). */
  recordLater(post: PostRecord, error: StoreUnavailableError): void {
    this.posts.set(post.message, error);
    const written: WrittenShare = { post, backend: error.backend };
    void this.later
      .submit(post.message, 'A shared post', () => this.deps.record(post), {
        type: SHARE_POST,
        data: written,
      })
      .then(() => this.posts.delete(post.message));
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
  stop(): Promise<void> {
    return this.later.close();
  }
}

type WrittenShare = z.infer<typeof WRITTEN_SHARE>;
