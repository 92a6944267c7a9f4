import type { Logger } from '../log.ts';
import { Leased } from '../store/lease.ts';
import type { PaperStore } from '../store/port.ts';
import type {
  ChannelRef,
  ChatPlatform,
  DirectOutcome,
  InboundHandlers,
  MessageRef,
  PlatformName,
  PostOptions,
  Reply,
  UserRef,
} from './platform.ts';

/**
 * A platform that may be connected from one instance only (Discord's gateway: two connections would
 * answer every command twice). It connects while this instance holds the platform's lease in the store,
 * building a fresh inner platform each time, and reports `active` so the scheduler leaves its channels to
 * the instance that is connected.
 */
export class LeasedPlatform implements ChatPlatform {
  private inner: ChatPlatform | null = null;
  /** A platform whose start() has not finished (or failed), to stop if the attempt is abandoned. */
  private starting: ChatPlatform | null = null;
  private readonly lease: Leased;
  private handlers: InboundHandlers | null = null;
  /** A platform built ahead of winning the lease (see start()). */
  private next: ChatPlatform | null = null;
  private readonly create: () => Promise<ChatPlatform>;
  /** Platforms disconnected when the lease was lost, still finishing what they held (onLost). */
  private readonly retired: ChatPlatform[] = [];
  private stopping = false;

  constructor(
    readonly name: PlatformName,
    create: () => Promise<ChatPlatform>,
    options: { store: PaperStore; holder: string; ttlMs: number; logger: Logger },
  ) {
    this.create = create;
    this.lease = new Leased({
      ...options,
      name: `${name}-gateway`,
      onAcquired: async () => {
        const platform = this.next ?? (await create());
        this.next = null;
        this.starting = platform;
        await platform.start(this.handlers!);
        this.starting = null;
        this.inner = platform;
      },
      onLost: async () => {
        const platform = this.inner ?? this.starting;
        this.inner = null;
        this.starting = null;
        if (!platform) return;
        // The lease went to another instance (or could not be renewed): this one disconnects, but events
        // it already received and holds for the archive (a PostgreSQL restart) are still its to record.
        // They end with stop().
        if (this.stopping || !platform.disconnect) return platform.stop();
        // Kept only while it has something of its own to end: a platform whose held events are in the
        // application's queue is done once disconnected (and every lost lease kept one more client).
        // Listed before the disconnect, so a stop() meanwhile ends it too.
        this.retired.push(platform);
        if (!(await platform.disconnect())) {
          const at = this.retired.indexOf(platform);
          if (at >= 0) this.retired.splice(at, 1);
        }
      },
    });
  }

  /** The inner platform's rule, once one has been created. */
  get channelManagers(): string | undefined {
    return this.inner?.channelManagers;
  }

  /** Whether this instance is the one connected. */
  get active(): boolean {
    return this.inner !== null;
  }

  /** Starts competing for the lease; resolves after the first attempt (connected or not). */
  async start(handlers: InboundHandlers): Promise<void> {
    this.handlers = handlers;
    // Built before competing, so loading the client library (seconds on a busy host, blocking the event
    // loop) never happens while the lease is held and cannot be renewed.
    this.next = await this.create();
    await this.lease.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.lease.stop();
    const retired = this.retired.splice(0);
    await Promise.all(retired.map((p) => p.stop()));
  }

  async post(channel: ChannelRef, reply: Reply, options?: PostOptions): Promise<MessageRef> {
    if (!this.inner) throw new Error(`${this.name} is connected from another instance`);
    return this.inner.post(channel, reply, options);
  }

  async react(message: MessageRef, emoji: string): Promise<void> {
    if (!this.inner) throw new Error(`${this.name} is connected from another instance`);
    return this.inner.react(message, emoji);
  }

  async postDirect(user: UserRef, reply: Reply, options?: PostOptions): Promise<DirectOutcome> {
    if (!this.inner) throw new Error(`${this.name} is connected from another instance`);
    if (!this.inner.postDirect) throw new Error(`${this.name} cannot send direct messages`);
    return this.inner.postDirect(user, reply, options);
  }

  async visibleChannels(
    user: UserRef,
    from: ChannelRef,
    channels: readonly ChannelRef[],
  ): Promise<ChannelRef[]> {
    if (!this.inner) throw new Error(`${this.name} is connected from another instance`);
    if (!this.inner.visibleChannels) throw new Error(`${this.name} cannot tell who sees which channel`);
    return this.inner.visibleChannels(user, from, channels);
  }
}
