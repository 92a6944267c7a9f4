import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import { type RunningBot, startBot } from '../../../src/app/main.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import { type Archive, NOW, openArchive } from '../../commands/archive.ts';
import { type FakeHf, startFakeHf } from '../../fakes/hf-server.ts';

/** What the console wrote, all of it. */
class Screen {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('the console, searching beyond the archive', () => {
  let archive: Archive;
  let fake: FakeHf;

  beforeEach(async () => {
    archive = await openArchive();
    await archive.store.close();
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterEach(async () => {
    await fake.close();
    await archive.close();
  });

  /** Runs the configured bot on the console, types the lines, and returns the whole screen once it ends. */
  async function session(env: Record<string, string>, ...lines: string[]): Promise<string> {
    const input = new PassThrough();
    const screen = new Screen();
    const config = loadConfig({
      DATABASE_URL: `sqlite:${archive.path}`,
      HF_API_URL: fake.url,
      ARXIV_API_URL: fake.arxivUrl,
      LOG_LEVEL: 'silent',
      ...env,
    });
    const bot: RunningBot = await startBot(config, {
      platforms: ['console'],
      input,
      output: screen,
      now: () => NOW,
    });
    try {
      input.end(`${lines.join('\n')}\n`);
      await bot.closed;
    } finally {
      await bot.stop();
    }
    return screen.text;
  }

  it('shows Hugging Face’s papers under their heading; an upvote shares and archives one, with no feed day', async () => {
    const out = await session({}, '/papers kazakh', ':+1: 1');
    const heading = out.indexOf("== From Hugging Face, not yet in the team's archive ==");
    expect(heading).toBeGreaterThan(out.indexOf('== Papers matching "kazakh" =='));
    expect(out).toContain('No papers in the archive match "kazakh".');
    expect(out.slice(heading)).toMatch(/\n 1\. KazQAD: Kazakh Open-Domain Question Answering Dataset\n/);
    expect(out.slice(heading)).toMatch(/\n 5\. KazEmoTTS/);
    expect(out).toContain('[console:local] paperboy posted:');
    expect(out).toContain('You reacted :+1: on “KazQAD: Kazakh Open-Domain Question Answering Dataset”.');

    const store = SqliteStore.open(archive.path);
    try {
      expect(await store.getPaper('2404.04487')).toMatchObject({ feedDate: null, teamVotes: 1 });
      // Only the paper someone acted on was archived.
      expect(await store.getPaper('2403.19399')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('GIVEN SEARCH_REMOTE=off THEN the archive alone answers and Hugging Face is not asked', async () => {
    const out = await session({ SEARCH_REMOTE: 'off' }, '/papers kazakh');
    expect(out).toContain('No papers match "kazakh".');
    expect(out).not.toContain('From Hugging Face');
    expect(fake.requests.filter((r) => r.path === '/api/papers/search')).toEqual([]);
  });
});
