import { normalizeArxivId } from '../papers/paper.ts';

/*
 * What a papers page says about a card besides its title, abstract and meta block: which arXiv paper it is
 * (the title's link), its upvotes (the vote button) and its GitHub stars (the `GitHub 1.2k` button). Markdown
 * copies carry the first two as links; text copies carry only the numbers.
 */

/** The part of a paragraph these are read from (page-paragraphs.ts's Para). */
interface Lines {
  lines: string[];
  links?: string[];
  oversized?: unknown;
}

/** What the parts of one card add to its paper. */
export interface CardExtras {
  upvotes?: number | null;
  githubStars?: number;
  githubRepo?: string;
}

/**
 * The vote button: `87`, `Upvote 19`, ` [-] 1` where a copy wrote the arrow as `[-]`, and `-`, which is how the
 * site shows a paper nobody has upvoted (a copy may turn it into `–` or `—`).
 */
const COUNT = /^(?:\[-\]\s*)?(?:Upvote\s+)?(\d[\d,]*(?:\.\d+)?[kK]?|[-–—])$/;
/**
 * The repository button between a card's abstract and its meta block, or after it; some converters label
 * each link's text (`LINK: GitHub 11.3k`).
 */
const STARS = /^(?:LINK:\s*)?GitHub\s+(\d[\d,]*(?:\.\d+)?[kKmM]?)(?:\s+arXiv Page)?$/;
/** The vote button's target for a visitor who is not signed in: `/login?next=%2Fpapers%2F2412.01234`. */
const VOTE_LINK = /[?&]next=%2Fpapers%2F([^&#]+)/i;
const GITHUB_REPO = /^https?:\/\/github\.com\/[\w.-]+\/[\w.-]+\/?$/;

/** `1.2k` → 1200, `3,290` → 3290, `-` → null. */
export function parseCount(text: string): number | null {
  if (text === '-') return null;
  const m = /^(\d[\d,]*(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (!m?.[1]) return null;
  const unit = m[2]?.toLowerCase();
  const scale = unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1;
  const n = Math.round(Number(m[1].replaceAll(',', '')) * scale);
  return Number.isSafeInteger(n) ? n : null;
}

/** A paragraph that is a vote count alone; `id` is the paper its link votes for, when it has one. */
export function voteOf(p: Lines): { id: string | null; count: number | null } | null {
  if (p.oversized || p.lines.length !== 1) return null;
  const m = COUNT.exec(p.lines[0] as string);
  if (!m?.[1]) return null;
  let id: string | null = null;
  for (const url of p.links ?? []) {
    const next = VOTE_LINK.exec(url)?.[1];
    if (next) id = normalizeArxivId(decodeURIComponent(next));
    if (id) break;
  }
  // No votes is a count, 0, as the API gives it for the same paper; not an unknown one.
  return { id, count: /^[-–—]$/.test(m[1]) ? 0 : parseCount(m[1]) };
}

/**
 * A paragraph that is a count alone linking to a paper's discussion (`2` then `…/papers/<id>#community`): the
 * paper's comment count, which copies that write each link's target on its own line put after the date.
 */
export function commentsOf(p: Lines): { id: string; count: number } | null {
  if (p.oversized || p.lines.length !== 1 || !/^\d+$/.test(p.lines[0] as string)) return null;
  const url = p.links?.find((u) => u.endsWith('#community'));
  const id = url ? normalizeArxivId(url.startsWith('/papers/') ? `https://huggingface.co${url}` : url) : null;
  return id ? { id, count: Number(p.lines[0]) } : null;
}

/** A `GitHub 1.2k` line: the stars, and the repository when its link is there. */
export function starsOf(line: string, links: readonly string[] | undefined): CardExtras | null {
  const m = STARS.exec(line);
  if (!m?.[1]) return null;
  const stars = parseCount(m[1]);
  if (stars === null) return null;
  const repo = links?.find((url) => GITHUB_REPO.test(url));
  return repo ? { githubStars: stars, githubRepo: repo.replace(/\/$/, '') } : { githubStars: stars };
}

/**
 * The arXiv id a paragraph links to: `https://huggingface.co/papers/2412.01234` (or `/papers/…`, as some
 * copies keep relative links), `…#community`, or an arxiv.org page. Search links (`/papers?q=`) are none.
 */
export function linkedPaperId(p: Lines | null | undefined): string | null {
  for (const url of p?.links ?? []) {
    const id = normalizeArxivId(url.startsWith('/papers/') ? `https://huggingface.co${url}` : url);
    if (id) return id;
  }
  return null;
}
