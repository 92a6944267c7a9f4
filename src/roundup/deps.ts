import type { ChatPlatform } from '../chat/platform.ts';
import type { Logger } from '../log.ts';
import type { PaperStore } from '../store/port.ts';
import type { RetryPolicy } from './retry-policy.ts';

/** What posting a roundup uses. */
export interface RoundupDeps {
  store: PaperStore;
  platform: ChatPlatform;
  logger: Logger;
  /** Emoji the bot seeds on each paper message so people see how to vote (its own never count). */
  seedEmoji: string | null;
  /**
   * How long a run's claim lasts unless renewed. The run renews it every third of this while it is alive,
   * so another run takes over about this long after it dies.
   */
  leaseMs: number;
  feedUnreachable: () => boolean;
  /** The clock for what posts say about time ("shared 3 weeks ago"); default the host's. */
  now?: () => Date;
  /** How failed tries are retried and when the roundup is given up; default {@link DEFAULT_RETRY}. */
  retry?: RetryPolicy;
}
