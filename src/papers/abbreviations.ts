import { stemTokens } from './text-match.ts';

/** An abbreviation a text defines, e.g. `large language models (LLMs)`. */
export interface AbbreviationPair {
  /** The short form as a search token: lowercase, a plural `s` dropped (`LLMs` → `llm`). */
  short: string;
  /** The long form as written, lowercased, whitespace collapsed (`large language models`). */
  long: string;
  /** The long form's Porter stems joined by spaces (`larg languag model`): the key plural and case share. */
  longKey: string;
}

/** Words that may sit inside a long form without giving a letter (`chain of thought` → CoT or CT). */
const LINKING = new Set([
  'of',
  'the',
  'and',
  'for',
  'in',
  'on',
  'to',
  'with',
  'a',
  'an',
  'from',
  'by',
  'via',
]);

/**
 * A parenthesised short form: a letter, then letters or hyphens, at most 10 characters, with at least two
 * capitals (`LLMs`, `ViT`, `RL`, `LoRA`, `RLHF`), so `(i)`, `(Fig. 2)`, `(85.1%)` or `(ours)` are not.
 */
const SHORT = /^[A-Za-z][A-Za-z-]{1,9}$/;

/**
 * The (short, long) pairs a text defines in the form `long form (SF)`, after Schwartz and Hearst (2003):
 * the long form is the fewest words just before the parenthesis whose letters spell the short form, with
 * stricter rules that keep precision high on abstracts:
 * - every word of the long form (its hyphenated parts counted as words: `retrieval-augmented generation`
 *   → RAG) gives the short form its initial, except linking words (`of`, `from`, …), which may give theirs
 *   or none; the first word of the long form gives the first letter;
 * - further letters of the short form may come from inside the word that gave the previous one, in order
 *   (`Vision Transformer` → ViT, `Low-Rank Adaptation` → LoRA, `autoencoder` → AE);
 * - a plural `s` after a capital is not a letter to spell (`LLMs`, `SAEs`);
 * - the long form stays inside its clause: it never crosses `.`, `,`, `;`, `:` or another parenthesis.
 * Pure; each pair once per text.
 */
export function extractAbbreviations(text: string): AbbreviationPair[] {
  const out = new Map<string, AbbreviationPair>();
  for (const m of text.matchAll(/\(([^()]{2,12})\)/g)) {
    const inside = (m[1] ?? '').trim();
    if (!SHORT.test(inside) || (inside.match(/[A-Z]/g)?.length ?? 0) < 2) continue;
    const letters = singular(inside).replaceAll('-', '');
    const before = text.slice(0, m.index ?? 0);
    const clause = before.slice(Math.max(...[...'.,;:()[]'].map((c) => before.lastIndexOf(c))) + 1);
    const words = clause.trim().split(/\s+/).filter(Boolean);
    const long = longFormFor(letters, words.slice(-Math.min(letters.length + 5, letters.length * 2)));
    if (!long) continue;
    const pair: AbbreviationPair = {
      short: letters.toLowerCase(),
      long: long.toLowerCase(),
      longKey: stemTokens(long).join(' '),
    };
    out.set(`${pair.short}\u0000${pair.longKey}`, pair);
  }
  return [...out.values()];
}

/** `LLMs` → `LLM`, `SAEs` → `SAE`; `MoE` and `Pass` stay. */
function singular(short: string): string {
  return /[A-Z]s$/.test(short) ? short.slice(0, -1) : short;
}

/** The shortest run of words ending the window that spells `letters`, as written; null when none does. */
function longFormFor(letters: string, window: readonly string[]): string | null {
  for (let start = window.length - 1; start >= 0; start--) {
    const words = window.slice(start);
    // Marks around words (`Difference~(TD)`, quotes) are not part of the long form.
    const clean = words.map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
    const parts = clean.flatMap((w) => w.split('-'));
    if (parts.some((p) => !/^[\p{L}\p{N}]+$/u.test(p))) continue;
    if (spells(letters.toLowerCase(), 0, parts, 0)) return clean.join(' ');
  }
  return null;
}

/**
 * Whether `parts[p..]` spell `letters[i..]`: each part gives its initial and then, optionally, further
 * letters found in order inside it; a linking word may give nothing. Backtracks over how many letters each
 * part gives (short forms are at most 10 letters, so this stays small).
 */
function spells(letters: string, i: number, parts: readonly string[], p: number): boolean {
  if (p === parts.length) return i === letters.length;
  const part = (parts[p] ?? '').toLowerCase();
  // A linking word may give no letter, except the first word, which starts the short form.
  if (p > 0 && LINKING.has(part) && spells(letters, i, parts, p + 1)) return true;
  if (i >= letters.length || part[0] !== letters[i]) return false;
  // Try the part giving 1, 2, … letters: its initial, then letters found in order after it.
  let at = 0;
  for (let j = i + 1; ; j++) {
    if (spells(letters, j, parts, p + 1)) return true;
    if (j >= letters.length) return false;
    const next = part.indexOf(letters[j] ?? '', at + 1);
    if (next < 0) return false;
    at = next;
  }
}
