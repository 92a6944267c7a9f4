import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordPlatform } from '../../../adapters/discord/platform.ts';
import type { StoredPaper } from '../../../src/store/port.ts';
import type { FakeDiscord, RestCall } from '../../fakes/discord-gateway.ts';
import { recordingHandlers } from '../../fakes/recording-handlers.ts';
import { platformOnFake } from './platform-on-fake.ts';

/**
 * Discord refuses a whole message over one part it cannot take: a link too long or that is no URL (a
 * paper's links come from its feed), two buttons with one custom id (a paper listed twice). A roundup, a
 * share or a watch DM with such a paper must still go out, without that part.
 */
let fake: FakeDiscord;
let platform: DiscordPlatform;

beforeAll(async () => {
  ({ fake, platform } = await platformOnFake(recordingHandlers().handlers));
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});

/** A paper Hugging Face lists without an arXiv id: its project page is its only link. */
function paper(projectPage: string, githubRepo: string | null = null): StoredPaper {
  return {
    id: 'title:3f2a9c',
    arxivId: null,
    title: 'A Paper Known Only by Its Project Page',
    abstract: 'It has no arXiv id.',
    authors: ['Ada Lovelace'],
    authorCount: 1,
    organization: null,
    publishedAt: '2024-10-22',
    feedDate: '2024-10-25',
    upvotes: 12,
    comments: 0,
    githubRepo,
    projectPage,
    teamVotes: 0,
    teamReplies: 0,
    firstSeenAt: '2024-10-25T08:00:00Z',
  };
}

async function posted(p: StoredPaper): Promise<RestCall> {
  const ref = await platform.post(`discord:${fake.channelId}`, {
    visibility: 'channel',
    title: 'Morning roundup',
    papers: [
      { paper: p, rank: 1 },
      { paper: { ...p, id: 'title:77aa01', title: 'Another one' }, rank: 2 },
    ],
  });
  const id = ref.split(':')[2];
  return fake.calls.find((c) => (c.response as { id?: string } | undefined)?.id === id) as RestCall;
}

describe('paper links Discord would refuse', () => {
  it('GIVEN a project page URL of 2,100 characters THEN the post goes out, its title unlinked', async () => {
    const call = await posted(paper(`https://example.org/${'a'.repeat(2100)}`));
    const body = call.body as { embeds: { title: string; url?: string }[] };
    expect(body.embeds[0]?.title).toBe('1. A Paper Known Only by Its Project Page');
    expect(body.embeds[0]?.url).toBeUndefined();
  });

  it('GIVEN a project page and code link that are no URL (a port out of range) THEN the post goes out without them', async () => {
    const call = await posted(
      paper('https://example.org:99999/project', 'https://github.com:70000/org/repo'),
    );
    const body = call.body as {
      embeds: { url?: string }[];
      components: { components: { url?: string }[] }[];
    };
    expect(body.embeds[0]?.url).toBeUndefined();
    expect(body.components.flatMap((r) => r.components).filter((b) => b.url)).toEqual([]);
  });
});

describe('a paper listed twice', () => {
  it.each([
    ['a row each (up to 5 papers)', 2],
    ['Share buttons packed (more than 5)', 7],
  ])(
    'GIVEN it shareable twice, %s THEN the DM goes out with one Share button for it',
    async (_what, count) => {
      const twice = paper('https://example.org/project');
      const others = Array.from({ length: count - 2 }, (_, i) => ({
        ...twice,
        id: `title:other${i}`,
        title: `Other paper ${i}`,
      }));
      const outcome = await platform.postDirect(`discord:${fake.users.alice.user.id}`, {
        visibility: 'ephemeral',
        title: `${count} new papers for your watches`,
        papers: [twice, ...others, twice].map((p, i) => ({ paper: p, rank: i + 1, shareable: true })),
      });
      expect(outcome.sent).toBe(true);
      const id = outcome.sent ? outcome.message.split(':')[2] : '';
      const call = fake.calls.find((c) => (c.response as { id?: string } | undefined)?.id === id) as RestCall;
      const ids = (call.body as { components: { components: { custom_id?: string }[] }[] }).components
        .flatMap((r) => r.components)
        .flatMap((b) => b.custom_id ?? []);
      expect(ids.filter((c) => c === 'share:title:3f2a9c')).toHaveLength(1);
      expect(ids).toHaveLength(count - 1);
    },
  );
});
