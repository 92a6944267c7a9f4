import { starsOf } from './card-extras.ts';
import { type MonthDay, parseDateLine } from './page-dates.ts';
import { AUTHORS } from './page-meta-lines.ts';
import type { Para } from './page-paragraphs.ts';

/*
 * A card's meta block: who (`• 4 authors`, `<org-id> <Org Name>`), the lone `·`, and the date line with the
 * comment count; and the text glued to it, taken apart from it.
 */

export interface Meta {
  line: number;
  authorCount: number | null;
  organization: { id: string; name: string } | null;
  date: MonthDay | null;
  comments: number | null;
  /**
   * Whether the date reads `Published on …`, as a trending page's cards do: there the vote button follows
   * the card, where a daily page puts it above the next title.
   */
  votesFollow: boolean;
  /** Arrives with the meta paragraph's links, and a `GitHub` line glued above the who line. */
  para: Para;
}

export type Block = { kind: 'text'; para: Para } | { kind: 'meta'; meta: Meta };

/**
 * A paragraph is a text block, or holds a meta block: lines around the lone `·` (or, when the page was cut
 * short, a leading `• N authors` line; in a copy with no `·`, an author count closing the paragraph). Text
 * glued to the meta block without a blank line is split off.
 */
export function toBlocks(p: Para): Block[] {
  if (p.oversized) return [{ kind: 'text', para: p }];
  const dot = p.lines.indexOf('·');
  let whoEnd: number;
  const trailing = dot >= 0 ? -1 : trailingAuthors(p);
  if (dot >= 0) whoEnd = dot;
  else if (AUTHORS.test(p.lines[0] ?? '')) whoEnd = 1;
  else if (trailing > 0) whoEnd = trailing + 1;
  else return [{ kind: 'text', para: p }];

  let whoStart = whoEnd;
  let authorCount: number | null = null;
  let organization: Meta['organization'] = null;
  // Walk back from the anchor over at most one author-count line and one organisation line.
  while (whoStart > 0) {
    const line = p.lines[whoStart - 1] ?? '';
    const count = AUTHORS.exec(line);
    if (count && authorCount === null) authorCount = Number(count[1]);
    else if (
      !count &&
      organization === null &&
      dot >= 0 &&
      isOrgLine(line, whoStart === 1 && !p.cut, p.links)
    )
      organization = parseOrg(line, p.links);
    else break;
    whoStart--;
  }
  // A `GitHub 1.2k` line glued above the who line belongs to the card, not to its abstract.
  const stars = whoStart > 0 ? starsOf(p.lines[whoStart - 1] as string, p.links) : null;
  if (stars) whoStart--;
  const afterWho = dot >= 0 ? dot + 1 : whoEnd;
  const dateLine = p.lines[afterWho];
  const parsed = dateLine === undefined ? null : parseDateLine(dateLine);
  const rest = parsed ? afterWho + 1 : afterWho;

  const blocks: Block[] = [];
  if (whoStart > 0) {
    const before: Para = { lines: p.lines.slice(0, whoStart), line: p.line };
    if (p.links) before.links = p.links;
    blocks.push({ kind: 'text', para: before });
  }
  const metaPara: Para = { lines: [], line: p.line + whoStart };
  if (p.links) metaPara.links = p.links;
  if (stars) metaPara.extras = stars;
  blocks.push({
    kind: 'meta',
    meta: {
      line: p.line + whoStart,
      authorCount,
      organization,
      date: parsed?.date ?? null,
      comments: parsed?.comments ?? null,
      votesFollow: parsed !== null && /^published on /i.test(dateLine as string),
      para: metaPara,
    },
  });
  if (rest < p.lines.length) {
    const after: Para = { lines: p.lines.slice(rest), line: p.line + rest };
    // The links of the line after the who line (the repository button's, on a page with no `·`).
    if (p.links && dot < 0) after.links = p.links;
    blocks.push({ kind: 'text', para: after });
  }
  return blocks;
}

/**
 * Where a card's author count closes a paragraph with no `·` (`- 8 authors` under the abstract, then maybe
 * the `GitHub 11.3k` button): a copy of a trending page that leaves out the dot and the date. -1 when none.
 */
function trailingAuthors(p: Para): number {
  const n = p.lines.length;
  if (n >= 2 && AUTHORS.test(p.lines[n - 1] as string)) return n - 1;
  if (n >= 3 && AUTHORS.test(p.lines[n - 2] as string) && starsOf(p.lines[n - 1] as string, undefined))
    return n - 2;
  return -1;
}

/**
 * An organisation line is `<hf-org-id> <Display Name>`, not itself a date or the `GitHub 1.2k` button. Where
 * it opens the meta paragraph (a blank line above it), or a markdown copy linked it to the organisation's
 * page, nothing else can be there: any name of up to 20 words is taken (`hkust The Hong Kong University of
 * Science and Technology`, `nvidia NVIDIA Inc.`). Below other lines it may be the end of an abstract run into
 * the meta block, so it must look like a name: at most 12 words, ending in no sentence punctuation beyond
 * a company's abbreviation (`Inc.`) or an exclamation mark that is part of it (`AI2!`).
 */
function isOrgLine(line: string, opensParagraph: boolean, links: readonly string[] | undefined): boolean {
  if (line.length > 120 || !ORG_ID.test(line) || parseDateLine(line) !== null) return false;
  if (starsOf(line, undefined) !== null) return false;
  const words = line.split(' ').length;
  if (opensParagraph || linksToOrg(line, links)) return words <= 20;
  return words <= 12 && (!/[.,;:!?]$/.test(line) || (words >= 2 && NAME_END.test(line)));
}

/** A Hugging Face organisation's id, the line's first word. */
const ORG_ID = /^[\w.-]+(?:\s|$)/;
/** Punctuation that ends a name, not a sentence: `Inc.`, `Ltd.`, `Co.`, `AI2!`. */
const NAME_END = /(?:\b(?:Inc|Ltd|Co|Corp|LLC|GmbH|Pty|Pvt|Univ|Inst|Lab|Labs|Intl)\.|[\w)]!)$/;

/** Whether the paragraph links to the page of the organisation whose id opens the line. */
function linksToOrg(line: string, links: readonly string[] | undefined): boolean {
  return orgPages(links).includes(line.split(' ', 1)[0] as string);
}

/** The ids of the pages one level under huggingface.co that a paragraph links to: an organisation's. */
function orgPages(links: readonly string[] | undefined): string[] {
  const ids: string[] = [];
  for (const url of links ?? []) {
    const id = /^(?:https?:\/\/huggingface\.co)?\/([\w.-]+)\/?$/.exec(url)?.[1];
    if (id) ids.push(id);
  }
  return ids;
}

/**
 * `<id> <Name>` as the page writes it. A copy that writes the name alone and links it to the organisation's
 * page (`Google`, then `https://huggingface.co/google`) gives the id by that link, when the one names the
 * other (a link to a submitter's page, which may sit nearby, does not).
 */
function parseOrg(line: string, links: readonly string[] | undefined): { id: string; name: string } {
  const [id = line, ...name] = line.split(/\s+/);
  const linked = orgPages(links);
  const key = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const page = linked.length === 1 ? (linked[0] as string) : null;
  if (
    page &&
    page !== id &&
    key(line) !== '' &&
    (key(line).includes(key(page)) || key(page).includes(key(line)))
  )
    return { id: page, name: line };
  return { id, name: name.length > 0 ? name.join(' ') : id };
}
