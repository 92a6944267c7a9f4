import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../adapters/discord/register.ts';
import type { DiscordConfig } from '../../../adapters/discord/settings.ts';
import type { CommandDefinition } from '../../../commands/types.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord-gateway.ts';

const def = (name: string, description = `The ${name} command`): CommandDefinition => ({
  name,
  description,
  options: [],
  run: async () => ({ visibility: 'ephemeral', text: name }),
});

let fake: FakeDiscord;
let dir: string;
let config: DiscordConfig;
beforeAll(async () => {
  fake = await startFakeDiscord();
  dir = mkdtempSync(join(tmpdir(), 'paperboy-register-'));
  config = { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, leaseMs: 30_000 };
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const puts = () => fake.calls.filter((c) => c.method === 'PUT' && c.route.startsWith('/applications/'));

describe('registerCommands', () => {
  it('registers in a guild, skips when unchanged, registers again after a change', async () => {
    const statePath = join(dir, 'nested', 'discord-commands.json');
    const first = await registerCommands(config, {
      commands: [def('help')],
      guildId: fake.guildId,
      statePath,
    });
    expect(first).toMatchObject({ status: 'registered', scope: `guild:${fake.guildId}` });
    expect(puts().map((c) => c.route)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    ]);
    expect(puts()[0]?.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(puts()[0]?.body).toMatchObject([{ name: 'papers', options: [{ name: 'help' }] }]);

    const again = await registerCommands(config, {
      commands: [def('help')],
      guildId: fake.guildId,
      statePath,
    });
    expect(again).toEqual({ ...first, status: 'unchanged' });
    expect(puts()).toHaveLength(1);

    const changed = await registerCommands(config, {
      commands: [def('help', 'Changed')],
      guildId: fake.guildId,
      statePath,
    });
    expect(changed.status).toBe('registered');
    expect(changed.hash).not.toBe(first.hash);
    expect(puts()).toHaveLength(2);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, { hash: string }>;
    expect(state[`${fake.applicationId}/guild:${fake.guildId}`]?.hash).toBe(changed.hash);
  });

  it('keeps global and guild scopes apart, and force registers anyway', async () => {
    const statePath = join(dir, 'scopes.json');
    const before = puts().length;
    await registerCommands(config, { commands: [def('help')], guildId: fake.guildId, statePath });
    const global = await registerCommands(config, { commands: [def('help')], statePath });
    expect(global.scope).toBe('global');
    expect(puts().at(-1)?.route).toBe(`/applications/${fake.applicationId}/commands`);
    await registerCommands(config, { commands: [def('help')], statePath, force: true });
    expect(puts().length - before).toBe(3);
  });

  it('does not record a failed registration, so the next run retries', async () => {
    const statePath = join(dir, 'failed.json');
    const refused = { ...config, token: 'wrong' };
    await expect(registerCommands(refused, { commands: [def('help')], statePath })).rejects.toThrow(
      /401|Unauthorized/,
    );
    const retried = await registerCommands(config, { commands: [def('help')], statePath });
    expect(retried.status).toBe('registered');
  });
});
