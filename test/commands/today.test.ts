import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todayCommand } from '../../commands/today.ts';
import { type Archive, context, openArchive } from './archive.ts';

describe('/papers today', () => {
  let archive: Archive;
  beforeEach(async () => {
    archive = await openArchive(['daily']);
  });
  afterEach(() => archive.close());

  it("GIVEN a day with papers THEN today's ten best, ranked, shareable", async () => {
    const now = () => new Date('2024-10-25T15:00:00Z');
    const reply = await todayCommand.run(context(archive.store, { now }), {});
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.title).toBe("Today's papers, Friday 25 October");
    expect(reply.text).toBeUndefined();
    expect(reply.papers).toHaveLength(10);
    expect(reply.papers?.[0]).toMatchObject({ rank: 1, shareable: true });
    expect(reply.papers?.[0]?.paper.title).toMatch(/^Breaking the Memory Barrier/);
  });

  it('GIVEN an empty today THEN the latest feed day, saying so', async () => {
    const now = () => new Date('2024-10-27T08:00:00Z');
    const reply = await todayCommand.run(context(archive.store, { now }), {});
    expect(reply.title).toBe('Papers of Friday 25 October');
    expect(reply.text).toBe("No papers yet today; here is Friday 25 October's feed (10 of 29 papers).");
    expect(reply.papers).toHaveLength(10);
  });

  it('GIVEN a latest day in another year THEN the year is named', async () => {
    const reply = await todayCommand.run(context(archive.store), {});
    expect(reply.title).toBe('Papers of Friday 25 October 2024');
  });

  it('GIVEN an archive with no feed days THEN how to fill it', async () => {
    const empty = await openArchive(['page']);
    try {
      const reply = await todayCommand.run(context(empty.store), {});
      expect(reply.papers).toBeUndefined();
      expect(reply.text).toMatch(/npx paperboy fetch/);
    } finally {
      await empty.close();
    }
  });
});
