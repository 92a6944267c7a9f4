import {
  WATCHER_DEFAULTS,
  type Watch,
  type WatchDelivery,
  type WatcherPatch,
  type WatcherSettings,
} from './watch-port.ts';

/** Row shapes of the watch tables, shared by both stores. */
export interface WatchRow {
  id: number | string;
  owner: string;
  query: string;
  channel: string;
  created_at: string;
}

export interface WatcherRow {
  owner: string;
  mode: string;
  time: string;
  timezone: string;
  paused: number | boolean;
  paused_reason: string | null;
  dm_channel: string | null;
  updated_at: string;
}

export interface DeliveryRow {
  id: number | string;
  owner: string;
  state: string;
  claimed_by: string;
  lease_until: string | null;
  idem_key: string;
  planned_at: string;
  local_date: string | null;
  message: string | null;
  attempts: number | string;
  retry_at: string | null;
}

export interface MatchItemRow {
  paper_id: string;
  watch_id: number | string;
  query: string;
}

export function rowToWatch(r: WatchRow): Watch {
  return { id: Number(r.id), owner: r.owner, query: r.query, channel: r.channel, createdAt: r.created_at };
}

export function rowToWatcher(r: WatcherRow): WatcherSettings {
  return {
    owner: r.owner,
    mode: r.mode === 'daily' ? 'daily' : 'instant',
    time: r.time,
    timezone: r.timezone,
    paused: r.paused === true || r.paused === 1,
    pausedReason: r.paused_reason,
    dmChannel: r.dm_channel,
    updatedAt: r.updated_at,
  };
}

export function toDelivery(r: DeliveryRow, items: readonly MatchItemRow[], resumed: boolean): WatchDelivery {
  return {
    id: Number(r.id),
    owner: r.owner,
    key: r.idem_key,
    plannedAt: r.planned_at,
    localDate: r.local_date,
    resumed,
    attempts: Number(r.attempts),
    retryAt: r.retry_at,
    items: items.map((i) => ({ paperId: i.paper_id, watchId: Number(i.watch_id), query: i.query })),
  };
}

/** The `watchers` column of each field a patch may set. */
const WATCHER_COLUMNS = {
  mode: 'mode',
  time: 'time',
  timezone: 'timezone',
  paused: 'paused',
  pausedReason: 'paused_reason',
  dmChannel: 'dm_channel',
} as const satisfies Record<keyof WatcherPatch, string>;

/**
 * What an upsert of `patch` needs: the row a person without settings gets (defaults, then the patch) and
 * the columns the patch sets, which alone an existing row's update may touch.
 */
export function watcherPatch(
  owner: string,
  patch: WatcherPatch,
  at: string,
): { row: WatcherSettings; columns: string[] } {
  const set = (Object.keys(WATCHER_COLUMNS) as (keyof WatcherPatch)[]).filter((k) => patch[k] !== undefined);
  const row: WatcherSettings = { owner, ...WATCHER_DEFAULTS, updatedAt: at };
  for (const k of set) Object.assign(row, { [k]: patch[k] });
  return { row, columns: [...set.map((k) => WATCHER_COLUMNS[k]), 'updated_at'] };
}
