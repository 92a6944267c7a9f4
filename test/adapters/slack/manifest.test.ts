import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = readFileSync(new URL('../../../adapters/slack/manifest.yml', import.meta.url), 'utf8');
/** The items of the YAML list under `key:` (the lines `- item` that follow it at deeper indentation). */
function list(key: string): string[] {
  const lines = manifest.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  const indent = lines[start]?.search(/\S/) ?? 0;
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim().startsWith('#') || !line.trim()) continue;
    if (line.search(/\S/) <= indent) break;
    const m = /^\s*-\s+(\S+)/.exec(line);
    if (m?.[1]) items.push(m[1]);
  }
  return items;
}

describe('Slack app manifest', () => {
  it('declares exactly the scopes behind the Web API methods and events the adapter uses', () => {
    expect(list('bot').sort()).toEqual(
      [
        'chat:write',
        'channels:join',
        'channels:history',
        'groups:history',
        'im:write',
        'im:history',
        'files:write',
        'links:read',
        'links:write',
        'commands',
        'reactions:read',
        'reactions:write',
        'users:read',
        'channels:read',
        'groups:read',
      ].sort(),
    );
  });

  it('subscribes to the reaction, link and message events and points every request URL at /slack/events', () => {
    expect(list('bot_events')).toEqual([
      'reaction_added',
      'reaction_removed',
      'link_shared',
      'message.channels',
      'message.groups',
    ]);
    // Every site whose paper links the bot reads (src/papers/paper-reference.ts), within Slack's five.
    expect(list('unfurl_domains')).toEqual(['arxiv.org', 'huggingface.co', 'hf.co', 'alphaxiv.org']);
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls).toEqual(Array(3).fill('https://YOUR-HOST/slack/events'));
  });

  it('defines /papers with a usage hint, interactivity on, Socket Mode off by default', () => {
    expect(manifest).toMatch(/- command: \/papers\n\s+url: /);
    expect(manifest).toMatch(/usage_hint: ".+"/);
    expect(manifest).toMatch(/interactivity:\n(?:\s+#.*\n)?\s+is_enabled: true/);
    expect(manifest).toMatch(/socket_mode_enabled: false/);
    expect(manifest).not.toMatch(/\t/);
  });
});
