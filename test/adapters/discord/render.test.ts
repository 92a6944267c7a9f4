import { ButtonStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  type DiscordMessage,
  embedChars,
  LIMITS,
  parseShareCustomId,
  renderReply,
  shareCustomId,
} from '../../../adapters/discord/render.ts';
import { neutralizeMentions, truncate } from '../../../adapters/discord/text.ts';
import type { PaperItem, Reply } from '../../../src/chat/platform.ts';
import type { StoredPaper } from '../../../src/store/port.ts';

function paper(overrides: Partial<StoredPaper> = {}): StoredPaper {
  return {
    id: '2410.17243',
    arxivId: '2410.17243',
    title: 'Breaking the Memory Barrier',
    abstract: 'Contrastive loss scaling.',
    authors: ['Zesen Cheng', 'Hang Zhang'],
    authorCount: 2,
    organization: null,
    publishedAt: '2024-10-22',
    feedDate: '2024-10-25',
    upvotes: 42,
    comments: 3,
    githubRepo: 'https://github.com/DAMO-NLP-SG/Inf-CLIP',
    teamVotes: 0,
    teamReplies: 0,
    firstSeenAt: '2024-10-25T08:00:00Z',
    ...overrides,
  };
}

/** Every limit Discord enforces on a message, checked on a rendered one. */
function expectWithinLimits(m: DiscordMessage): void {
  expect(m.allowedMentions).toEqual({ parse: [] });
  expect(m.content.length).toBeLessThanOrEqual(LIMITS.content);
  expect(m.embeds.length).toBeGreaterThan(0);
  expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  expect(m.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(LIMITS.totalChars);
  for (const e of m.embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
    expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.footer);
    expect(e.author?.name.length ?? 0).toBeLessThanOrEqual(LIMITS.author);
  }
  expect(m.components.length).toBeLessThanOrEqual(LIMITS.rows);
  for (const row of m.components) {
    expect(row.components.length).toBeGreaterThan(0);
    expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
    for (const b of row.components) {
      if ('label' in b) expect(b.label?.length ?? 0).toBeLessThanOrEqual(LIMITS.label);
      if ('custom_id' in b) expect(b.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
      if ('url' in b) expect(b.url).toMatch(/^https:\/\//);
    }
  }
}

const HOSTILE = '@everyone @here <@123> <@!124> <@&456> <#789> **bold** [click](https://evil.example) `x`';

describe('renderReply', () => {
  it.each<[string, Reply, Partial<DiscordMessage['embeds'][number]>]>([
    ['text only', { visibility: 'ephemeral', text: 'Done.' }, { description: 'Done.' }],
    [
      'title and text',
      { visibility: 'ephemeral', title: 'Help', text: 'Use it.' },
      { title: 'Help', description: 'Use it.' },
    ],
    ['nothing', { visibility: 'ephemeral' }, { description: 'Nothing to show.' }],
  ])('GIVEN %s THEN one embed, no buttons, no pings', (_, reply, embed) => {
    const m = renderReply(reply);
    expectWithinLimits(m);
    expect(m.embeds).toEqual([expect.objectContaining(embed)]);
    expect(m.components).toEqual([]);
    expect(m.content).toBe('');
  });

  it('GIVEN hostile text, title, note and sharer name THEN no mention syntax survives and markdown is escaped', () => {
    const m = renderReply({
      visibility: 'channel',
      title: HOSTILE,
      text: HOSTILE,
      papers: [
        {
          paper: paper({ title: HOSTILE, abstract: HOSTILE, authors: [HOSTILE] }),
          sharedBy: 'discord:1',
          sharedByName: '@everyone <@&456>',
          note: `${HOSTILE}\nsecond line`,
        },
      ],
    });
    expectWithinLimits(m);
    const all = JSON.stringify(m);
    expect(all).not.toMatch(/@(everyone|here)/);
    expect(all).not.toMatch(/<@[!&]?\d+>|<#\d+>/);
    expect(all).not.toMatch(/(?<!\\)\[click\]\(/);
    const embed = m.embeds[0];
    expect(embed?.title).toContain('\\*\\*bold\\*\\*');
    expect(embed?.description).toMatch(/^> .*\n> second line/);
    expect(embed?.author?.name).toBe('Shared by @\u200beveryone <\u200b@&456>');
  });

  it('GIVEN 15 papers with oversized fields THEN 10 embeds within every limit and the rest counted', () => {
    const huge = 'word '.repeat(2000);
    const papers: PaperItem[] = Array.from({ length: 15 }, (_, i) => ({
      paper: paper({
        id: `2410.${10000 + i}`,
        arxivId: `2410.${10000 + i}`,
        title: `T${i} ${huge}`,
        abstract: huge,
      }),
      note: huge,
      shareable: true,
      sharedBy: 'discord:1',
      sharedByName: huge,
    }));
    const m = renderReply({ visibility: 'ephemeral', title: huge, text: huge, papers });
    expectWithinLimits(m);
    expect(m.embeds).toHaveLength(10);
    expect(m.content).toContain('…and 5 more.');
    // Compact mode: links inline, Share buttons packed five to a row.
    expect(m.components.map((r) => r.components.length)).toEqual([5, 5]);
    expect(m.components[1]?.components[4]).toMatchObject({
      label: 'Share #10',
      custom_id: 'share:2410.10009',
    });
  });

  it('GIVEN up to 5 papers THEN a row each: Share, arXiv, PDF, Hugging Face, Code, numbered', () => {
    const m = renderReply({
      visibility: 'ephemeral',
      title: 'Papers matching "memory"',
      papers: [
        { paper: paper(), rank: 1, shareable: true },
        {
          paper: paper({ id: '2410.16251', arxivId: '2410.16251', githubRepo: null }),
          rank: 2,
          shareable: true,
        },
      ],
    });
    expectWithinLimits(m);
    expect(m.content).toBe('**Papers matching "memory"**');
    expect(m.embeds[0]).toMatchObject({
      title: '1. Breaking the Memory Barrier',
      url: 'https://arxiv.org/abs/2410.17243',
    });
    const [first, second] = m.components;
    expect(first?.components).toEqual([
      { type: 2, style: ButtonStyle.Primary, label: '#1 Share', custom_id: 'share:2410.17243' },
      { type: 2, style: ButtonStyle.Link, label: 'arXiv', url: 'https://arxiv.org/abs/2410.17243' },
      { type: 2, style: ButtonStyle.Link, label: 'PDF', url: 'https://arxiv.org/pdf/2410.17243' },
      {
        type: 2,
        style: ButtonStyle.Link,
        label: 'Hugging Face',
        url: 'https://huggingface.co/papers/2410.17243',
      },
      { type: 2, style: ButtonStyle.Link, label: 'Code', url: 'https://github.com/DAMO-NLP-SG/Inf-CLIP' },
    ]);
    expect(second?.components.map((b) => ('label' in b ? b.label : ''))).toEqual([
      '#2 Share',
      'arXiv',
      'PDF',
      'Hugging Face',
    ]);
  });

  it('GIVEN more than 5 papers with mention syntax in their URLs THEN the inline link targets are encoded', () => {
    const papers: PaperItem[] = Array.from({ length: 6 }, (_, i) => ({
      paper: paper({
        id: `2410.${10000 + i}`,
        arxivId: `2410.${10000 + i}`,
        githubRepo: null,
        projectPage: 'https://example.org/(a)/@everyone/<@123>/<#789>',
      }),
    }));
    const m = renderReply({ visibility: 'channel', papers });
    expectWithinLimits(m);
    // A description cut inside a link would otherwise show its target, mentions and all, as text.
    expect(m.embeds[0]?.description).toContain(
      '[Code](https://example.org/%28a%29/%40everyone/%3C%40123%3E/%3C#789%3E)',
    );
  });

  it('GIVEN a paper without an arXiv id THEN no arXiv links and no embed url', () => {
    const m = renderReply({
      visibility: 'channel',
      papers: [{ paper: paper({ id: 'title:abc', arxivId: null, githubRepo: null, projectPage: null }) }],
    });
    expectWithinLimits(m);
    expect(m.embeds[0]?.url).toBeUndefined();
    expect(m.components).toEqual([]);
  });

  it('GIVEN voters THEN Discord voters are mentions (never pinging) and others are counted', () => {
    const m = renderReply({
      visibility: 'ephemeral',
      papers: [{ paper: paper({ teamVotes: 3 }), rank: 1, voters: ['discord:11', 'slack:U1', 'discord:12'] }],
    });
    expectWithinLimits(m);
    expect(m.embeds[0]?.description).toContain('Voted by <@11>, <@12>, 1 on Slack');
    expect(m.embeds[0]?.footer?.text).toContain('3 team votes');
  });

  it('GIVEN one long abstract THEN it is cut with an ellipsis', () => {
    const m = renderReply({
      visibility: 'channel',
      papers: [{ paper: paper({ abstract: 'a '.repeat(3000) }) }],
    });
    expectWithinLimits(m);
    expect(m.embeds[0]?.description?.endsWith('…')).toBe(true);
  });
});

describe('Share custom ids', () => {
  it.each([
    ['2410.17243', 'share:2410.17243'],
    ['title:0123456789abcdef', 'share:title:0123456789abcdef'],
  ])('round-trips %s', (id, customId) => {
    expect(shareCustomId(id)).toBe(customId);
    expect(parseShareCustomId(customId)).toBe(id);
  });
  it.each(['share:', 'vote:1', ''])('rejects %j', (customId) => {
    expect(parseShareCustomId(customId)).toBeNull();
  });
});

describe('text helpers', () => {
  it.each([
    ['@everyone', '@\u200beveryone'],
    ['@HERE', '@\u200bHERE'],
    ['<@123> <@!1> <@&2> <#3>', '<\u200b@123> <\u200b@!1> <\u200b@&2> <\u200b#3>'],
    ['mail a@b.c', 'mail a@b.c'],
  ])('neutralizeMentions(%j)', (input, output) => {
    expect(neutralizeMentions(input)).toBe(output);
  });
  it.each([
    ['short', 10, 'short'],
    ['abcdefghij', 5, 'abcd…'],
    ['ab\\*cd', 4, 'ab…'],
    ['a😀bc', 3, 'a…'],
  ])('truncate(%j, %d)', (input, max, output) => {
    expect(truncate(input, max)).toBe(output);
  });
});
