import { readPaperLink } from './paper-reference.ts';

/** Links looked at in one message: a message with more is a list, not a share, and each costs a lookup. */
export const MAX_LINKS_PER_MESSAGE = 5;

/**
 * The versionless arXiv id a link points at, or null when it is no paper page or names an id no paper can
 * have: `https://arxiv.org/abs/2410.17243v2`, `https://arxiv.org/pdf/2410.17243.pdf`,
 * `https://huggingface.co/papers/2410.17243#community`, `https://www.alphaxiv.org/abs/2410.17243` (every
 * site src/papers/paper-reference.ts knows). A bare id is no link.
 */
export function paperIdOfLink(url: string): string | null {
  const link = readPaperLink(url);
  return link && link.problem === null ? link.id : null;
}

/**
 * The paper links in a message's text, in order, each URL once, at most {@link MAX_LINKS_PER_MESSAGE}.
 * Understands Discord's `<https://…>` (a link posted without its preview) and Markdown's `[label](https://…)`.
 */
export function paperLinksIn(text: string): string[] {
  const found: string[] = [];
  // A URL runs to whitespace or to a character that closes the syntax around it.
  for (const match of text.matchAll(/https?:\/\/[^\s<>()[\]"'`|]+/gi)) {
    const url = match[0].replace(/[.,;:!?]+$/, '');
    if (paperIdOfLink(url) === null || found.includes(url)) continue;
    found.push(url);
    if (found.length === MAX_LINKS_PER_MESSAGE) break;
  }
  return found;
}
