import type { UserRef } from '../store/port.ts';
import type { WatcherSettings } from '../store/watch-port.ts';

/** A person's delivery settings before they change any: instant, not paused. */
export function defaultWatcher(owner: UserRef, now: Date): WatcherSettings {
  return {
    owner,
    mode: 'instant',
    time: '09:00',
    timezone: 'UTC',
    paused: false,
    pausedReason: null,
    dmChannel: null,
    updatedAt: now.toISOString(),
  };
}
