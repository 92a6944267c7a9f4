import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import type { Reply } from '../../src/chat/platform.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { context } from '../commands/archive.ts';
import { paper } from './store.contract.ts';

/*
 * Replies the real commands give to what a person types, for tests of what those replies become: the
 * property tests check the replies themselves, the platform contract checks them as delivered.
 */

/** The paper every archive holds, which `share` and `search` find offline. */
export const SHARED_PAPER_ID = '2410.17243';

/** A temporary SQLite archive and a runner that answers `/papers` text as the core does. */
export interface CommandArchive {
  store: SqliteStore;
  /** Parses `text` as Slack and the console deliver it and runs the command; a parse error is the reply. */
  run(text: string, userName?: string | null): Promise<Reply>;
  close(): Promise<void>;
}

export async function openCommandArchive(): Promise<CommandArchive> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-commands-'));
  const store = SqliteStore.open(join(dir, 'archive.db'));
  await store.upsertPapers([
    paper({
      arxivId: SHARED_PAPER_ID,
      title: 'Machine Unlearning Near the Boundary',
      abstract: 'Unlearning.',
    }),
  ]);
  return {
    store,
    async run(text, userName = 'Ada') {
      const parsed = parseCommandText(text, COMMANDS);
      if ('error' in parsed) return { visibility: 'ephemeral', text: parsed.error };
      return parsed.command.run(context(store, { userName }), parsed.args);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Hostile text for every field of a stored paper, and for what a person adds to it. */
export interface HostileInput {
  n: number;
  title: string;
  abstract: string;
  author: string;
  org: string;
  note: string;
  userName: string | null;
  query: string;
}

/**
 * Stores a paper whose every text field is hostile (under a real arXiv id, `unlearning` in its title so a
 * search finds it), then answers a share of it with a hostile note and display name, a search for it with
 * a hostile query echoed back, and the hostile query typed as a whole command.
 */
export async function repliesToHostileInput(archive: CommandArchive, input: HostileInput): Promise<Reply[]> {
  const id = `2410.${String(10000 + (input.n % 50))}`;
  const stored: Paper = {
    id,
    arxivId: id,
    title: `unlearning ${input.title}`,
    abstract: input.abstract,
    authors: [input.author],
    authorCount: 1,
    organization: { id: input.org, name: input.org },
    publishedAt: '2024-10-22',
    feedDate: '2024-10-25',
    upvotes: 1,
    comments: 0,
    aiSummary: input.abstract,
  };
  await archive.store.upsertPapers([stored]);
  const replies: Reply[] = [];
  for (const text of [
    `share ${id} ${input.note}`,
    `search unlearning ${input.query}`,
    input.query,
    `cite ${id}`,
  ]) {
    replies.push(await archive.run(text, input.userName));
  }
  return replies;
}

/**
 * The replies to one overlong input at every entry point a person can type into: a share note, the share
 * argument, a display name, and a search.
 */
export async function repliesToOverlongInput(archive: CommandArchive, text: string): Promise<Reply[]> {
  return [
    await archive.run(`share ${SHARED_PAPER_ID} ${text}`),
    await archive.run(`share ${text}`),
    await archive.run(`share ${SHARED_PAPER_ID} read this`, text),
    await archive.run(`search ${text}`),
  ];
}
