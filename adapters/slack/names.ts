import type { webApi } from '@slack/bolt';
import type { UserRef } from '../../src/chat/platform.ts';
import type { Logger } from '../../src/log.ts';
import { slackUserId } from './mrkdwn.ts';

/**
 * Display names of Slack users, for showing voters without mentioning (and so pinging) them. Looked up with
 * users.info and cached for the life of the process. Best effort: a failed lookup leaves the user unnamed,
 * and once Slack answers `missing_scope` (an app installed without users:read) no more lookups are tried.
 */
export class UserNames {
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;
  readonly #cache = new Map<string, string>();
  readonly #admins = new Map<string, { admin: boolean; at: number }>();
  #disabled = false;

  constructor(client: webApi.WebClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
  }

  /** Records a name Slack already gave us (e.g. in a slash command), sparing a lookup. */
  remember(user: UserRef, name: string | null | undefined): void {
    if (name) this.#cache.set(user, name);
  }

  /** Names for those of `users` that are Slack users and can be named; never rejects. */
  async resolve(users: Iterable<UserRef>): Promise<Map<UserRef, string>> {
    const names = new Map<UserRef, string>();
    for (const user of new Set(users)) {
      const name = await this.#lookup(user);
      if (name) names.set(user, name);
    }
    return names;
  }

  /**
   * Whether the user is a workspace admin or owner (users.info), cached for ten minutes so a demotion takes
   * effect soon. Throws, saying why, when Slack cannot say (a failed lookup, or no users:read scope): an
   * admin is then told the check failed, not that only admins may do this.
   */
  async isWorkspaceAdmin(user: UserRef): Promise<boolean> {
    const id = slackUserId(user);
    if (!id) return false;
    const cached = this.#admins.get(id);
    if (cached && Date.now() - cached.at < 600_000) return cached.admin;
    const info = await this.#info(user, id);
    if (info) return info.admin;
    throw new Error(
      this.#disabled
        ? 'Slack did not say whether you are a workspace admin: the app lacks the users:read scope'
        : 'Slack did not say whether you are a workspace admin (users.info failed)',
    );
  }

  async #lookup(user: UserRef): Promise<string | null> {
    const cached = this.#cache.get(user);
    if (cached) return cached;
    const id = slackUserId(user);
    return id ? ((await this.#info(user, id))?.name ?? null) : null;
  }

  /** One users.info call, feeding both caches; null when Slack cannot say. */
  async #info(user: UserRef, id: string): Promise<{ name: string | null; admin: boolean } | null> {
    if (this.#disabled) return null;
    try {
      const u = (await this.#client.users.info({ user: id })).user;
      const name = u?.profile?.display_name || u?.real_name || u?.name || null;
      const admin = Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
      if (name) this.#cache.set(user, name);
      this.#admins.set(id, { admin, at: Date.now() });
      return { name, admin };
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'missing_scope') this.#disabled = true;
      this.#logger.warn(
        { err: error, user: id },
        'Slack users.info failed; the user stays unnamed and no admin',
      );
      return null;
    }
  }
}
