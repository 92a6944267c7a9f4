import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import { type RunningBot, startBot } from '../../../src/app/main.ts';
import { type Archive, NOW, openArchive } from '../../commands/archive.ts';
import { platformContract } from '../../contract/platform.contract.ts';
import { type FakeHf, startFakeHf } from '../../fakes/hf-server.ts';
import { consoleUnderContract } from './contract-harness.ts';

platformContract(consoleUnderContract);

/** A screen that remembers everything written and lets a test wait for a pattern to appear. */
class Screen {
  text = '';
  #waiters: { pattern: RegExp; resolve: () => void }[] = [];
  write(chunk: string): boolean {
    this.text += chunk;
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.pattern.test(this.text)) return true;
      w.resolve();
      return false;
    });
    return true;
  }
  waitFor(pattern: RegExp): Promise<void> {
    if (pattern.test(this.text)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }
}

describe('the console, end to end', () => {
  let archive: Archive;
  let fake: FakeHf;
  let input: PassThrough;
  let screen: Screen;
  let bot: RunningBot;
  beforeEach(async () => {
    archive = await openArchive();
    await archive.store.close();
    fake = await startFakeHf({ today: '2025-11-12' });
    input = new PassThrough();
    screen = new Screen();
    const config = loadConfig({
      DATABASE_URL: `sqlite:${archive.path}`,
      HF_API_URL: fake.url,
      ARXIV_API_URL: fake.arxivUrl,
      LOG_LEVEL: 'silent',
    });
    bot = await startBot(config, { platforms: ['console'], input, output: screen, now: () => NOW });
  });
  afterEach(async () => {
    await bot.stop();
    await fake.close();
    await archive.close();
  });

  /** Types the lines, ends the input, and waits until the console has answered all of them. */
  async function session(...lines: string[]): Promise<string> {
    input.end(`${lines.join('\n')}\n`);
    await bot.closed;
    return screen.text;
  }

  it('searches, upvotes the first result, and shows it in /papers top with one vote', async () => {
    const out = await session('/papers unlearning', ':+1: 1', '/papers top all');
    expect(out).toMatch(/^paperboy console: you are in console:local\./);
    const search = out.indexOf('== Papers matching "unlearning" ==');
    expect(search).toBeGreaterThan(0);
    const first = /\n 1\. (.+)\n/.exec(out.slice(search))?.[1] ?? '';
    expect(first).toMatch(/unlearn/i);
    expect(out).toContain('[console:local] paperboy posted:');
    expect(out).toContain(`You reacted :+1: on “${first}”.`);
    const top = out.slice(out.indexOf('== Top papers of all time =='));
    expect(top).toContain(` 1. ${first}\n`);
    expect(top).toMatch(/· 1 team vote\n/);
    expect(top).toContain('Voted by console:you');
  });

  it('answers each line before reading on, so a reply can be awaited', async () => {
    await screen.waitFor(/quit to leave\.\n/);
    input.write('/papers today\n');
    await screen.waitFor(/== Papers of Friday 25 October 2024 ==/);
    input.write(':fire: 2\n');
    await screen.waitFor(/You reacted :fire: on “Can Knowledge Editing Really Correct Hallucinations\?”/);
    input.write('-:fire: 2\n');
    await screen.waitFor(/You took back :fire:/);
    input.write('/papers top\n');
    await screen.waitFor(/No votes this week yet/);
    input.write('quit\n');
    await bot.closed;
  });

  it('shares by arXiv id, then a vote on the shared message needs no second post', async () => {
    const out = await session('/papers share 2602.23229 worth a look', ':+1: 1', '👍 1', '/papers top week');
    expect(out.match(/paperboy posted:/g)).toHaveLength(1);
    expect(out).toContain('Shared by you: “worth a look”');
    expect(out).toContain(
      'Shared “Large Multimodal Models as General In-Context Classifiers” in this channel.',
    );
    expect(out).toMatch(/== Top papers this week ==\n 1\. Large Multimodal Models[^\n]*\n[^\n]*1 team vote/);
  });

  it('a reaction line without a paper number changes nothing: the next vote lands on the search shown', async () => {
    const out = await session(
      '/papers unlearning',
      ':+1:',
      ':+1: x',
      ':+1: 1 2',
      ':+1: 1',
      '/papers top all',
    );
    const search = out.slice(out.indexOf('== Papers matching "unlearning" =='));
    const first = /\n 1\. (.+)\n/.exec(search)?.[1] ?? '';
    for (const line of [':+1:', ':+1: x', ':+1: 1 2']) {
      expect(out).toContain(
        `"${line}" looks like a reaction: give the number of a paper from the last reply, e.g. :+1: 1. Nothing changed.\n`,
      );
    }
    expect(out.match(/== Papers matching/g)).toHaveLength(1);
    expect(out).toContain(`You reacted :+1: on “${first}”.`);
    expect(out.slice(out.indexOf('== Top papers of all time =='))).toContain(` 1. ${first}\n`);
  });

  it('reactions are a set on each message, as on Slack and Discord: each line says what it did', async () => {
    const out = await session(
      '/papers unlearning',
      ':smile: 2',
      ':+1: 1',
      ':smile: 1',
      '👍 1',
      '-👍 1',
      '-:+1: 1',
      ':pushpin: 1',
      ':pushpin: 1',
      '-:pushpin: 2',
      '/papers top all',
    );
    const search = out.slice(out.indexOf('== Papers matching "unlearning" =='));
    const [first, second] = [1, 2].map((n) => new RegExp(`\n ${n}\\. (.+)\n`).exec(search)?.[1] ?? '');
    // A non-vote on a private result shares nothing: only the vote on paper 1 posts.
    expect(out).toContain(
      `:smile: is no vote and no pin, so “${second}” was not shared for it: only 👍 ⬆️ 🔥 ❤️ (votes) and 📌 (the reading list) count. Nothing changed.`,
    );
    expect(out.match(/paperboy posted:/g)).toHaveLength(1);
    expect(out).toContain(
      `You reacted :smile: on “${first}”. Only 👍 ⬆️ 🔥 ❤️ (votes) and 📌 (the reading list) count.`,
    );
    expect(out).toContain(`You already reacted :+1: on “${first}”; nothing changed.`);
    // Taken back as 👍, the :+1: given goes: the vote is gone, and a second take-back finds nothing.
    expect(out).toContain(`You took back 👍 on “${first}”.`);
    expect(out).toContain(`You have not reacted :+1: on “${first}”, so there is nothing to take back.`);
    expect(out).toContain(
      `You reacted :pushpin: on “${first}”: it is on this channel's reading list (/papers list).`,
    );
    expect(out).toContain(`You already reacted :pushpin: on “${first}”; nothing changed.`);
    expect(out).toContain(`You have not reacted :pushpin: on “${second}”, so there is nothing to take back.`);
    expect(out).toContain('No votes of all time yet');
  });

  it('explains a reaction it cannot place, and unknown input, without stopping', async () => {
    const out = await session(
      ':+1: 1',
      '/papers zyxwvut',
      '/papers unlearning',
      ':+1: 9',
      '-:+1: 1',
      '/nope',
      'help',
      'quit',
      '/papers today',
    );
    expect(out).toContain('There are no papers to react to yet');
    expect(out).toContain('No papers match "zyxwvut"');
    expect(out).toContain('The last reply shows papers 1 to 5; there is no paper 9.');
    expect(out).toMatch(/You have not reacted :\+1: on “[^”]+”, so there is nothing to take back\./);
    expect(out).toContain('"/nope" is not something I know. Type help.');
    expect(out).toContain('Console keys:');
    expect(out).not.toContain('Papers of Friday');
  });
});
