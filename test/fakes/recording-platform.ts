import type {
  ChannelRef,
  ChatPlatform,
  InboundHandlers,
  MessageRef,
  PlatformName,
  Reply,
} from '../../src/chat/platform.ts';

/** A message the fake platform was asked to post. */
export interface RecordedPost {
  channel: ChannelRef;
  message: MessageRef;
  reply: Reply;
}

/**
 * A chat platform that keeps what the bot did to it: posts (with the refs it handed out) and the bot's
 * own reactions. `failPosts` makes the next posts reject, as a platform refusing a channel would.
 */
export class RecordingPlatform implements ChatPlatform {
  readonly posts: RecordedPost[] = [];
  readonly reactions: { message: MessageRef; emoji: string }[] = [];
  handlers: InboundHandlers | null = null;
  failPosts: Error | null = null;
  #next = 1;

  constructor(readonly name: PlatformName = 'slack') {}

  async start(handlers: InboundHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async stop(): Promise<void> {
    this.handlers = null;
  }

  async post(channel: ChannelRef, reply: Reply): Promise<MessageRef> {
    if (this.failPosts) throw this.failPosts;
    const message = `${channel}:${this.#next++}`;
    this.posts.push({ channel, message, reply });
    return message;
  }

  async react(message: MessageRef, emoji: string): Promise<void> {
    this.reactions.push({ message, emoji });
  }
}
