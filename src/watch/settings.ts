import type { UserRef } from '../store/port.ts';
import { WATCHER_DEFAULTS, type WatcherSettings } from '../store/watch-port.ts';

/** A person's delivery settings before they change any: instant, not paused. */
export function defaultWatcher(owner: UserRef, now: Date): WatcherSettings {
  return { owner, ...WATCHER_DEFAULTS, updatedAt: now.toISOString() };
}
