import { EventEmitter } from 'node:events';
import type {
  CommandInvocation,
  InboundHandlers,
  LinksPosted,
  ReactionEvent,
  ReactionsCleared,
  Reply,
  ShareAction,
  Suggestion,
  SuggestQuery,
  ThreadReplyEvent,
} from '../../src/chat/platform.ts';

/** A list that can be awaited: `waitFor` resolves with the first item (present or future) that matches. */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly events = new EventEmitter();

  push(item: T): void {
    this.items.push(item);
    this.events.emit('push');
  }

  /** Event-driven; the timeout is only a guard so a broken test fails instead of hanging. */
  waitFor(match: (item: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.items.find(match);
        if (found === undefined) return;
        clearTimeout(timer);
        this.events.off('push', check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.events.off('push', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.events.on('push', check);
      check();
    });
  }
}

/** Inbound handlers that record what the adapter delivered and answer with fixed replies. */
export function recordingHandlers(
  answer: (i: CommandInvocation) => Reply = () => ({ visibility: 'ephemeral', text: 'ok' }),
  suggest: (q: SuggestQuery) => Suggestion[] = () => [],
) {
  const commands = new Recorder<CommandInvocation>();
  const suggestions = new Recorder<SuggestQuery>();
  const shares = new Recorder<ShareAction>();
  const reactions = new Recorder<ReactionEvent>();
  const clears = new Recorder<ReactionsCleared>();
  const links = new Recorder<LinksPosted>();
  const replies = new Recorder<ThreadReplyEvent>();
  const handlers: InboundHandlers = {
    async onCommand(invocation) {
      commands.push(invocation);
      return answer(invocation);
    },
    async onShare(action) {
      shares.push(action);
      return { visibility: 'ephemeral', text: `Shared ${action.paperId}` };
    },
    async onReaction(event) {
      reactions.push(event);
    },
    async onReactionsCleared(clear) {
      clears.push(clear);
    },
    async onSuggest(query) {
      suggestions.push(query);
      return suggest(query);
    },
    async onLinks(event) {
      links.push(event);
      return [];
    },
    async onThreadReply(event) {
      replies.push(event);
    },
  };
  return { handlers, commands, shares, reactions, clears, suggestions, links, replies };
}
