import type { EnvShape, ReportProblem } from '../env.ts';
import type { HttpRoutes } from '../http/server.ts';
import type { Logger } from '../log.ts';
import type { DeliveryLedger } from '../store/port.ts';
import type { ChatPlatform } from './platform.ts';
import type { RetryLater } from './retry-later.ts';

/** What the application hands a platform when it creates one. */
export interface PlatformDeps {
  logger: Logger;
  now?: () => Date;
  /**
   * The application's HTTP server (on PORT), for platforms that receive requests. Absent for one-off CLI
   * runs that only post: such a platform then listens for nothing.
   */
  http?: HttpRoutes;
  /**
   * Deliveries shared by every instance on the same database (the store), so that a platform that may
   * send an event or command to any instance handles each once. Absent: each process on its own.
   */
  deliveries?: DeliveryLedger;
  /**
   * The queue a platform that cannot be sent an event again (Discord) holds events in while the archive
   * cannot take them (held-replay.ts): written down, shared with what earlier processes left, and kept
   * across the platform's reconnections. Absent for one-off CLI runs: the platform then keeps its own.
   */
  held?: RetryLater;
  /** This process's keyboard and screen, for a platform that talks through the terminal. */
  terminal?: {
    input: NodeJS.ReadableStream;
    output: { write(chunk: string): unknown; isTTY?: boolean };
  };
}

/**
 * One chat platform as the application knows it: adapters/index.ts lists one entry per platform, and the
 * application loops over that list to read settings, create, connect and lease platforms. Nothing outside
 * the adapter's folder and that list names a platform.
 */
export interface PlatformEntry<Name extends string = string, Settings = unknown> {
  /** The platform's name and the prefix of its refs (`slack:C123`): lowercase letters. */
  readonly name: Name;
  /** How people call it in sentences ("Slack"; "the terminal console"). */
  readonly title: string;
  /**
   * The environment variables it reads, merged into the one configuration parse so that a deployer sees
   * every problem at once. Absent for a platform without settings.
   */
  readonly env?: EnvShape;
  /** Rules across its variables (e.g. a token needs its secret), reported with every other problem. */
  check?(env: Record<string, unknown>, report: ReportProblem): void;
  /** Its settings from the parsed variables; undefined when it is not configured (no credentials). */
  settings?(env: Record<string, unknown>): Settings | undefined;
  /** The variables to set to configure it, for the sentence that says it is not configured. */
  readonly requires?: readonly string[];
  /**
   * Set when it talks through this process's terminal rather than a server: it is started when no other
   * platform is configured, it ends the process when its person quits, and logs stay quiet beside it.
   */
  readonly terminal?: boolean;
  /**
   * Set when only one instance at a time may be connected (Discord's gateway: two connections would
   * answer every command twice): the others stand by under a lease in the store, renewed this often.
   */
  singleConnection?(settings: Settings): { leaseMs: number };
  /** Builds the platform. No side effects: `start()` connects. Loads its client library lazily. */
  create(settings: Settings, deps: PlatformDeps): Promise<ChatPlatform>;
  /**
   * Its own command-line actions, run as `paperboy NAME ARGS…` (Discord: `register`). Throws UsageError
   * (src/usage-error.ts) for wrong arguments or missing settings; resolves the exit code.
   */
  readonly cli?: {
    /** Usage lines for `paperboy help`, e.g. `discord register [--guild ID] [--force]`. */
    readonly usage: readonly string[];
    run(args: string[], ctx: PlatformCliContext<Settings>): Promise<number>;
  };
}

/** What a platform's command-line action gets. */
export interface PlatformCliContext<Settings> {
  /** Undefined when the platform is not configured. */
  settings: Settings | undefined;
  stdout: { write(chunk: string): unknown };
  logger: Logger;
}
