import type { StoredPaper } from './port.ts';
import type { ReadingListEntry } from './reading-list-port.ts';

/** One person's earliest pin of a paper in a channel, as both stores read it. */
export interface PinRow {
  channel: string;
  paper_id: string;
  user_ref: string;
  at: string;
}

/** A save has no message; stored as '' so that it can be part of the primary key (PostgreSQL has no NULL there). */
export const SAVED_VIA = '';

/**
 * The lists of `channels` from their pin rows (one per channel, paper and person), each newest first by
 * when the paper was first pinned (then paper id), at most `limit` a channel; channels in the order given.
 * Papers the archive no longer has are left out.
 */
export function groupPins(
  channels: readonly string[],
  rows: readonly PinRow[],
  papers: ReadonlyMap<string, StoredPaper>,
  limit: number,
): ReadingListEntry[] {
  const byChannel = new Map<string, Map<string, { user: string; at: string }[]>>();
  for (const r of rows) {
    let list = byChannel.get(r.channel);
    if (!list) {
      list = new Map();
      byChannel.set(r.channel, list);
    }
    const pins = list.get(r.paper_id) ?? [];
    pins.push({ user: r.user_ref, at: r.at });
    list.set(r.paper_id, pins);
  }
  const out: ReadingListEntry[] = [];
  for (const channel of new Set(channels)) {
    const entries: ReadingListEntry[] = [];
    for (const [paperId, pins] of byChannel.get(channel) ?? []) {
      const paper = papers.get(paperId);
      if (!paper) continue;
      const pinnedBy = [...pins].sort((a, b) => a.at.localeCompare(b.at) || a.user.localeCompare(b.user));
      entries.push({ channel, paper, addedAt: pinnedBy[0]?.at ?? '', pinnedBy });
    }
    entries.sort((a, b) => b.addedAt.localeCompare(a.addedAt) || a.paper.id.localeCompare(b.paper.id));
    out.push(...entries.slice(0, limit));
  }
  return out;
}
