import fc from 'fast-check';
import type { PaperItem, Reply } from '../../src/chat/platform.ts';
import type { StoredPaper } from '../../src/store/port.ts';
import { anyText, huge } from './feed-arbitraries.ts';

/*
 * Replies whose every text field carries mention syntax, markup and terminal escapes: what a hostile
 * paper title, author list, share note or display name could hold.
 */

/** Slack's control sequences: broadcasts, user, channel and group mentions, links, entities. */
export const SLACK_SYNTAX = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!channel|channel>',
  '<@U024BE7LH>',
  '<@W123ABC|bob>',
  '<#C024BE7LR>',
  '<#C024BE7LR|general>',
  '<!subteam^S0123ABC>',
  '<!subteam^S0123ABC|@team>',
  '<!date^1392734382^{date}|x>',
  '<https://evil.example|click>',
  '<mailto:a@b.c|mail>',
  '&lt;!channel&gt;',
  '&amp;',
  '<',
  '>',
  '&',
  '|',
  '*',
  '_',
  '~',
  '`',
  '@channel',
  '@here',
];

/** Discord's mention syntax and near misses. */
export const DISCORD_SYNTAX = [
  '@everyone',
  '@here',
  '@EVERYONE',
  '@@everyone',
  '<@123456789012345678>',
  '<@!123456789012345678>',
  '<@&123456789012345678>',
  '<#123456789012345678>',
  '</papers:123>',
  '\\@everyone',
  '`@here`',
  '||@here||',
  '[@everyone](https://evil.example)',
  '> @here',
  '- <@1>',
  '# @everyone',
];

/** Terminal control sequences: clear screen, retitle, recolour, C1 CSI, carriage return, backspace. */
export const TERMINAL_SYNTAX = [
  '\u001b[2J',
  '\u001b]0;owned\u0007',
  '\u001b[31m',
  '\u009b31m',
  '\u001bc',
  '\r',
  '\b',
  '\u0000',
];

/** Bidi embeddings, overrides and isolates, which reorder the rest of a line, and a NUL. */
export const BIDI_SYNTAX = [
  '\u202e',
  '\u202d',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u202egnp.exe',
  '\u0000',
];

/** Text that mixes every kind of hostile syntax with arbitrary strings. */
export const hostileText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SLACK_SYNTAX, ...DISCORD_SYNTAX, ...TERMINAL_SYNTAX, ...BIDI_SYNTAX),
      anyText,
    ),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(''));

const nonEmptyHostile = hostileText.filter((s) => s.trim() !== '');

const day = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** A URL field: a real-looking URL, one with syntax inside, or not a URL at all. */
const url = fc.oneof(
  fc.constant(null),
  hostileText.map((s) => `https://github.com/${s}`),
  hostileText,
  fc.constantFrom('https://evil.example/<!channel>|x', 'https://a.example/>|<@U1>', 'javascript:alert(1)'),
);

/**
 * A stored paper as the store returns one (it passed the Paper schema), its text fields drawn from `text`.
 * The id stays short: the store's ids are arXiv ids or title keys, never free text of any length.
 */
function paperOf(text: fc.Arbitrary<string>, maxAuthors: number): fc.Arbitrary<StoredPaper> {
  const nonEmpty = text.filter((s) => s.trim() !== '');
  return fc.record({
    id: nonEmptyHostile,
    arxivId: fc.oneof(fc.constant(null), fc.constantFrom('2410.17243', 'hep-ex/0307015'), nonEmptyHostile),
    title: nonEmpty,
    abstract: text,
    authors: fc.array(text, { maxLength: maxAuthors }),
    authorCount: fc.option(fc.nat({ max: 50 })),
    organization: fc.option(fc.record({ id: hostileText, name: text })),
    publishedAt: fc.option(day),
    feedDate: fc.option(day),
    upvotes: fc.option(fc.nat({ max: 1000 })),
    comments: fc.option(fc.nat({ max: 100 })),
    aiSummary: fc.option(text),
    githubRepo: url,
    githubStars: fc.option(fc.nat()),
    projectPage: url,
    thumbnail: url,
    teamVotes: fc.nat({ max: 20 }),
    teamReplies: fc.nat({ max: 20 }),
    firstSeenAt: fc.constant('2025-11-12T09:00:00.000Z'),
  });
}

/** A stored paper with hostile text fields. */
export const hostilePaper: fc.Arbitrary<StoredPaper> = paperOf(hostileText, 5);

/** User refs: well-formed ones for each platform, and refs with syntax in them. */
export const userRef: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('slack:U024BE7LH', 'slack:W0123ABCD', 'discord:123456789012345678', 'console:ada'),
  hostileText.map((s) => `slack:${s}`),
  hostileText.map((s) => `discord:${s}`),
  hostileText,
);

/** The well-formed Slack users among {@link userRef}'s refs: a fake Slack can give them hostile names. */
export const SLACK_USER_IDS = ['U024BE7LH', 'W0123ABCD'] as const;

function paperItemOf(text: fc.Arbitrary<string>, sizes: { authors: number; voters: number }) {
  return fc.record(
    {
      paper: paperOf(text, sizes.authors),
      rank: fc.integer({ min: 1, max: 100 }),
      shareable: fc.boolean(),
      sharedBy: userRef,
      sharedByName: fc.option(text),
      note: text,
      voters: fc.array(userRef, { maxLength: sizes.voters }),
    },
    { requiredKeys: ['paper'] },
  ) satisfies fc.Arbitrary<PaperItem>;
}

export const paperItem: fc.Arbitrary<PaperItem> = paperItemOf(hostileText, { authors: 5, voters: 6 });

export const hostileReply: fc.Arbitrary<Reply> = fc.record(
  {
    visibility: fc.constantFrom('ephemeral' as const, 'channel' as const),
    title: hostileText,
    text: hostileText,
    papers: fc.array(paperItem, { maxLength: 12 }),
  },
  { requiredKeys: ['visibility'] },
);

/** What an overlong field repeats: words, spaces, line breaks, quotes, emoji, mention and escape syntax. */
const OVERLONG_UNITS = [
  'a',
  'ab ',
  ' ',
  '\n',
  '"',
  '“',
  '/',
  '?',
  '😀',
  '<!channel> ',
  '@everyone ',
  '\u001b[2J',
  'near* ',
];

/** 10,000 to 100,000 characters of one unit: what a person could paste into a command. */
export const overlongInput: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...OVERLONG_UNITS), fc.integer({ min: 10_000, max: 100_000 }))
  .map(([unit, n]) => huge(unit, n));

/**
 * Lengths just past a platform limit (Discord's 2,000 message text, Slack's 3,000 a section, Discord's 4,096
 * a description and 6,000 a message) and far past all. Built once and shared, so a reply of 60 papers with
 * every field overlong stays cheap to generate.
 */
const OVERLONG_STRINGS = OVERLONG_UNITS.flatMap((unit) =>
  [2_001, 3_001, 4_097, 6_001, 100_000].map((n) => huge(unit, n)),
);

/** A field that is hostile, or longer than some platform allows. */
const overlongField = fc.oneof(hostileText, fc.constantFrom(...OVERLONG_STRINGS));

/** A reply with every text field possibly overlong, up to 60 papers, and long author and voter lists. */
export const overlongReply: fc.Arbitrary<Reply> = fc.record(
  {
    visibility: fc.constantFrom('ephemeral' as const, 'channel' as const),
    title: overlongField,
    text: overlongField,
    papers: fc.array(paperItemOf(overlongField, { authors: 30, voters: 40 }), { maxLength: 60 }),
  },
  { requiredKeys: ['visibility'] },
);

/** Every string under a `text`, `title`, `description`, `name`, `label` or `content` key, recursively. */
export function renderedStrings(value: unknown, keys: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string | null) => {
    if (typeof v === 'string') {
      if (key !== null && keys.has(key)) out.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(value, null);
  return out;
}
