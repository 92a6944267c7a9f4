import type { AnyPlatformEntry } from '../../adapters/index.ts';
import { LeasedPlatform } from '../chat/leased-platform.ts';
import type { ChatPlatform } from '../chat/platform.ts';
import type { PlatformDeps } from '../chat/platform-entry.ts';
import type { PaperStore } from '../store/port.ts';
import { type Config, settingsFor } from './config.ts';

/**
 * Builds the platform of `entry` from its settings in `config`. A platform that allows one connection
 * across instances is wrapped in a {@link LeasedPlatform}: it connects while `holder` holds its lease in
 * the store, and stands by otherwise. Throws a sentence naming the variables when it is not configured.
 */
export function createPlatform(
  entry: AnyPlatformEntry,
  config: Config,
  deps: PlatformDeps & { store: PaperStore; holder: string },
): ChatPlatform | Promise<ChatPlatform> {
  const settings = settingsFor(config, entry);
  if (entry.settings && settings === undefined) {
    throw new Error(`${entry.title} is not configured: set ${(entry.requires ?? []).join(' and ')}.`);
  }
  const single = entry.singleConnection?.(settings);
  // Deliveries are handled once across the instances sharing the store.
  const withDeliveries = { ...deps, deliveries: deps.store };
  if (!single) return entry.create(settings, withDeliveries);
  return new LeasedPlatform(entry.name, () => entry.create(settings, withDeliveries), {
    store: deps.store,
    holder: deps.holder,
    ttlMs: single.leaseMs,
    logger: deps.logger,
  });
}
