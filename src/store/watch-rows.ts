import type { Watch, WatchDelivery, WatcherSettings } from './watch-port.ts';

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
    items: items.map((i) => ({ paperId: i.paper_id, watchId: Number(i.watch_id), query: i.query })),
  };
}
