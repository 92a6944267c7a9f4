import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksOf, respondedTo, SEED_PAPERS, type SlackHarness, startSlackHarness } from './harness.ts';

describe('Slack over HTTP, end to end through Bolt and the real bot', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ hfTimeoutMs: 1000 });
  });
  afterAll(() => h.close());

  it('answers the url_verification challenge', async () => {
    const res = await h.send(
      JSON.stringify({ token: 't', challenge: 'c0ffee', type: 'url_verification' }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c0ffee' });
  });

  it('/papers unlearning: acks at once, then responds privately with results and Share buttons', async () => {
    const { res, responseUrl } = await h.command('unlearning');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');

    const call = await respondedTo(h, responseUrl);
    expect(call.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    for (const p of SEED_PAPERS) expect(blocksOf(call)).toContain(p.title);
    const buttons = (call.body.blocks as { accessory?: { action_id: string; value: string } }[])
      .map((b) => b.accessory)
      .filter((a) => a?.action_id === 'share_paper');
    expect(buttons.map((b) => b?.value)).toEqual(SEED_PAPERS.map((p) => p.id));
  });

  it('runs a search without asking Slack who the person is: users.info only for a settings change', async () => {
    const { responseUrl } = await h.command('unlearning', { user: 'U0NEWCOMER' });
    await respondedTo(h, responseUrl);
    const asked = (user: string) =>
      h.api.calls.filter((c) => c.method === 'users.info' && c.body.user === user);
    expect(asked('U0NEWCOMER')).toEqual([]);
    const change = await h.command('roundup size 3', { user: 'U0NEWCOMER', channel: 'CSEARCH' });
    expect(String((await respondedTo(h, change.responseUrl)).body.text)).toMatch(/Only the workspace admins/);
    expect(asked('U0NEWCOMER')).toHaveLength(1);
  });

  it('tells a person whose admin status Slack would not give that the check failed, not that only admins may', async () => {
    // users.info fails past the client's retries for this one lookup.
    h.api.script(
      'users.info',
      Array.from({ length: 4 }, () => ({ status: 500 })),
    );
    const { responseUrl } = await h.command('roundup on', { user: 'U0WSOWNER', channel: 'CCHECK' });
    const told = String((await respondedTo(h, responseUrl)).body.text);
    expect(told).toMatch(
      /^I could not check whether you may change this channel's roundup: Slack did not say/,
    );
    expect(told).toMatch(/Try again in a minute\.$/);
    expect(await h.store.getChannelSettings('slack:CCHECK')).toBeNull();
  });

  it('lets workspace admins and configured admins change the roundup, and nobody else', async () => {
    const by = async (user: string, text: string) => {
      const { responseUrl } = await h.command(text, { user, channel: 'CROUND' });
      return String(
        (await respondedTo(h, responseUrl)).body.text ??
          JSON.stringify((await respondedTo(h, responseUrl)).body),
      );
    };
    expect(await by('U0MEMBER', 'roundup on')).toMatch(/Only the workspace admins/);
    expect(await h.store.getChannelSettings('slack:CROUND')).toBeNull();
    expect(await by('UWSADMIN', 'roundup on')).toMatch(/Saved/);
    expect(await by('U0ADMIN', 'roundup at 08:15 Europe/Paris')).toMatch(/08:15 Europe\/Paris/);
    expect(await h.store.getChannelSettings('slack:CROUND')).toMatchObject({
      enabled: true,
      time: '08:15',
      timezone: 'Europe/Paris',
      updatedBy: 'slack:U0ADMIN',
    });
    expect(await by('U0MEMBER', 'roundup')).toMatch(/Roundup in this channel: on/);
  });

  it('the Share button posts the paper in the channel, credited, and confirms privately', async () => {
    const paper = SEED_PAPERS[0]!;
    const { res, responseUrl } = await h.pressShare(paper.id, { user: 'U0ALICE', channel: 'C0GENERAL' });
    expect(res.status).toBe(200);
    const post = await h.api.waitFor(
      (c) => c.method === 'chat.postMessage' && blocksOf(c).includes(paper.title),
    );
    expect(post.body.channel).toBe('C0GENERAL');
    expect(blocksOf(post)).toContain('Shared by <@U0ALICE>');
    expect(post.body).not.toHaveProperty('link_names');
    // Joined first, so Slack will send the reactions (votes) on this post.
    const join = h.api.calls.findIndex(
      (c) => c.method === 'conversations.join' && c.body.channel === 'C0GENERAL',
    );
    expect(join).toBeGreaterThanOrEqual(0);
    expect(join).toBeLessThan(h.api.calls.indexOf(post));
    const confirm = await respondedTo(h, responseUrl);
    expect(confirm.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(confirm.body)).toContain('Shared');
    // The bot seeds the first upvote emoji on its own post.
    await h.api.waitFor((c) => c.method === 'reactions.add' && c.body.name === '+1');
  });

  describe('a shared paper with a hostile note, and votes on it', () => {
    let message: { channel: string; ts: string };
    let reactions = 0;
    const votes = async () => (await h.store.topVoted(null, 10)).find((e) => e.paper.id === '2410.17243');
    const react = async (type: 'reaction_added' | 'reaction_removed', user: string, emoji: string) => {
      const res = await h.reaction(type, message, user, emoji);
      expect(res.status).toBe(200);
      await h.reactionsHandled(++reactions);
    };

    beforeAll(async () => {
      reactions = (await h.reactionsHandled(0)).length;
      const { responseUrl } = await h.command('share 2410.17243 great read <!channel>', { user: 'U0BOB' });
      const post = await h.api.waitFor(
        (c) => c.method === 'chat.postMessage' && blocksOf(c).includes('Breaking the Memory Barrier'),
      );
      const answer = h.api.messages.find((m) => JSON.stringify(m.blocks) === blocksOf(post))!;
      message = { channel: answer.channel, ts: answer.ts };
      await respondedTo(h, responseUrl);
    });

    it('posts it credited to the sharer, the note escaped so it pings nobody', () => {
      const post = h.api.calls.find(
        (c) => c.method === 'chat.postMessage' && blocksOf(c).includes('great read'),
      )!;
      const raw = JSON.stringify(post.body);
      expect(raw).toContain('Shared by <@U0BOB>: great read &lt;!channel&gt;');
      expect(raw).not.toContain('<!channel>');
    });

    it('counts a person once however many upvote emoji, never the bot, and counts down on removal', async () => {
      await react('reaction_added', 'U0CAROL', '+1');
      expect((await votes())?.votes).toBe(1);
      await react('reaction_added', 'U0CAROL', 'fire');
      expect((await votes())?.votes).toBe(1);
      await react('reaction_added', 'UBOT0001', 'heart');
      expect((await votes())?.voters).toEqual(['slack:U0CAROL']);
      await react('reaction_added', 'U0DAVE', 'thumbsup::skin-tone-3');
      expect((await votes())?.votes).toBe(2);
      await react('reaction_added', 'U0ERIN', 'eyes');
      expect((await votes())?.votes).toBe(2);

      const { responseUrl } = await h.command('top all');
      const top = await respondedTo(h, responseUrl);
      expect(blocksOf(top)).toContain('Breaking the Memory Barrier');
      expect(blocksOf(top)).toContain('2 team votes');
      expect(blocksOf(top)).toMatch(/Voted by U0CAROL, U0DAVE/);

      await react('reaction_removed', 'U0DAVE', 'thumbsup::skin-tone-3');
      expect((await votes())?.votes).toBe(1);
      await react('reaction_removed', 'U0CAROL', '+1');
      expect((await votes())?.votes).toBe(1);
      await react('reaction_removed', 'U0CAROL', 'fire');
      expect(await votes()).toBeUndefined();
    });

    it.each([
      [
        'a forged signature',
        { signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000' },
      ],
      ['a missing signature', { signature: null }],
      ['a stale timestamp (6 minutes old)', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ])('refuses %s with 401 and changes nothing', async (_what, forge) => {
      const before = h.api.calls.length;
      const votesBefore = (await votes())?.votes;
      const cmd = await h.command('share 2410.16251 sneaky', {}, forge);
      const evt = await h.reaction('reaction_added', message, 'U0MALLORY', '+1', forge);
      expect([cmd.res.status, evt.status]).toEqual([401, 401]);
      // A 401 is sent before any dispatch, so nothing can still be in flight.
      expect(h.api.calls.length).toBe(before);
      expect((await votes())?.votes).toBe(votesBefore);
    });
  });

  it('acks before slow work: the HTTP answer comes while the HF lookup still hangs', async () => {
    h.hf.script('/api/papers/2410.18533', [{ hang: true }]);
    const { res, responseUrl } = await h.command('share 2410.18533');
    expect(res.status).toBe(200);
    expect(h.api.calls.some((c) => c.method === 'respond' && responseUrl.endsWith(c.path))).toBe(false);
    await respondedTo(h, responseUrl);
  });

  it("share with a pasted link: Slack's <url|label> markup is unwrapped before the command sees it", async () => {
    const text =
      'share <https://arxiv.org/abs/2410.17243|arxiv.org/abs/2410.17243> see <https://example.org/notes>';
    const { res, responseUrl } = await h.command(text, { user: 'U0FRANK', channel: 'C0LINKS' });
    expect(res.status).toBe(200);
    const post = await h.api.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0LINKS');
    expect(blocksOf(post)).toContain('Breaking the Memory Barrier');
    expect(blocksOf(post)).toContain('Shared by <@U0FRANK>: see https://example.org/notes');
    expect(JSON.stringify((await respondedTo(h, responseUrl)).body)).toContain('Shared “Breaking the Memory');
  });

  it('waits out a 429 with Retry-After and the post lands', async () => {
    h.api.script('chat.postMessage', [
      { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } },
    ]);
    const paper = SEED_PAPERS[1]!;
    const { responseUrl } = await h.pressShare(paper.id, { channel: 'C0RANDOM' });
    const limited = await h.api.waitFor((c) => c.method === 'chat.postMessage' && c.status === 429);
    const landed = await h.api.waitFor(
      (c) => c.method === 'chat.postMessage' && c.status === 200 && c.body.channel === 'C0RANDOM',
      10_000,
    );
    expect(landed.at - limited.at).toBeGreaterThanOrEqual(1000);
    expect(JSON.stringify((await respondedTo(h, responseUrl)).body)).toContain('Shared');
  });
});
