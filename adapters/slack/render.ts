import type { types } from '@slack/bolt';
import { type PaperItem, type Reply, replyItems, type UserRef } from '../../src/chat/platform.ts';
import { latexToText } from '../../src/papers/latex-text.ts';
import { paperLinks } from '../../src/papers/paper.ts';
import {
  teamLineText as neutralTeamLine,
  savedLineText,
  type TeamLine,
  type TeamLineFormat,
} from '../../src/papers/team-line.ts';
import {
  escapeText,
  firstSentence,
  fitText,
  link,
  mention,
  neutralizeFormatting,
  safeUrl,
} from './mrkdwn.ts';

type KnownBlock = types.KnownBlock;

/** The `action_id` of the Share button; its `value` is the paper id. */
export const SHARE_ACTION_ID = 'share_paper';

/** Slack's Block Kit limits this renderer stays within. */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocks: 50,
  /** Characters in a section's text (and in a context element). */
  sectionText: 3000,
} as const;

/**
 * Per-field budgets (characters after escaping), chosen so a paper's section stays below 3000. `url` bounds
 * each of the two links a feed supplies (code, project page): a section over 3000 would be cut, ending it
 * inside a link's markup or an entity, which Slack shows as raw text.
 */
const BUDGET = { title: 300, byline: 300, summary: 400, note: 500, fallback: 3000, url: 800 } as const;
const MAX_AUTHORS = 3;
const MAX_VOTERS = 5;

/** A rendered message: Block Kit blocks plus the plain fallback Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Display names of voters, by user ref; voters without a name are counted, never mentioned. */
  names?: ReadonlyMap<UserRef, string>;
}

/**
 * Renders a reply as Block Kit within Slack's limits: at most 50 blocks (papers that do not fit are counted
 * in a closing note), at most 3000 characters a section. Every piece of paper or user text is escaped; the
 * only mention generated is the sharer's, from a validated user id. Pure.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (reply.title) blocks.push(section(`*${neutralizeFormatting(fitText(reply.title, BUDGET.title))}*`));
  for (const chunk of splitText(reply.text ?? '', SLACK_LIMITS.sectionText)) blocks.push(section(chunk));
  // Each piece of code in its own fenced block, so a long one (an entry with 300 authors) stays whole.
  for (const chunk of splitText(reply.code ?? '', SLACK_LIMITS.sectionText - 8)) {
    blocks.push(section(`\`\`\`${chunk.replace(/`{3,}/g, (m) => m.split('').join('\u200b'))}\`\`\``));
  }

  // The reply's own papers, then each section's under its heading (a heading block before its first paper).
  const papers = [
    ...(reply.papers ?? []).map((item) => ({ item, heading: null as string | null })),
    ...(reply.sections ?? []).flatMap((s) =>
      s.papers.map((item, i) => ({ item, heading: i === 0 ? s.title : null })),
    ),
  ];
  let shown = 0;
  for (const { item, heading } of papers) {
    const paperBlocks = renderPaper(item, options);
    if (heading) paperBlocks.unshift(section(`*${neutralizeFormatting(fitText(heading, BUDGET.title))}*`));
    // Keep one block free for the "more not shown" note when papers remain after this one.
    const reserve = shown + 1 < papers.length ? 1 : 0;
    if (blocks.length + paperBlocks.length + reserve > SLACK_LIMITS.blocks) break;
    blocks.push(...paperBlocks);
    shown++;
  }
  if (shown < papers.length) {
    blocks.push(context(`…and ${papers.length - shown} more not shown.`));
  }
  if (blocks.length === 0) blocks.push(section('Nothing to show.'));
  return { text: fallbackText(reply), blocks };
}

/** The blocks of one paper: a section (title, byline, summary, links, Share button) and a credit line. */
export function renderPaper(item: PaperItem, options: RenderOptions = {}): KnownBlock[] {
  const { paper } = item;
  const links = paperLinks(paper);
  const rank = item.rank !== undefined ? `${item.rank}. ` : '';
  const label = neutralizeFormatting(fitText(latexToText(paper.title), BUDGET.title));
  const title = `*${rank}${link(links.hf ?? links.abs, label)}*`;
  const lines = [title, fitText(byline(item), BUDGET.byline)];
  const summary = paper.aiSummary?.trim()
    ? latexToText(paper.aiSummary.trim())
    : firstSentence(latexToText(paper.abstract));
  if (summary) lines.push(fitText(summary, BUDGET.summary));
  const linkLine = [
    links.abs && link(links.abs, 'arXiv'),
    links.pdf && link(links.pdf, 'PDF'),
    links.hf && link(links.hf, 'Hugging Face'),
    // The code and project links come from the feed, of any length; one too long to fit is left out.
    fits(links.code) && link(links.code, 'Code'),
    fits(links.project) && link(links.project, 'Project page'),
  ].filter((l): l is string => Boolean(l));
  if (linkLine.length > 0) lines.push(linkLine.join(' · '));

  const main = section(lines.join('\n'));
  if (item.shareable) {
    main.accessory = {
      type: 'button',
      action_id: SHARE_ACTION_ID,
      text: { type: 'plain_text', text: 'Share', emoji: false },
      value: paper.id,
    };
  }
  const blocks: KnownBlock[] = [main];
  const credit = creditLine(item, options);
  if (credit) blocks.push(context(credit));
  const team = item.team && teamLineText(item.team, options.names, { votes: !item.voters?.length });
  if (team) blocks.push(context(team));
  if (item.saved) blocks.push(context(savedLineText(item.saved, slackTeamFormat(options.names))));
  return blocks;
}

/** Whether a feed's URL is usable in a link within {@link BUDGET}'s `url`. */
function fits(url: string | null): url is string {
  const safe = safeUrl(url);
  return safe !== null && safe.length <= BUDGET.url;
}

/** Authors or organisation, date, HF upvotes (when known), team votes: plain text, escaped by the caller. */
function byline(item: PaperItem): string {
  const p = item.paper;
  const parts: string[] = [];
  if (p.organization) parts.push(p.organization.name);
  else if (p.authors.length > 0) {
    const more = p.authors.length > MAX_AUTHORS ? ' et al.' : '';
    parts.push(`${p.authors.slice(0, MAX_AUTHORS).join(', ')}${more}`);
  }
  // The day Hugging Face listed it, as Discord and the console show it; a paper no feed listed, its arXiv date.
  const date = p.feedDate ?? p.publishedAt;
  if (date) parts.push(date);
  if (p.upvotes !== null) parts.push(`${p.upvotes} HF upvote${p.upvotes === 1 ? '' : 's'}`);
  parts.push(`${p.teamVotes} team vote${p.teamVotes === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** "Shared by <@U1>: note" and/or "Voted by Ada, Alan and 2 others"; null when there is neither. */
function creditLine(item: PaperItem, options: RenderOptions): string | null {
  const parts: string[] = [];
  if (item.reason) parts.push(`Why: ${fitText(item.reason, 300)}`);
  if (item.sharedBy || item.sharedByName) {
    const who = mention(item.sharedBy) ?? (item.sharedByName ? fitText(item.sharedByName, 80) : 'someone');
    const note = item.note?.trim() ? `: ${fitText(item.note.trim(), BUDGET.note)}` : '';
    parts.push(`Shared by ${who}${note}`);
  }
  if (item.voters && item.voters.length > 0) parts.push(voterLine(item.voters, options.names));
  return parts.length > 0 ? parts.join('\n') : null;
}

/**
 * How Slack writes a team line's people and places: people by display name, never mentioned (a mention
 * would ping them), unknown ones counted; a channel as Slack's own channel link, which Slack shows by name
 * only to people who can see that channel.
 */
export function slackTeamFormat(names: ReadonlyMap<UserRef, string> | undefined): TeamLineFormat {
  return {
    person: (ref, max) => {
      const name = names?.get(ref);
      return name ? escapeText(fitText(name, max)) : null;
    },
    channel: (ref) => {
      const id = /^slack:([CG][A-Z0-9]{2,30})$/.exec(ref)?.[1];
      return id ? `<#${id}>` : null;
    },
    // Whether it was today or yesterday depends on the reader's time zone, which Slack knows: its date
    // token says "today"/"yesterday" (or the date) in each reader's own. Older times read the same anywhere.
    when: (at, ago) =>
      ago === 'today' || ago === 'yesterday'
        ? `<!date^${Math.floor(Date.parse(at) / 1000)}^{date_short_pretty}|${ago}>`
        : ago,
  };
}

/** `Shared by Ana in #llm-papers · 3 weeks ago · 👍 5 (Ana, Bo, +3) · 💬 4 replies`, in mrkdwn. */
export function teamLineText(
  team: TeamLine,
  names: ReadonlyMap<UserRef, string> | undefined,
  show: { votes: boolean } = { votes: true },
): string {
  return neutralTeamLine(team, slackTeamFormat(names), show);
}

/** The people a reply shows by name: leaderboard voters and those of its team lines. */
export function peopleToName(reply: Reply): UserRef[] {
  return replyItems(reply).flatMap((p) => [
    ...(p.voters ?? []).slice(0, MAX_VOTERS),
    ...(p.team?.voters ?? []),
    ...(p.team?.share?.by ? [p.team.share.by] : []),
    ...(p.saved?.by ?? []),
  ]);
}

function voterLine(voters: readonly UserRef[], names: ReadonlyMap<UserRef, string> | undefined): string {
  const named = voters
    .map((v) => names?.get(v))
    .filter((n): n is string => Boolean(n))
    .slice(0, MAX_VOTERS)
    .map((n) => fitText(n, 80));
  const others = voters.length - named.length;
  if (named.length === 0) return `Voted by ${voters.length} ${voters.length === 1 ? 'person' : 'people'}`;
  const tail = others > 0 ? ` and ${others} other${others === 1 ? '' : 's'}` : '';
  return `Voted by ${named.join(', ')}${tail}`;
}

/** The notification text: the heading, the body's start, or the paper titles; escaped, at most 3000. */
function fallbackText(reply: Reply): string {
  const parts = [
    reply.title,
    reply.text,
    reply.code,
    ...replyItems(reply).map((p) => latexToText(p.paper.title)),
  ];
  const raw = parts.filter((p): p is string => Boolean(p?.trim())).join('\n');
  return raw ? fitText(raw, BUDGET.fallback) : 'paperboy';
}

/** Splits plain text into escaped chunks of at most `max` characters, preferring line breaks. */
function splitText(raw: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of raw.split('\n')) {
    const escaped = escapeText(line);
    const candidate = current ? `${current}\n${escaped}` : escaped;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current) chunks.push(current);
    current = escaped.length <= max ? escaped : fitText(line, max);
  }
  if (current.trim()) chunks.push(current);
  return chunks;
}

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, SLACK_LIMITS.sectionText) } };
}

function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, SLACK_LIMITS.sectionText) }] };
}
