import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordPlatform } from '../../../adapters/discord/platform.ts';
import { createLogger } from '../../../src/log.ts';
import type { FakeDiscord } from '../../fakes/discord-gateway.ts';
import { Recorder, recordingHandlers } from '../../fakes/recording-handlers.ts';
import { platformOnFake } from './platform-on-fake.ts';

/**
 * A gateway close Discord does not let a bot resume or reconnect from, after the bot was up: discord.js
 * stops for good, and the operator must hear of it, in words that say what to fix.
 */
interface LogLine {
  level: number;
  msg: string;
  code?: number;
}
const ERROR = 50;

let fake: FakeDiscord | undefined;
let platform: DiscordPlatform | undefined;
afterEach(async () => {
  await platform?.stop();
  await fake?.close();
});

async function running(logs: Recorder<LogLine>): Promise<FakeDiscord> {
  const logger = createLogger('info', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  const started = await platformOnFake(recordingHandlers().handlers, { logger });
  ({ fake, platform } = started);
  return started.fake;
}

describe('Discord closing the gateway for good while the bot runs', () => {
  it('GIVEN the token is reset (4004) THEN an error says paperboy is offline on Discord and to check DISCORD_TOKEN', async () => {
    const logs = new Recorder<LogLine>();
    const discord = await running(logs);
    discord.closeWith(4004, 'Authentication failed.');
    const line = await logs.waitFor((l) => l.level === ERROR, 'an error logged');
    expect(line.code).toBe(4004);
    expect(line.msg).toMatch(/offline on Discord until restarted.*DISCORD_TOKEN/);
  });

  it('GIVEN Message Content is no longer allowed (4014) THEN the error names the intent to enable or turn off', async () => {
    const logs = new Recorder<LogLine>();
    const discord = await running(logs);
    discord.closeWith(4014, 'Disallowed intent(s).');
    const line = await logs.waitFor((l) => l.level === ERROR, 'an error logged');
    expect(line.code).toBe(4014);
    expect(line.msg).toMatch(/Message Content Intent.*DISCORD_MESSAGE_CONTENT=false/);
  });
});
