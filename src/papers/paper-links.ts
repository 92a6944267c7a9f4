import { normalizeArxivId } from './paper.ts';

/** The sites whose paper pages paperboy recognises in a link: arXiv (abs, pdf, html) and Hugging Face. */
const PAPER_LINK =
  /^https?:\/\/(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co)\/(?:abs|pdf|html|papers)\//i;

/** Links looked at in one message: a message with more is a list, not a share, and each costs a lookup. */
export const MAX_LINKS_PER_MESSAGE = 5;

/**
 * The versionless arXiv id a link points at, or null when it is no paper page: `https://arxiv.org/abs/2410.17243v2`,
 * `arxiv.org/pdf/2410.17243.pdf`, `https://huggingface.co/papers/2410.17243#community`. A bare id is no link.
 */
export function paperIdOfLink(url: string): string | null {
  const trimmed = url.trim();
  if (!PAPER_LINK.test(trimmed)) return null;
  return normalizeArxivId(trimmed);
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
