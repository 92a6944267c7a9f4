import type { PlatformEntry } from '../../src/chat/platform-entry.ts';
import { checkSlackEnv, SLACK_ENV, type SlackConfig, slackSettings } from './settings.ts';

/**
 * Slack in the platform list. HTTP mode mounts `/slack/events` on the application's server; Socket Mode
 * (SLACK_APP_TOKEN) connects out and mounts nothing. Several instances may serve Slack at once: Slack
 * delivers each request to one of them.
 */
export const slackEntry = {
  name: 'slack',
  title: 'Slack',
  env: SLACK_ENV,
  check: checkSlackEnv,
  settings: slackSettings,
  requires: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
  async create(settings, deps) {
    const { createSlackPlatform } = await import('./platform.ts');
    return createSlackPlatform(settings, {
      logger: deps.logger,
      ...(deps.http ? { http: deps.http } : {}),
      ...(deps.deliveries ? { deliveries: deps.deliveries } : {}),
    });
  },
} as const satisfies PlatformEntry<'slack', SlackConfig>;
