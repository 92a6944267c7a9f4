import type { Para } from './page-paragraphs.ts';

/** A card's author count, `• 4 authors` (the bullet as a browser or a markdown list writes it). */
export const AUTHORS = /^(?:[•‣*-]\s*)?(\d+)\s+authors?$/i;

/**
 * Whether a paragraph holds a card's meta block: the lone `·`, or an author count opening it, or closing it
 * (above the `GitHub` button at most) where a copy left out the dot.
 */
export function isMetaPara(p: Para): boolean {
  const n = p.lines.length;
  return (
    p.lines.includes('·') ||
    AUTHORS.test(p.lines[0] ?? '') ||
    AUTHORS.test(p.lines[n - 1] ?? '') ||
    (n >= 2 && AUTHORS.test(p.lines[n - 2] as string) && /GitHub\s+\d/.test(p.lines[n - 1] as string))
  );
}
