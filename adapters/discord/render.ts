import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import type { PaperItem, Reply } from '../../src/chat/platform.ts';
import { latexToText } from '../../src/papers/latex-text.ts';
import { paperLinks } from '../../src/papers/paper.ts';
import {
  teamLineText as neutralTeamLine,
  savedLineText,
  type TeamLine,
  type TeamLineFormat,
} from '../../src/papers/team-line.ts';
import { buttonRows, inlineLinks } from './buttons.ts';
import { LIMITS } from './limits.ts';
import { markdownUrl, safeMarkdown, safePlain, truncate } from './text.ts';

export { parseShareCustomId, shareCustomId } from './buttons.ts';
export { LIMITS } from './limits.ts';

/** A message as discord.js sends it (`channel.send`, `interaction.editReply`). */
export interface DiscordMessage {
  /** The heading when there are papers; '' otherwise (an edit then clears the "thinking…" text). */
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Always `{ parse: [] }`: nothing the bot sends can ping `@everyone`, `@here`, a role or a user. */
  allowedMentions: { parse: [] };
  /** Attachments (a reply's file), sent as multipart form data; absent when there are none. */
  files?: { attachment: Buffer; name: string }[];
}

const COLOR = 0xff9d00;
/**
 * Renders a reply as embeds and buttons within Discord's limits. Pure. A reply without papers is one
 * embed; with papers, the heading and text are the message text and each paper is an embed (beyond 10
 * they are dropped and counted). Up to 5 papers get a row of
 * buttons each (Share, arXiv, PDF, Hugging Face, code); longer lists carry their links inline and pack
 * their Share buttons into rows.
 */
export function renderReply(reply: Reply): DiscordMessage {
  const files = attachments(reply);
  const message = renderBody(reply, files.length > (reply.file ? 1 : 0));
  return files.length > 0 ? { ...message, files } : message;
}

/** The file a reply hands over, and its code when too long for an embed (an entry with 300 authors). */
function attachments(reply: Reply): { attachment: Buffer; name: string }[] {
  const files = reply.file
    ? [{ attachment: Buffer.from(reply.file.text, 'utf8'), name: reply.file.name }]
    : [];
  if (reply.code && codeBlock(reply.code).length > LIMITS.description - LIMITS.content - 1) {
    files.push({ attachment: Buffer.from(reply.code, 'utf8'), name: 'code.txt' });
  }
  return files;
}

/**
 * Code as a fenced block; a fence inside it is broken up so the block cannot end early, and mention syntax
 * is neutralised as everywhere (a zero-width space: invisible, and harmless in a copied BibTeX name).
 */
function codeBlock(code: string): string {
  return `\`\`\`\n${safePlain(code)
    .replace(/\n+$/, '')
    .replace(/`{3,}/g, (m) => m.split('').join('\u200b'))}\n\`\`\``;
}

function renderBody(reply: Reply, codeAttached: boolean): DiscordMessage {
  // Sections follow the reply's own papers, numbered on from them (their Share buttons carry the number
  // when packed), each embed headed by its section's title.
  const own = reply.papers ?? [];
  let n = own.length;
  const papers: Headed[] = [
    ...own,
    ...(reply.sections ?? []).flatMap((s) =>
      s.papers.map((item) => ({ ...item, rank: ++n, heading: s.title })),
    ),
  ];
  if (papers.length === 0) {
    return {
      content: '',
      embeds: [headerEmbed(reply, codeAttached)],
      components: [],
      allowedMentions: { parse: [] },
    };
  }
  // With papers, the heading goes in the message text so that all 10 embeds are left for papers.
  const shown = papers.slice(0, LIMITS.embeds);
  const dropped = papers.length - shown.length;
  const more = dropped > 0 ? `\n…and ${dropped} more.` : '';
  const head = [
    reply.title ? `**${md(reply.title, LIMITS.title)}**` : '',
    reply.text ? md(reply.text, LIMITS.content) : '',
  ].filter(Boolean);
  const content = (truncate(head.join('\n'), LIMITS.content - more.length) + more).trim();
  // Row-per-paper buttons fit while there are at most 5 papers (5 rows).
  const compact = shown.length > LIMITS.rows;
  const embeds: APIEmbed[] = [];
  let budget = LIMITS.totalChars;
  shown.forEach((item, i) => {
    const share = Math.floor(budget / (shown.length - i));
    const embed = paperEmbed(item, i, shown.length, compact, share);
    budget -= embedChars(embed);
    embeds.push(embed);
  });
  return {
    content,
    embeds: fitTotal(embeds),
    components: buttonRows(shown, compact),
    allowedMentions: { parse: [] },
  };
}

function headerEmbed(reply: Reply, codeAttached: boolean): APIEmbed {
  const embed: APIEmbed = { color: COLOR };
  if (reply.title) embed.title = md(reply.title, LIMITS.title);
  if (reply.text || !reply.title) {
    // Cut before escaping, as everywhere else: discord.js's escapeMarkdown is quadratic in the length.
    // With code after it, the text leaves the rest of the description to the code.
    const max = reply.code ? LIMITS.content : LIMITS.description;
    embed.description = reply.text ? md(reply.text, max) : 'Nothing to show.';
  }
  if (reply.code) {
    const code = codeAttached ? 'It is too long to show here, so it is attached.' : codeBlock(reply.code);
    embed.description = reply.text ? `${embed.description}\n${code}` : code;
  }
  return embed;
}

/** An item of a reply section, carrying the section's title to its embed. */
type Headed = PaperItem & { heading?: string };

function paperEmbed(item: Headed, index: number, count: number, compact: boolean, budget: number): APIEmbed {
  const { paper } = item;
  const links = paperLinks(paper);
  const number = item.rank ?? (count > 1 ? index + 1 : undefined);
  // A tight share of the 6,000 characters (many papers) shortens the title and credit too.
  const titleMax = Math.min(LIMITS.title, Math.max(60, Math.floor(budget / 3)));
  const embed: APIEmbed = {
    color: COLOR,
    title: truncate(
      `${number !== undefined ? `${number}. ` : ''}${md(latexToText(paper.title), titleMax)}`,
      titleMax,
    ),
    footer: { text: truncate(footerText(item), LIMITS.footer) },
  };
  // The first link Discord takes as the title's: one it refuses (too long, no URL) would refuse the message.
  const safeUrl = [links.abs, links.hf, links.project]
    .map((url) => (url ? markdownUrl(url) : null))
    .find((url) => url !== null && url.length <= LIMITS.embedUrl);
  if (safeUrl) embed.url = safeUrl;
  const heading = item.heading;
  if (item.sharedBy) {
    // Author names are not markdown-rendered, so nothing is escaped (escapes would show).
    const who = safePlain(item.sharedByName ?? 'a teammate');
    const max = Math.min(LIMITS.author, Math.max(40, Math.floor(budget / 6)));
    embed.author = { name: truncate(`Shared by ${who}`, max) };
  } else if (heading) {
    embed.author = { name: truncate(safePlain(heading), LIMITS.author) };
  }
  const tail = [
    item.reason ? `*Why: ${md(item.reason, 300)}*` : '',
    item.voters?.length ? voterLine(item.voters) : '',
    item.team ? teamLineText(item.team, { votes: !item.voters?.length }) : '',
    item.saved ? savedLineText(item.saved, DISCORD_TEAM_FORMAT) : '',
    compact ? inlineLinks(links) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const authors = paper.authors.length > 0 ? `*${md(authorLine(paper.authors), 200)}*` : '';
  // What is left of this embed's share goes to the note (up to half), then the summary.
  let room = budget - embedChars(embed) - tail.length - authors.length - 6;
  let note = '';
  if (item.note) {
    const max = Math.min(1000, Math.max(60, Math.floor(room / 2)));
    note = md(item.note, max)
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    room -= note.length + 2;
  }
  const summaryMax = Math.min(count === 1 ? 1000 : 350, Math.max(0, room));
  const summary = md(latexToText(paper.aiSummary || paper.abstract), summaryMax);
  const description = [note, authors, summary, tail].filter(Boolean).join('\n\n');
  if (description) embed.description = truncate(description, LIMITS.description);
  return embed;
}

/** Plain text made safe for markdown, at most `max` characters (cut before escaping to bound the work). */
function md(text: string, max: number): string {
  return truncate(safeMarkdown(truncate(text, max)), max);
}

/**
 * "Voted by <@1>, <@2>, 1 on Slack". Discord voters are user mentions, which the client shows as names;
 * mentions in embeds never notify, and `allowedMentions` is empty anyway. Only refs whose id is a bare
 * snowflake become mentions.
 */
function voterLine(voters: readonly string[]): string {
  const shown = 10;
  const discord = voters.flatMap((v) => /^discord:(\d+)$/.exec(v)?.[1] ?? []).map((id) => `<@${id}>`);
  const slack = voters.filter((v) => v.startsWith('slack:')).length;
  const others = voters.length - discord.length - slack;
  const parts = discord.slice(0, shown);
  const rest = discord.length - parts.length;
  if (rest > 0) parts.push(`${rest} more`);
  if (slack > 0) parts.push(`${slack} on Slack`);
  if (others > 0) parts.push(`${others} elsewhere`);
  return `Voted by ${parts.join(', ')}`;
}

/**
 * `Shared by <@1> in <#2> · 3 weeks ago · 👍 5 (<@1>, <@3>, +3) · 💬 4 replies`. People are user mentions
 * and the place a channel mention: Discord shows them as names, a channel only to those who can see it,
 * and mentions in embeds never notify (nor may any: `allowedMentions` is empty).
 */
export function teamLineText(team: TeamLine, show: { votes: boolean } = { votes: true }): string {
  return neutralTeamLine(team, DISCORD_TEAM_FORMAT, show);
}

/** People as user mentions and places as channel mentions; refs that are no bare snowflake are not named. */
export const DISCORD_TEAM_FORMAT: TeamLineFormat = {
  person: (ref) => {
    const id = /^discord:(\d+)$/.exec(ref)?.[1];
    return id ? `<@${id}>` : null;
  },
  channel: (ref) => {
    const id = /^discord:(\d+)$/.exec(ref)?.[1];
    return id ? `<#${id}>` : null;
  },
  // Discord's relative timestamp: "3 weeks ago" in each reader's language, counted by their own clock.
  when: (at) => `<t:${Math.floor(Date.parse(at) / 1000)}:R>`,
};

function authorLine(authors: readonly string[]): string {
  return authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}

function footerText(item: PaperItem): string {
  const p = item.paper;
  const parts: string[] = [];
  if (p.upvotes !== null) parts.push(`▲ ${p.upvotes} on Hugging Face`);
  const votes = item.voters?.length ?? p.teamVotes;
  if (votes > 0) parts.push(`${votes} team vote${votes === 1 ? '' : 's'}`);
  const day = p.feedDate ?? p.publishedAt;
  if (day) parts.push(day);
  if (p.arxivId) parts.push(`arXiv:${p.arxivId}`);
  return safePlain(parts.join(' · ') || 'paper');
}

/** The characters Discord counts towards the 6,000 total of a message's embeds. */
export function embedChars(e: APIEmbed): number {
  const fields = (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    fields
  );
}

/** A last guard: shortens the longest descriptions, then drops trailing embeds, until the total fits. */
function fitTotal(embeds: APIEmbed[]): APIEmbed[] {
  const total = () => embeds.reduce((n, e) => n + embedChars(e), 0);
  let excess = total() - LIMITS.totalChars;
  while (excess > 0) {
    const longest = embeds.reduce<APIEmbed | undefined>(
      (best, e) => ((e.description?.length ?? 0) > (best?.description?.length ?? 0) ? e : best),
      undefined,
    );
    const length = longest?.description?.length ?? 0;
    if (!longest || length === 0) {
      if (embeds.length <= 1) break;
      embeds.pop();
    } else {
      longest.description = truncate(longest.description ?? '', Math.max(0, length - excess));
      if (!longest.description) delete longest.description;
    }
    excess = total() - LIMITS.totalChars;
  }
  return embeds;
}
