import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, botHarness } from './harness.ts';

const ID = '2410.17243';

/** A paper shows what the team did with it wherever it appears, sections of a reply included. */
describe('team lines in every part of a reply', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await botHarness();
    expect((await h.command(`share ${ID}`)).text).toMatch(/^Shared/);
    const message = h.platform.posts[0]?.message ?? '';
    await h.react(message, '+1', 'slack:U2');
    await h.react(message, 'pushpin', 'slack:U3');
  });
  afterEach(() => h.close());

  it("GIVEN a voted, pinned paper THEN `list` and `list all`'s sections both show its vote and its share", async () => {
    const list = await h.command('list');
    expect(list.papers?.[0]?.paper.id).toBe(ID);
    expect(list.papers?.[0]?.team).toMatchObject({ votes: 1, share: { here: true } });
    const all = await h.command('list all');
    const item = all.sections?.[0]?.papers[0];
    expect(item?.paper.id).toBe(ID);
    expect(item?.team).toMatchObject({ votes: 1, share: { here: true } });
  });
});
