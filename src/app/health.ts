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
}

export interface HealthSources {
  store: PaperStore;
  platforms: () => readonly ChatPlatform[];
  lastIngestion: () => { at: Date; ok: boolean; error: string | null } | null;
}

/** Builds the report; a database check that fails or takes over 2 s counts as unreachable. */
export async function healthReport(sources: HealthSources): Promise<HealthReport> {
  const database = await Promise.race([
    sources.store.countPapers().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
  ]);
  const platforms: HealthReport['platforms'] = {};
  for (const p of sources.platforms()) platforms[p.name] = p.active === false ? 'standby' : 'connected';
  const last = sources.lastIngestion();
  return {
    status: database ? 'ok' : 'unavailable',
    database,
    platforms,
    lastIngestion: last ? { at: last.at.toISOString(), ok: last.ok, error: last.error } : null,
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
