import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topCommand } from '../../commands/top.ts';
import { type Archive, context, NOW, openArchive } from './archive.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

describe('/papers top', () => {
  let archive: Archive;
  beforeEach(async () => {
    archive = await openArchive(['daily']);
    const { store } = archive;
    const post = (message: string, paperId: string) =>
      store.recordPost({
        message,
        channel: 'slack:C1',
        paperId,
        kind: 'share',
        postedBy: null,
        postedAt: ago(40),
      });
    await post('slack:C1:1', '2410.17243');
    await post('slack:C1:2', '2410.16251');
    await post('slack:C1:3', '2410.18533');
    const vote = (message: string, user: string, days: number) =>
      store.addReaction({ message, user, emoji: '+1', at: ago(days) });
    await vote('slack:C1:1', 'slack:U1', 1);
    await vote('slack:C1:1', 'slack:U2', 2);
    await vote('slack:C1:2', 'slack:U1', 20);
    await vote('slack:C1:2', 'slack:U2', 20);
    await vote('slack:C1:2', 'slack:U3', 20);
    await vote('slack:C1:3', 'slack:U1', 90);
  });
  afterEach(() => archive.close());

  const top = (period?: string) => topCommand.run(context(archive.store), period ? { period } : {});

  it('GIVEN no period THEN this week, with who voted', async () => {
    const reply = await top();
    expect(reply.title).toBe('Top papers this week');
    expect(reply.papers).toEqual([expect.objectContaining({ rank: 1, voters: ['slack:U2', 'slack:U1'] })]);
    expect(reply.papers?.[0]?.paper).toMatchObject({ id: '2410.17243', teamVotes: 2 });
  });

  it('GIVEN month THEN the last 30 days, most votes first', async () => {
    const reply = await top('month');
    expect(reply.title).toBe('Top papers this month');
    expect(reply.papers?.map((p) => [p.paper.id, p.voters?.length])).toEqual([
      ['2410.16251', 3],
      ['2410.17243', 2],
    ]);
  });

  it('GIVEN all THEN every vote ever', async () => {
    const reply = await top('all');
    expect(reply.title).toBe('Top papers of all time');
    expect(reply.papers?.map((p) => p.paper.id)).toEqual(['2410.16251', '2410.17243', '2410.18533']);
  });

  it('GIVEN no votes THEN how to vote', async () => {
    const empty = await openArchive([]);
    try {
      const reply = await topCommand.run(context(empty.store), {});
      expect(reply).toEqual({
        visibility: 'ephemeral',
        text: expect.stringMatching(/^No votes this week yet\. To vote, react 👍 on a paper the bot posted/),
      });
    } finally {
      await empty.close();
    }
  });
});
