/** Wrong arguments or settings for a command-line action: exit code 2 and one sentence on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}
