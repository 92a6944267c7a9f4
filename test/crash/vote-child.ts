import { readFileSync } from 'node:fs';
import { Bot } from '../../src/chat/bot.ts';
import { DEFAULT_UPVOTE_EMOJI } from '../../src/chat/emoji.ts';
import type { ReactionEvent } from '../../src/chat/platform.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { createLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { RecordingPlatform } from '../fakes/recording-platform.ts';
import { progress } from './child-process.ts';

/**
 * A process that applies reaction events through the real Bot (onReaction, as every platform adapter calls
 * it) to a SQLite archive, from event `from` on, reporting `apply i` / `done i` around each.
 * Usage: vote-child.ts <db path> <events.json> <from>
 */
const [path, eventsPath, fromArg] = process.argv.slice(2);
if (!path || !eventsPath || fromArg === undefined) throw new Error('usage: <db> <events.json> <from>');
const events = JSON.parse(readFileSync(eventsPath, 'utf8')) as ReactionEvent[];
const store = SqliteStore.open(path);
const nowhere = 'http://127.0.0.1:9';
const bot = new Bot({
  store,
  hf: new HfClient({ baseUrl: nowhere, retries: 0 }),
  arxiv: new ArxivClient({ baseUrl: nowhere, retries: 0 }),
  upvoteEmoji: DEFAULT_UPVOTE_EMOJI,
  // Errors reach the parent on stderr: onReaction logs a failed vote, then rejects and ends this child.
  logger: createLogger('error', process.stderr),
});
const { onReaction } = bot.handlersFor(new RecordingPlatform('slack'));
progress('ready');
for (let i = Number(fromArg); i < events.length; i++) {
  progress(`apply ${i}`);
  await onReaction(events[i] as ReactionEvent);
  progress(`done ${i}`);
}
await store.close();
progress('complete');
