import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import { type RunningBot, startBot } from '../../../src/app/main.ts';
import { type Archive, NOW, openArchive } from '../../commands/archive.ts';
import { type FakeHf, startFakeHf } from '../../fakes/hf-server.ts';

/** Everything the console wrote. */
class Screen {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * The reading list in the console, through the application as `npx paperboy console` starts it: the
 * configured reaction pins the paper of a posted message, `/papers list` shows it, `save`, `list all` and
 * `list remove` answer as on every platform.
 */
describe('the reading list in the console', () => {
  let archive: Archive;
  let fake: FakeHf;
  let bot: RunningBot;
  afterEach(async () => {
    await bot.stop();
    await fake.close();
    await archive.close();
  });

  async function session(env: Record<string, string>, ...lines: string[]): Promise<string> {
    archive = await openArchive();
    await archive.store.close();
    fake = await startFakeHf({ today: '2025-11-12' });
    const input = new PassThrough();
    const screen = new Screen();
    const config = loadConfig({
      DATABASE_URL: `sqlite:${archive.path}`,
      HF_API_URL: fake.url,
      ARXIV_API_URL: fake.arxivUrl,
      LOG_LEVEL: 'silent',
      ...env,
    });
    bot = await startBot(config, { platforms: ['console'], input, output: screen, now: () => NOW });
    input.end(`${lines.join('\n')}\n`);
    await bot.closed;
    return screen.text;
  }

  /** The part of the output after the `n`th (1-based) occurrence of `marker`. */
  const from = (out: string, marker: string, n = 1) => {
    let at = -1;
    for (let i = 0; i < n; i++) at = out.indexOf(marker, at + 1);
    return at < 0 ? '' : out.slice(at);
  };

  it('📌 on a shared paper lists it; taking the 📌 back empties the list; save, list all and remove answer', async () => {
    const out = await session(
      {},
      '/papers share 2602.23229',
      ':pushpin: 1',
      '/papers list',
      '-📌 1',
      '/papers list',
      '/papers save 2410.17243',
      '/papers save 2410.17243',
      '/papers list all',
      '/papers list remove 4',
      '/papers list remove 1',
      '/papers list',
    );
    const first = from(out, "== This channel's reading list (1) ==");
    expect(first).toMatch(
      /^[^\n]*\nNewest first[^\n]*\n 1\. Large Multimodal Models as General In-Context Classifiers\n/,
    );
    expect(first).toContain('📌 Added by console:you · today');
    expect(first).toContain('📌 reading list');
    // The 📌 is no vote.
    expect(first).toMatch(/· 0 team votes\n/);
    expect(from(out, 'You took back 📌')).toMatch(/This channel's reading list is empty/);
    expect(out).toContain(
      "Saved “Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss” to this channel's reading list.",
    );
    expect(out).toContain("is already on this channel's reading list: you saved it before.");
    expect(from(out, '== Reading lists of the channels you can see ==')).toMatch(
      /^[^\n]*\n== This channel's reading list ==\n 1\. Breaking the Memory Barrier/,
    );
    expect(out).toContain("There is no paper 4 on this channel's reading list (there is only paper 1).");
    expect(out).toContain('Took paper 1, “Breaking the Memory Barrier');
    expect(from(out, 'Took paper 1')).toMatch(/This channel's reading list is empty/);
  });

  it('READING_LIST_EMOJI picks the reaction: another emoji pins, 📌 then does nothing', async () => {
    const out = await session(
      { READING_LIST_EMOJI: 'bookmark' },
      '/papers share 2602.23229',
      ':pushpin: 1',
      '/papers list',
      ':bookmark: 1',
      '/papers list',
    );
    // 📌 is an ordinary reaction now: the first list is empty, the one after the bookmark is not.
    const empty = out.indexOf("This channel's reading list is empty");
    // The answers name the configured reaction.
    expect(out).toContain("This channel's reading list is empty. React 🔖 on a paper the bot posted");
    expect(empty).toBeGreaterThan(0);
    expect(out.indexOf("== This channel's reading list (1) ==")).toBeGreaterThan(empty);
    expect(from(out, 'You reacted :bookmark:')).toContain('📌 Added by console:you · today');
    expect(out).toContain(
      'You reacted :pushpin: on “Large Multimodal Models as General In-Context Classifiers”. Only 👍 ⬆️ 🔥 ❤️ (votes) and 🔖 (the reading list) count.',
    );
  });
});
