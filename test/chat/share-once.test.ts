import { afterEach, describe, expect, it } from 'vitest';
import { NOW } from '../commands/archive.ts';
import { type BotHarness, botHarness } from './harness.ts';

const ID = '2410.17243';
const TITLE = /“Breaking the Memory Barrier/;

describe('a paper shared twice in a channel moments apart is posted once', () => {
  let h: BotHarness;
  let now = NOW;
  afterEach(() => h.close());
  const start = async () => {
    now = NOW;
    h = await botHarness({ now: () => now });
  };
  const press = (user: string, channel = 'slack:C1') =>
    h.handlers.onShare({ platform: 'slack', channel, user, userName: null, paperId: ID });

  it('GIVEN a share THEN the same person sharing it again gets where it is, and nothing is posted', async () => {
    await start();
    expect((await h.command(`share ${ID}`)).text).toMatch(/^Shared/);
    now = new Date(NOW.getTime() + 5 * 60_000);
    const again = await h.command(`share ${ID}`);
    expect(again.visibility).toBe('ephemeral');
    expect(again.text).toMatch(
      /^You shared “Breaking the Memory Barrier.*” here 5 minutes ago, so it is not posted again/,
    );
    expect(again.text).toMatch(/react on that post to vote\.$/);
    expect(h.platform.posts).toHaveLength(1);
  });

  it('GIVEN a share THEN a teammate sharing it with a note is told where the note belongs', async () => {
    await start();
    await h.command(`share ${ID}`);
    const again = await h.command(`share ${ID} worth a read`, 'slack:U2');
    expect(again.text).toMatch(/^A teammate shared .* here just now/);
    expect(again.text).toMatch(/add your note as a reply in its thread\.$/);
    expect(h.platform.posts).toHaveLength(1);
  });

  it('GIVEN Share pressed twice at once THEN one post, and the second press says so', async () => {
    await start();
    const [first, second] = await Promise.all([press('slack:U1'), press('slack:U1')]);
    expect(h.platform.posts).toHaveLength(1);
    expect([first.text, second.text].filter((t) => /^Shared/.test(t ?? ''))).toHaveLength(1);
    expect([first.text, second.text].filter((t) => /not posted again/.test(t ?? ''))).toHaveLength(1);
  });

  it('GIVEN a share in one channel THEN another channel still gets its own post', async () => {
    await start();
    await press('slack:U1');
    expect((await press('slack:U1', 'slack:C2')).text).toMatch(TITLE);
    expect(h.platform.posts.map((p) => p.channel)).toEqual(['slack:C1', 'slack:C2']);
  });

  it('GIVEN a share over an hour ago THEN sharing it again posts it again', async () => {
    await start();
    await h.command(`share ${ID}`);
    now = new Date(NOW.getTime() + 61 * 60_000);
    expect((await h.command(`share ${ID}`, 'slack:U2')).text).toMatch(/^Shared/);
    expect(h.platform.posts).toHaveLength(2);
  });
});
