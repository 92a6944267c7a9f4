import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
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

  it('posts in the console channel with --json: stdout is only the JSON, the console shows the roundup on stderr', async () => {
    const r = await runCli(['roundup', '--channel', 'console:local', '--date', '2024-10-25', '--json'], env);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout) as { channel: string; outcome: string }[];
    expect(result).toMatchObject({ channel: 'console:local', outcome: 'posted' });
    expect(r.stderr).toContain('[console:local] paperboy posted:');
    expect(r.stderr).toMatch(/Paper roundup for 2024-10-25/);
  });

  it('posts through Slack once, and a second run says it was already posted, when and by whom', async () => {
    const first = await runCli(['roundup', '--channel', 'slack:CROUND', '--date', '2024-10-25'], env);
    expect(first.stdout).toBe('slack:CROUND 2024-10-25: posted 6 messages (a header and one per paper).\n');
    expect(first.code).toBe(0);
    expect(posts()).toHaveLength(6);
    expect(String(posts()[0]?.body.text)).toMatch(/Paper roundup for 2024-10-25/);
    const again = await runCli(['roundup', '--channel', 'slack:CROUND', '--date', '2024-10-25'], env);
    expect(again.stdout).toMatch(
      /^slack:CROUND 2024-10-25: already posted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by a "paperboy roundup" run \(cli-.+-\d+\)\. A roundup goes out once per channel and day, so nothing was posted\.\n$/,
    );
    expect(again.code).toBe(0);
    expect(posts()).toHaveLength(6);
  });

  it('says who is posting a roundup right now, since when, and what to do', async () => {
    const store = SqliteStore.open(join(dir, 'archive.db'));
    try {
      expect(await store.claimRoundup('slack:CHELD', '2024-10-25', 'web-1-4242-a1b2c3', 600_000)).toBe(true);
    } finally {
      await store.close();
    }
    const r = await runCli(['roundup', '--channel', 'slack:CHELD', '--date', '2024-10-25'], env);
    expect(r.stdout).toMatch(
      /^slack:CHELD 2024-10-25: the bot instance web-1-4242-a1b2c3 has been posting it since .+ UTC and holds it until .+ UTC unless it renews its claim\. Nothing to do: if that process has died, the running bot takes over soon after, or run this again then; either way it resumes without posting anything twice\.\n$/,
    );
    expect(r.code).toBe(0);
    expect(slack.calls.some((c) => c.body.channel === 'CHELD')).toBe(false);
  });

  it('reports a failing roundup with its try, retries it on request, and says when it was given up', async () => {
    slack.refuse('CGONE', 'not_in_channel');
    const argv = ['roundup', '--channel', 'slack:CGONE', '--date', '2024-10-25'];
    const first = await runCli(argv, env);
    expect(first.stdout).toMatch(
      /^slack:CGONE 2024-10-25: failed: An API error occurred: not_in_channel\. That was try 1 of 5; the running bot tries again at .+ UTC, or run: npx paperboy roundup --channel slack:CGONE --date 2024-10-25 --retry\n$/,
    );
    expect(first.code).toBe(1);
    const early = await runCli(argv, env);
    expect(early.stdout).toMatch(
      /^slack:CGONE 2024-10-25: try 1 failed \(An API error occurred: not_in_channel\); the running bot tries again at .+ UTC\. To try now instead, run: .+ --retry\n$/,
    );
    for (let i = 2; i <= 4; i++)
      expect((await runCli([...argv, '--retry'], env)).stdout).toContain(`try ${i} of 5`);
    const last = await runCli([...argv, '--retry'], env);
    expect(last.stdout).toMatch(
      /^slack:CGONE 2024-10-25: given up after 5 failed tries, the last at .+ UTC: An API error occurred: not_in_channel\. Check that the bot is still in the channel and the channel is not archived, then run: .+ --retry\n$/,
    );
    expect(last.code).toBe(1);
    // Given up: a plain run does not try again...
    expect((await runCli(argv, env)).stdout).toContain('given up after 5 failed tries');
    // ...until someone fixes the channel and asks.
    slack.refuse('CGONE', null);
    const fixed = await runCli([...argv, '--retry', '--json'], env);
    const [result] = JSON.parse(fixed.stdout) as { outcome: string; ledger: { state: string } }[];
    expect(result).toMatchObject({ outcome: 'posted', ledger: { state: 'posted' } });
    expect(slack.messages.filter((m) => m.channel === 'CGONE')).toHaveLength(6);
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
