import { realPapers } from '../synthetic.ts';

/** What one slash command of the soak asks for. */
export type CommandKind = 'search' | 'today' | 'top' | 'share';

/** The command mix, as shares of all commands. */
export const COMMAND_MIX: readonly { kind: CommandKind; share: number }[] = [
  { kind: 'search', share: 0.75 },
  { kind: 'today', share: 0.1 },
  { kind: 'top', share: 0.1 },
  { kind: 'share', share: 0.05 },
];

/** Picks a command kind by {@link COMMAND_MIX}. */
export function pickKind(random: () => number): CommandKind {
  let r = random();
  for (const { kind, share } of COMMAND_MIX) {
    r -= share;
    if (r < 0) return kind;
  }
  return 'search';
}

/**
 * Varied search texts built from the words of the real titles the archive is recombined from: one to three
 * words (mostly), quoted phrases, exclusions, and now and then words no paper has (the any-mode fallback).
 */
export function searchTexts(random: () => number): () => string {
  const titles = realPapers().map((p) => p.title.toLowerCase());
  const words = [...new Set(titles.flatMap((t) => t.match(/[a-z][a-z-]{3,}/g) ?? []))].filter(
    (w) => !['with', 'from', 'that', 'this', 'into', 'over'].includes(w),
  );
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  return () => {
    const r = random();
    if (r < 0.15) {
      const title = pick(titles).split(/\s+/);
      const at = Math.floor(random() * Math.max(1, title.length - 1));
      return `"${title.slice(at, at + 2).join(' ')}"`;
    }
    if (r < 0.2) return `${pick(words)} ${pick(words)} -${pick(words)}`;
    if (r < 0.25) return `zyxq${Math.floor(random() * 1000)} ${pick(words)}`;
    const n = 1 + Math.floor(random() * 3);
    return Array.from({ length: n }, () => pick(words)).join(' ');
  };
}
