import type { Para } from './page-paragraphs.ts';

/** A card's author count, `• 4 authors` (the bullet as a browser or a markdown list writes it). */
export const AUTHORS = /^(?:[•‣*-]\s*)?(\d+)\s+authors?$/i;

/** Whether a paragraph holds a card's meta block: the lone `·`, or an author count opening it. */
export function isMetaPara(p: Para): boolean {
  return p.lines.includes('·') || AUTHORS.test(p.lines[0] ?? '');
}
