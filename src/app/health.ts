import type { ServerResponse } from 'node:http';
import type { ChatPlatform } from '../chat/platform.ts';
import type { HttpRoutes } from '../http/server.ts';
import type { PaperStore } from '../store/port.ts';

/** What `GET /healthz` reports, for a load balancer and for people. */
export interface HealthReport {
  /** `ok` when the database answers; `unavailable` otherwise (HTTP 503). */
  status: 'ok' | 'unavailable';
  database: boolean;
  /** Each platform: connected here, or held by another instance (`standby`). */
  platforms: Record<string, 'connected' | 'standby'>;
  lastIngestion: { at: string; ok: boolean; error: string | null } | null;
  /**
   * Events this process received and holds because the archive could not take them (Discord's reactions,
   * clears, replies and links while SQLite is locked or PostgreSQL restarting): tried again, and written
   * down for the next start. Above 0 for long means the archive stays unavailable.
   */
  heldForArchive: number;
  /**
   * Roundups given up after their tries failed, for local dates in the last week, newest first: a channel
   * the bot was removed from, or that was archived, shows here until a roundup there works again.
   */
  failedRoundups: {
    channel: string;
    localDate: string;
    failures: number;
    error: string | null;
    at: string | null;
  }[];
}

/** How many days back /healthz lists failed roundups, and at most how many. */
const FAILED_DAYS = 7;
const FAILED_LIMIT = 50;

export interface HealthSources {
  store: PaperStore;
  platforms: () => readonly ChatPlatform[];
  lastIngestion: () => { at: Date; ok: boolean; error: string | null } | null;
  /** How many events wait for the archive in this process (held-replay.ts); none when absent. */
  heldForArchive?: () => number;
  now?: () => Date;
}

/** `work`'s result, or `fallback` when it fails or takes over 2 s. */
function within2s<T>(work: Promise<T>, fallback: T): Promise<T> {
  return Promise.race([
    work.catch(() => fallback),
    new Promise<T>((resolve) => setTimeout(() => resolve(fallback), 2000).unref()),
  ]);
}

/**
 * Builds the report; a database check that fails or takes over 2 s counts as unreachable. Failed roundups
 * are a matter for people, not the load balancer: they never turn the status to `unavailable`.
 */
export async function healthReport(sources: HealthSources): Promise<HealthReport> {
  const database = await within2s(
    sources.store.countPapers().then(() => true),
    false,
  );
  const now = (sources.now ?? (() => new Date()))();
  const since = new Date(now.getTime() - FAILED_DAYS * 86_400_000).toISOString().slice(0, 10);
  const failed = database
    ? await within2s(sources.store.failedRoundups({ sinceLocalDate: since, limit: FAILED_LIMIT }), [])
    : [];
  const platforms: HealthReport['platforms'] = {};
  for (const p of sources.platforms()) platforms[p.name] = p.active === false ? 'standby' : 'connected';
  const last = sources.lastIngestion();
  return {
    status: database ? 'ok' : 'unavailable',
    database,
    platforms,
    lastIngestion: last ? { at: last.at.toISOString(), ok: last.ok, error: last.error } : null,
    heldForArchive: sources.heldForArchive?.() ?? 0,
    failedRoundups: failed.map((r) => ({
      channel: r.channel,
      localDate: r.localDate,
      failures: r.failures,
      error: r.lastError,
      at: r.finishedAt,
    })),
  };
}

/** Answers one `/healthz` request with the report as JSON (200, or 503 when the database is unreachable). */
export async function answerHealth(sources: HealthSources, res: ServerResponse): Promise<void> {
  const report = await healthReport(sources);
  res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify(report));
}

/** Mounts `GET /healthz` on the application's server. */
export function mountHealth(http: HttpRoutes, sources: HealthSources): void {
  http.route('GET', '/healthz', (_req, res) => answerHealth(sources, res));
}
