import { displayText } from '../../src/chat/display-text.ts';
import { type PaperItem, type Reply, replyItems } from '../../src/chat/platform.ts';
import { latexToText } from '../../src/papers/latex-text.ts';
import { paperLinks } from '../../src/papers/paper.ts';
import {
  teamLineText as neutralTeamLine,
  savedLineText,
  type TeamLine,
  type TeamLineFormat,
} from '../../src/papers/team-line.ts';

/** The longest one-line summary shown under a title. */
const SUMMARY_CHARS = 160;

/** Cuts text at a word boundary to at most `max` characters, marking the cut with `…`. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * Terminal text can carry escape sequences that move the cursor or recolour the screen: a title from a
 * feed must not. Control characters other than newlines are dropped (tabs too: they would break the
 * indentation), and so are bidi overrides (see {@link displayText}).
 */
export function plain(text: string): string {
  return displayText(text).replace(/\t/g, ' ');
}

function byline(item: PaperItem): string {
  const p = item.paper;
  if (p.organization) return p.organization.name;
  if (p.authors.length > 0) return p.authors.slice(0, 3).join(', ') + (p.authors.length > 3 ? ' et al.' : '');
  return p.authorCount ? `${p.authorCount} authors` : 'authors unknown';
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** The first sentence of the abstract, or Hugging Face's AI summary when there is one. */
function summary(item: PaperItem): string | null {
  const text = latexToText(item.paper.aiSummary || item.paper.abstract);
  if (!text) return null;
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text.replace(/\s+/g, ' ').trim())?.[1] ?? text;
  return clip(sentence, SUMMARY_CHARS);
}

/** One paper as a numbered block of indented lines. */
export function renderItem(item: PaperItem, n: number): string[] {
  const p = item.paper;
  const facts = [
    byline(item),
    p.feedDate ?? p.publishedAt,
    p.upvotes === null ? null : plural(p.upvotes, 'HF upvote'),
    plural(p.teamVotes, 'team vote'),
  ].filter(Boolean);
  const lines = [`${String(n).padStart(2)}. ${latexToText(p.title)}`, `    ${facts.join(' · ')}`];
  const s = summary(item);
  if (s) lines.push(`    ${s}`);
  if (item.reason) lines.push(`    Why: ${clip(item.reason, 300)}`);
  const l = paperLinks(p);
  const links = [
    l.abs && `arXiv ${l.abs}`,
    l.pdf && `PDF ${l.pdf}`,
    l.hf && `HF ${l.hf}`,
    l.code && `code ${l.code}`,
  ].filter(Boolean);
  if (links.length) lines.push(`    ${links.join(' · ')}`);
  if (item.sharedBy) {
    const who = item.sharedByName ?? item.sharedBy;
    lines.push(`    Shared by ${who}${item.note ? `: “${clip(item.note, 500)}”` : ''}`);
  }
  if (item.voters?.length) lines.push(`    Voted by ${item.voters.join(', ')}`);
  const team = item.team && teamLineText(item.team, { votes: !item.voters?.length });
  if (team) lines.push(`    ${team}`);
  if (item.saved) lines.push(`    ${savedLineText(item.saved, CONSOLE_TEAM_FORMAT)}`);
  return lines.map(plain);
}

/** `Shared by console:you here · today · 👍 2 (console:you, +1) · 💬 1 reply`: the console knows no names. */
export function teamLineText(team: TeamLine, show: { votes: boolean } = { votes: true }): string {
  return neutralTeamLine(team, CONSOLE_TEAM_FORMAT, show);
}

/** The console knows no names: people and places are their refs. */
const CONSOLE_TEAM_FORMAT: TeamLineFormat = {
  person: (ref) => ref,
  channel: (ref) => ref,
  elsewhere: 'elsewhere',
};

/**
 * A reply as terminal text: title, body, then the papers numbered from 1 (the numbers `:+1: N` refers
 * to). Ends with a newline. Pure.
 */
export function renderReply(reply: Reply): string {
  const out: string[] = [];
  if (reply.title) out.push(`== ${plain(reply.title)} ==`);
  if (reply.text) out.push(plain(reply.text));
  // A terminal shows code as it is: the lines to copy, nothing around them.
  if (reply.code) out.push(plain(reply.code).replace(/\n+$/, ''));
  const papers = reply.papers ?? [];
  papers.forEach((item, i) => {
    out.push(...renderItem(item, i + 1));
  });
  // Sections continue the numbering, so `:+1: N` names one paper of the whole reply.
  let n = papers.length;
  for (const section of reply.sections ?? []) {
    out.push(`== ${plain(section.title)} ==`);
    for (const item of section.papers) out.push(...renderItem(item, ++n));
  }
  if (replyItems(reply).some((p) => p.shareable)) {
    out.push('(Type :+1: N to upvote paper N: it is shared in the channel first.)');
  }
  return `${out.join('\n')}\n`;
}
