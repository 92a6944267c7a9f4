import { type DiscordDeps, DiscordPlatform } from '../../../adapters/discord/platform.ts';
import type { InboundHandlers } from '../../../src/chat/platform.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord-gateway.ts';

/**
 * The Discord adapter alone over a fresh fake Discord, started with `handlers` (a recording of what it
 * hands the core): what the adapter's own tests drive. `deps` default to the recorded feed's day as clock.
 */
export async function platformOnFake(
  handlers: InboundHandlers,
  deps: DiscordDeps = { now: () => new Date('2024-10-25T12:00:00Z') },
): Promise<{ fake: FakeDiscord; platform: DiscordPlatform }> {
  const fake = await startFakeDiscord();
  const platform = new DiscordPlatform(
    { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, leaseMs: 30_000 },
    deps,
  );
  await platform.start(handlers);
  return { fake, platform };
}
