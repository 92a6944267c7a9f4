import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { runCli } from './run-cli.ts';

const DAILY = new URL('../fixtures/hf-daily-papers-2024-10-25.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-roundup-cli-'));
let slack: FakeSlackApi;
let env: Record<string, string>;

beforeAll(async () => {
  slack = await startFakeSlackApi({ botToken: 'xoxb-cli' });
  env = {
    DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`,
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-cli',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: slack.apiUrl,
    ROUNDUP_CHANNELS: 'slack:CROUND',
  };
  // The fixture is 2024-10-25's feed; a saved response carries no day of its own, so the day is given.
  expect((await runCli(['ingest', DAILY, '--feed-date', '2024-10-25'], env)).code).toBe(0);
});
afterAll(async () => {
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'CROUND');

describe('paperboy roundup', () => {
  it('--dry-run --json shows the picks for a feed day and posts nothing', async () => {
    const r = await runCli(['roundup', '--date', '2024-10-25', '--dry-run', '--json'], env);
    expect(r.code).toBe(0);
    const [plan] = JSON.parse(r.stdout) as {
      channel: string;
      localDate: string;
      papers: { title: string }[];
    }[];
    expect(plan).toMatchObject({ channel: 'slack:CROUND', localDate: '2024-10-25' });
    expect(plan?.papers).toHaveLength(5);
    expect(posts()).toHaveLength(0);
  });

  it('posts through Slack once, and a second run finds it done', async () => {
    const first = await runCli(['roundup', '--channel', 'slack:CROUND', '--date', '2024-10-25'], env);
    expect(first.stdout).toBe('slack:CROUND 2024-10-25: posted\n');
    expect(first.code).toBe(0);
    expect(posts()).toHaveLength(6);
    expect(String(posts()[0]?.body.text)).toMatch(/Paper roundup for 2024-10-25/);
    const again = await runCli(['roundup', '--channel', 'slack:CROUND', '--date', '2024-10-25'], env);
    expect(again.stdout).toBe('slack:CROUND 2024-10-25: already-done\n');
    expect(posts()).toHaveLength(6);
  });

  it('says which day is empty and why', async () => {
    const r = await runCli(
      ['roundup', '--channel', 'slack:CROUND', '--date', '2024-11-02', '--dry-run'],
      env,
    );
    expect(r.stdout).toBe('slack:CROUND 2024-11-02: empty (weekend)\n');
  });

  it.each([
    [['roundup', '--channel', 'C123'], /platform-qualified/],
    [['roundup', '--date', 'tomorrow'], /--date must be a date/],
  ])('GIVEN %j THEN exit 2 with a clear sentence', async (argv, message) => {
    const r = await runCli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
