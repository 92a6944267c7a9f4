import { createHash } from 'node:crypto';

/** Discord refuses a nonce longer than this. */
const MAX_NONCE = 25;

/**
 * The nonce for an idempotency key: the key itself when it fits, else a digest of it that does, so that a
 * long key still maps to one nonce every time.
 */
export function discordNonce(key: string): string {
  if (key.length <= MAX_NONCE) return key;
  return createHash('sha256').update(key).digest('base64url').slice(0, MAX_NONCE);
}
