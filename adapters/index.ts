import type { PlatformEntry } from '../src/chat/platform-entry.ts';
import { consoleEntry } from './console/entry.ts';
import { discordEntry } from './discord/entry.ts';
import { slackEntry } from './slack/entry.ts';

/**
 * Every chat platform paperboy can run on. The application reads each one's settings, creates, leases
 * and starts them by looping over this list, so adding a platform is its folder under adapters/ and one
 * line here. Order matters only for start-up and help texts.
 */
export const PLATFORMS = [slackEntry, discordEntry, consoleEntry] as const;

/** Any entry of {@link PLATFORMS}, with its settings type erased. */
// biome-ignore lint/suspicious/noExplicitAny: the list holds entries of different settings types.
export type AnyPlatformEntry = PlatformEntry<string, any>;

/** {@link PLATFORMS} as entries of any settings type, for code that loops over them. */
export const PLATFORM_ENTRIES: readonly AnyPlatformEntry[] = PLATFORMS;

/** The entry named `name`, or undefined. */
export function platformEntry(name: string): AnyPlatformEntry | undefined {
  return PLATFORM_ENTRIES.find((e) => e.name === name);
}
