import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type APIDMChannel,
  type APIMessage,
  type APIUser,
  GatewayOpcodes,
  OverwriteType,
  PermissionFlagsBits,
} from 'discord.js';
import { WebSocket, WebSocketServer } from 'ws';
import { type Actor, buildInteractions, type FakeInteractions } from './discord-interactions.ts';
import {
  guildCreate,
  guildMember,
  MEMBER_PERMISSIONS,
  role,
  snowflake,
  textChannel,
  user,
} from './discord-payloads.ts';
import {
  handleRest,
  type RateLimitScript,
  type RefusalScript,
  type RestCall,
  type RestWorld,
} from './discord-rest.ts';

export type { RestCall } from './discord-rest.ts';

/**
 * A small fake Discord on 127.0.0.1: REST under `/api/v10` and the gateway (`/gateway`) on one port,
 * speaking the real protocol to discord.js. Point a client at it with `rest: { api: fake.apiUrl }`; the
 * client asks `GET /gateway/bot` for the WebSocket URL, as it does against Discord.
 *
 * Gateway: HELLO (op 10) on connect; IDENTIFY (op 2) with the right token gives READY (guild
 * unavailable) then GUILD_CREATE (one guild, one text channel, members and roles); HEARTBEAT (op 1) is
 * ACKed (op 11); RESUME (op 6) of the current session replays what was dispatched since its sequence, then
 * RESUMED; an unknown session gets INVALID_SESSION (op 9). A wrong token closes with 4004.
 */
export interface FakeDiscord extends FakeInteractions {
  /** The REST base to give discord.js, e.g. `http://127.0.0.1:41234/api` (it appends `/v10`). */
  apiUrl: string;
  token: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  botUser: APIUser;
  /** People in the guild: an ordinary member, another member, and one with Manage Channels. */
  users: { alice: Actor; bob: Actor; admin: Actor };
  /** Every REST call, in arrival order. */
  calls: RestCall[];
  /** Every gateway frame in both directions, plus connection opens and closes. */
  frames: GatewayFrame[];
  /** Messages created through REST, by id. */
  messages: Map<string, APIMessage>;
  /** DM channels the bot opened (POST /users/@me/channels), by channel id. */
  directChannels: Map<string, APIDMChannel>;
  /** The next `times` requests of `method` whose route matches answer 429 with `retryAfter` seconds. */
  rateLimit(method: string, route: RegExp, retryAfter?: number, times?: number): void;
  /** The next `times` requests of `method` whose route matches answer `status` with Discord's error `code`. */
  refuse(method: string, route: RegExp, status: number, code: number, message: string, times?: number): void;
  /**
   * The next `times` requests of `method` whose route matches answer `status` (a 5xx), having taken effect
   * first when `effect` is set: the message exists, and the client never heard of it.
   */
  serverError(
    method: string,
    route: RegExp,
    options: { status?: number; times?: number; effect?: boolean },
  ): void;
  /** Dispatches a gateway event to the session (queued for replay on RESUME when disconnected). */
  dispatch(t: string, d: unknown): void;
  /**
   * Creates another text channel in the guild (CHANNEL_CREATE) and returns its id. Each of `hiddenFrom`
   * gets a member permission overwrite denying View Channel, as a private channel has.
   */
  addChannel(name: string, hiddenFrom?: Actor[]): string;
  /** Drops the gateway connection: a close frame with code 4000 (unknown error) or a raw socket destroy. */
  drop(mode: 'close-4000' | 'destroy'): void;
  /** Sends `op` with `d` on the live connection: 7 Reconnect, 9 Invalid Session (`d`: resumable), … */
  sendOp(op: number, d?: unknown): void;
  /** Closes the live connection with `code` (4004 a token reset, 4014 disallowed intents, …). */
  closeWith(code: number, reason: string): void;
  /** Resolves with the first REST call (already made or still to come) that matches. */
  waitForCall(match: (call: RestCall) => boolean, what: string, timeoutMs?: number): Promise<RestCall>;
  /** Resolves with the first gateway frame (already seen or still to come) that matches. */
  waitForFrame(match: (f: GatewayFrame) => boolean, what: string, timeoutMs?: number): Promise<GatewayFrame>;
  close(): Promise<void>;
}

export interface GatewayFrame {
  kind: 'recv' | 'send' | 'open' | 'close';
  /** Which connection (1, 2, …). */
  connection: number;
  op?: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
  /** For `open`: the query string; for `close`: the close code. */
  info?: string | number;
  at: number;
}

export interface FakeDiscordOptions {
  token?: string;
  /** HELLO's heartbeat_interval. Short so heartbeats (and their ACKs) happen during a test. */
  heartbeatIntervalMs?: number;
}

/** Starts the fake on a free port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? 'fake-bot-token';
  const heartbeatInterval = options.heartbeatIntervalMs ?? 300;
  const applicationId = snowflake();
  const guildId = snowflake();
  const botUser = user(applicationId, 'paperboy', true);
  const channel = textChannel(snowflake(), guildId, 'papers');
  const modRole = role(snowflake(), 'moderators', PermissionFlagsBits.ManageChannels, 1);
  const everyone = role(guildId, '@everyone', MEMBER_PERMISSIONS);
  const actor = (name: string, permissions: bigint, roles: string[] = []): Actor => ({
    user: user(snowflake(), name),
    permissions,
    roles,
  });
  const users = {
    alice: actor('alice', MEMBER_PERMISSIONS),
    bob: actor('bob', MEMBER_PERMISSIONS),
    admin: actor('admin', MEMBER_PERMISSIONS | PermissionFlagsBits.ManageChannels, [modRole.id]),
  };
  const events = new EventEmitter();
  const calls: RestCall[] = [];
  const frames: GatewayFrame[] = [];
  const rateLimits: RateLimitScript[] = [];
  const refusals: RefusalScript[] = [];
  let port = 0;
  const world: RestWorld = {
    token,
    applicationId,
    botUser,
    channels: new Map([[channel.id, channel]]),
    directChannels: new Map(),
    messages: new Map(),
    interactionChannels: new Map(),
    originals: new Map(),
    gatewayUrl: () => `ws://127.0.0.1:${port}/gateway`,
    rateLimits,
    refusals,
    serverErrors: [],
    nonces: new Map(),
    // Discord documents "the past few minutes"; two is the conservative reading.
    nonceWindowMs: 2 * 60_000,
  };
  const recordFrame = (frame: Omit<GatewayFrame, 'at'>) => {
    frames.push({ ...frame, at: Date.now() });
    events.emit('change');
  };

  const server = createServer((req, res) => {
    handleRest(world, req, res, (call) => {
      calls.push(call);
      events.emit('change');
    }).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  const wss = new WebSocketServer({ server, path: '/gateway' });

  // One session at a time, as for a single-shard bot. `log` keeps every dispatch for RESUME replays.
  let session: { id: string; seq: number; log: { s: number; t: string; d: unknown }[] } | null = null;
  let live: { socket: WebSocket; connection: number } | null = null;
  let connections = 0;

  const send = (socket: WebSocket, connection: number, payload: Record<string, unknown>) => {
    recordFrame({ kind: 'send', connection, op: payload.op as number, t: payload.t as string, d: payload.d });
    socket.send(JSON.stringify(payload));
  };
  const dispatch = (t: string, d: unknown) => {
    if (!session) throw new Error(`cannot dispatch ${t}: no gateway session (the client never identified)`);
    session.seq += 1;
    session.log.push({ s: session.seq, t, d });
    if (live?.socket.readyState === WebSocket.OPEN) {
      send(live.socket, live.connection, { op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
    }
  };

  wss.on('connection', (socket, req) => {
    connections += 1;
    const connection = connections;
    recordFrame({ kind: 'open', connection, info: (req.url ?? '').replace(/^[^?]*/, '') });
    socket.on('close', (code) => {
      recordFrame({ kind: 'close', connection, info: code });
      if (live?.socket === socket) live = null;
    });
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | number | null };
      recordFrame({ kind: 'recv', connection, op: payload.op, d: payload.d });
      const d = (payload.d ?? {}) as Record<string, unknown>;
      if (payload.op === GatewayOpcodes.Heartbeat) {
        send(socket, connection, { op: GatewayOpcodes.HeartbeatAck });
      } else if (payload.op === GatewayOpcodes.Identify) {
        if (d.token !== token) return socket.close(4004, 'Authentication failed.');
        session = { id: `session-${snowflake()}`, seq: 0, log: [] };
        live = { socket, connection };
        dispatch('READY', {
          v: 10,
          user: botUser,
          guilds: [{ id: guildId, unavailable: true }],
          session_id: session.id,
          resume_gateway_url: world.gatewayUrl(),
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
        });
        dispatch(
          'GUILD_CREATE',
          guildCreate({
            guildId,
            ownerId: users.admin.user.id,
            channel,
            roles: [everyone, modRole],
            members: [guildMember(botUser), ...Object.values(users).map((a) => guildMember(a.user, a.roles))],
          }),
        );
      } else if (payload.op === GatewayOpcodes.Resume) {
        if (d.token !== token) return socket.close(4004, 'Authentication failed.');
        if (!session || d.session_id !== session.id) {
          return send(socket, connection, { op: GatewayOpcodes.InvalidSession, d: false });
        }
        live = { socket, connection };
        const since = Number(d.seq ?? 0);
        for (const e of session.log.filter((x) => x.s > since)) {
          send(socket, connection, { op: GatewayOpcodes.Dispatch, t: e.t, s: e.s, d: e.d });
        }
        dispatch('RESUMED', {});
      }
    });
    send(socket, connection, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: heartbeatInterval } });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  const waitFor = <T>(items: T[], match: (x: T) => boolean, what: string, timeoutMs = 5000) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = items.find(match);
        if (!found) return;
        clearTimeout(timer);
        events.off('change', check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        events.off('change', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      events.on('change', check);
      check();
    });

  const interactions = buildInteractions({
    applicationId,
    guildId,
    channel,
    defaultActor: users.alice,
    dispatch,
    world,
  });

  return {
    ...interactions,
    apiUrl: `http://127.0.0.1:${port}/api`,
    token,
    applicationId,
    guildId,
    channelId: channel.id,
    botUser,
    users,
    calls,
    frames,
    messages: world.messages,
    directChannels: world.directChannels,
    rateLimit: (method, route, retryAfter = 1, times = 1) => {
      rateLimits.push({ method, route, retryAfter, times });
    },
    refuse: (method, route, status, code, message, times = 1) => {
      refusals.push({ method, route, status, code, message, times });
    },
    serverError: (method, route, { status = 500, times = 1, effect = false }) => {
      world.serverErrors.push({ method, route, status, times, effect });
    },
    dispatch,
    addChannel: (name, hiddenFrom = []) => {
      const created = {
        ...textChannel(snowflake(), guildId, name),
        permission_overwrites: hiddenFrom.map((a) => ({
          id: a.user.id,
          type: OverwriteType.Member,
          allow: '0',
          deny: PermissionFlagsBits.ViewChannel.toString(),
        })),
      };
      world.channels.set(created.id, created);
      dispatch('CHANNEL_CREATE', created);
      return created.id;
    },
    drop: (mode) => {
      if (!live) throw new Error('no live gateway connection to drop');
      if (mode === 'close-4000') live.socket.close(4000, 'Unknown error');
      else live.socket.terminate();
    },
    sendOp: (op, d = null) => {
      if (!live) throw new Error('no live gateway connection');
      send(live.socket, live.connection, { op, d });
    },
    closeWith: (code, reason) => {
      if (!live) throw new Error('no live gateway connection');
      live.socket.close(code, reason);
    },
    waitForCall: (match, what, timeoutMs) => waitFor(calls, match, what, timeoutMs),
    waitForFrame: (match, what, timeoutMs) => waitFor(frames, match, what, timeoutMs),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
