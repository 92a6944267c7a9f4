import type {
  ChannelRef,
  ChatPlatform,
  InboundHandlers,
  MessageRef,
  PlatformName,
  PostOptions,
  Reply,
} from '../../src/chat/platform.ts';

let instances = 0;

/** A message the fake platform was asked to post. */
export interface RecordedPost {
  channel: ChannelRef;
  message: MessageRef;
  reply: Reply;
  options: PostOptions;
}

/**
 * A chat platform that keeps what the bot did to it: posts (with the refs it handed out) and the bot's
 * own reactions. `failPosts` makes the next posts reject, as a platform refusing a channel would.
 * Idempotency keys work as the port promises on a platform that looks messages up (Slack): a key repeated
 * in this instance returns the earlier message; a key another instance used is found only when the post
 * says `since` (without it, it posts again, as Slack would). Instances sharing one `keys` map are
 * processes sharing one chat service.
 */
export class RecordingPlatform implements ChatPlatform {
  readonly posts: RecordedPost[] = [];
  /** Posts answered with an earlier message for their key, and their options. */
  readonly repeats: RecordedPost[] = [];
  readonly reactions: { message: MessageRef; emoji: string }[] = [];
  handlers: InboundHandlers | null = null;
  failPosts: Error | null = null;
  #next = 1;
  /** Refs differ between instances, as two processes' messages differ on a real platform. */
  readonly #instance = ++instances;

  constructor(
    readonly name: PlatformName = 'slack',
    readonly keys: Map<string, { message: MessageRef; instance: number }> = new Map(),
  ) {}

  async start(handlers: InboundHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async stop(): Promise<void> {
    this.handlers = null;
  }

  async post(channel: ChannelRef, reply: Reply, options: PostOptions = {}): Promise<MessageRef> {
    if (this.failPosts) throw this.failPosts;
    const key = options.idempotencyKey;
    const earlier = key === undefined ? undefined : this.keys.get(key);
    if (earlier && (earlier.instance === this.#instance || options.since !== undefined)) {
      this.repeats.push({ channel, message: earlier.message, reply, options });
      return earlier.message;
    }
    const message = `${channel}:${this.#instance}.${this.#next++}`;
    this.posts.push({ channel, message, reply, options });
    if (key !== undefined) this.keys.set(key, { message, instance: this.#instance });
    return message;
  }

  async react(message: MessageRef, emoji: string): Promise<void> {
    this.reactions.push({ message, emoji });
  }
}
