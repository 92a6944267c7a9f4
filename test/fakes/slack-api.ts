import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake Slack Web API on 127.0.0.1, speaking Slack's wire format: POST `/api/<method>` with a form-encoded
 * or JSON body and a `Bearer` token, answered `{ ok: true, … }` or `{ ok: false, error }` with status 200.
 * It also serves response URLs (`POST /respond/<id>`, what `respond()` posts to).
 *
 * State, not expectations: it keeps the messages posted and the reactions added, records every call with its
 * decoded body, and can be scripted to answer the next calls of a method with 429 + Retry-After or a 5xx.
 *
 * Methods: auth.test, chat.postMessage (keeping `metadata`), conversations.history (newest first, `oldest`,
 * `latest`, `inclusive`, `limit`, cursor pages, metadata only with `include_all_metadata`, as Slack does),
 * conversations.open (a DM channel per user, {@link directChannelOf}), conversations.join (refused for G… and
 * D… channels), reactions.add (message_not_found for a message not posted here,
 * already_reacted on a repeat),
 * chat.unfurl (channel and ts, or unfurl_id and source; `unfurls` a JSON object),
 * users.info, apps.connections.open (the URL set by {@link FakeSlackApi.socketUrl}, app token required),
 * and the file upload flow: files.getUploadURLExternal (`filename`, `length` → `upload_url`, `file_id`), a
 * POST of the bytes to that URL (raw, or multipart form data as the Web API client sends them; answered
 * `OK - <bytes>` in text, as Slack's upload host does), then files.completeUploadExternal (`files` as JSON,
 * `channel_id`, `initial_comment`), which shares the uploaded files: {@link FakeSlackApi.uploads};
 * users.conversations (the conversations {@link FakeSlackApi.members} lists for a user, filtered by
 * `types`, `limit` a page with cursor pages).
 * Anything else answers `unknown_method`. Message timestamps come from the fake's clock (`now`), strictly
 * increasing.
 */
export interface FakeSlackApi {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The Web API base to configure as `slackApiUrl`: `${url}/api/`. */
  apiUrl: string;
  /** Every request received, in arrival order, including those answered with a scripted error. */
  calls: SlackCall[];
  /** Messages posted with chat.postMessage, in order. */
  messages: PostedMessage[];
  /** Accepted chat.unfurl calls, in order. */
  unfurls: UnfurlCall[];
  /** Files uploaded and completed (shared), in the order completed, with their bytes. */
  uploads: UploadedFile[];
  /**
   * Makes chat.postMessage and conversations.history in `channel` (or only the method `only`) answer
   * `{ ok: false, error }`, as Slack does once the bot was removed (`not_in_channel`), the channel archived
   * (`is_archived`), or a scope is missing (`missing_scope`); null undoes it.
   */
  refuse(channel: string, error: string | null, only?: string): void;
  /**
   * Called with each message as soon as it is kept, before Slack's answer is sent: a test can end the
   * poster there, between the message existing and the poster learning of it.
   */
  afterPost: ((message: PostedMessage) => void) | null;
  /** Resolves once no connection is open (every request answered, every client gone). */
  quiet(): Promise<void>;
  /** A fresh response URL on this fake; bodies posted to it are recorded as method `respond`. */
  responseUrl(): string;
  /** Queues answers for the next calls of `method` (e.g. `chat.postMessage`, or `respond`), one each. */
  script(method: string, responses: ScriptedResponse[]): void;
  /** Resolves with the first call (already recorded or still to come) matching `predicate`. */
  waitFor(predicate: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** The ws:// URL apps.connections.open hands out (set by the fake Socket Mode server). */
  socketUrl: string | undefined;
  /**
   * The conversations each user is a member of, by user id (C… public channels, G… private ones, D… DMs),
   * as users.conversations answers; a test may change it between calls.
   */
  members: Map<string, string[]>;
  close(): Promise<void>;
}

export interface SlackCall {
  /** The Web API method (`chat.postMessage`), or `respond` for a response URL. */
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Decoded body: JSON, or form fields with JSON-looking values (blocks) parsed. */
  body: Record<string, unknown>;
  /** The HTTP status the fake answered with. */
  status: number;
  at: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown;
  /** The message metadata it was posted with (`{ event_type, event_payload }`), if any. */
  metadata: { event_type: string; event_payload: Record<string, unknown> } | null;
}

/** A chat.unfurl call: the message (channel and ts) or composer draft (unfurl_id) and its cards by URL. */
export interface UnfurlCall {
  channel: string | null;
  ts: string | null;
  unfurlId: string | null;
  unfurls: Record<string, unknown>;
}

/** A file that went through the whole upload flow. */
export interface UploadedFile {
  id: string;
  filename: string;
  title: string;
  /** The bytes POSTed to the upload URL. */
  bytes: Buffer;
  /** The channel it was shared in (`channel_id`), or null: private to the bot. */
  channel: string | null;
  initialComment: string | null;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * The call takes effect before this answer is sent (a message is kept): Slack made the message, and the
   * answer the client saw was a 5xx or a dropped connection. Default false: nothing happens, as with a 429.
   */
  effect?: boolean;
  /**
   * Never answer: the request is read and the connection held open, as a stalled proxy or a connection
   * that died without a reset leaves it (`status` is then only what the call is recorded with). The fake's
   * close() ends it.
   */
  hang?: boolean;
}

export interface FakeSlackOptions {
  /** The bot token the fake accepts; anything else gets `invalid_auth`. */
  botToken?: string;
  /** The app-level token accepted by apps.connections.open. */
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  /** Display names users.info answers with, by user id (users not listed get their id as a name). */
  users?: Record<string, string>;
  /** User ids users.info reports as workspace admins. */
  workspaceAdmins?: string[];
  /** The clock message timestamps come from, in ms; default Date.now. */
  now?: () => number;
}

export const FAKE_TEAM_ID = 'T0PAPERS';
/** The DM channel conversations.open answers for a user: `D` and the user id without its first letter. */
export const directChannelOf = (user: string): string => `D${user.slice(1)}`;
export const FAKE_BOT_USER_ID = 'UBOT0001';
export const FAKE_BOT_ID = 'BBOT0001';

/** Starts the fake on a free port. */
export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
  const botToken = options.botToken ?? 'xoxb-test-token';
  const appToken = options.appToken ?? 'xapp-test-token';
  const teamId = options.teamId ?? FAKE_TEAM_ID;
  const botUserId = options.botUserId ?? FAKE_BOT_USER_ID;
  const calls: SlackCall[] = [];
  const messages: PostedMessage[] = [];
  const unfurls: UnfurlCall[] = [];
  const uploads: UploadedFile[] = [];
  /** Upload URLs handed out and not completed yet, by file id: the length promised, the bytes once POSTed. */
  const pending = new Map<string, { filename: string; length: number; bytes: Buffer | null }>();
  let fileCounter = 0;
  const reactions = new Set<string>();
  const scripts = new Map<string, ScriptedResponse[]>();
  const waiters = new Set<{ predicate: (c: SlackCall) => boolean; resolve: (c: SlackCall) => void }>();
  /** Refusals by `<method> <channel>`, the method `*` for every method. */
  const refused = new Map<string, string>();
  const refusal = (method: string, channel: string) =>
    refused.get(`${method} ${channel}`) ?? refused.get(`* ${channel}`);
  const now = options.now ?? Date.now;
  /** The last ts handed out, in microseconds: each new one is later, as Slack's are within a channel. */
  let lastTs = 0;
  const nextTs = () => {
    lastTs = Math.max(lastTs + 1, Math.floor(now()) * 1000);
    return `${Math.floor(lastTs / 1e6)}.${String(lastTs % 1e6).padStart(6, '0')}`;
  };
  let responseCounter = 0;

  const answer = (method: string, body: Record<string, unknown>, auth: string): unknown => {
    const token = auth.replace(/^Bearer\s+/i, '') || String(body.token ?? '');
    if (method === 'apps.connections.open') {
      if (token !== appToken) return { ok: false, error: 'invalid_auth' };
      return fake.socketUrl ? { ok: true, url: fake.socketUrl } : { ok: false, error: 'no_socket_server' };
    }
    if (token !== botToken) return { ok: false, error: 'invalid_auth' };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://papers.slack.com/',
          team: 'Papers',
          user: 'paperboy',
          team_id: teamId,
          user_id: botUserId,
          bot_id: FAKE_BOT_ID,
        };
      case 'chat.postMessage': {
        const channel = String(body.channel ?? '');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const refusedWith = refusal(method, channel);
        if (refusedWith) return { ok: false, error: refusedWith };
        const ts = nextTs();
        const text = String(body.text ?? '');
        const metadata = isMetadata(body.metadata) ? body.metadata : null;
        const posted: PostedMessage = { channel, ts, text, blocks: body.blocks, metadata };
        messages.push(posted);
        fake.afterPost?.(posted);
        return { ok: true, channel, ts, message: { ...wire(posted, true), team: teamId } };
      }
      case 'conversations.history': {
        const channel = String(body.channel ?? '');
        const refusedWith = refusal(method, channel);
        if (refusedWith) return { ok: false, error: refusedWith };
        return history(
          messages.filter((m) => m.channel === channel),
          body,
        );
      }
      case 'reactions.add': {
        // Slack refuses a reaction on a message it does not have, as for a deleted or mistyped one.
        if (!messages.some((m) => m.channel === body.channel && m.ts === body.timestamp)) {
          return { ok: false, error: 'message_not_found' };
        }
        const key = `${body.channel}:${body.timestamp}:${body.name}`;
        if (reactions.has(key)) return { ok: false, error: 'already_reacted' };
        reactions.add(key);
        return { ok: true };
      }
      case 'conversations.open': {
        // A DM with one person: the same D… channel every time, as Slack's. `refuse(user, error,
        // 'conversations.open')` answers as Slack does for a deactivated user or a bot.
        const users = String(body.users ?? '');
        if (!/^[UW][A-Z0-9]+$/.test(users)) return { ok: false, error: 'users_not_found' };
        const refusedWith = refusal(method, users);
        if (refusedWith) return { ok: false, error: refusedWith };
        return { ok: true, channel: { id: directChannelOf(users) } };
      }
      case 'chat.unfurl': {
        // A posted message is named by channel and ts, a draft in the composer by unfurl_id and source.
        const byMessage = typeof body.channel === 'string' && typeof body.ts === 'string';
        const byDraft = typeof body.unfurl_id === 'string' && typeof body.source === 'string';
        if (!byMessage && !byDraft) return { ok: false, error: 'invalid_arguments' };
        const cards = body.unfurls;
        if (typeof cards !== 'object' || cards === null || Array.isArray(cards)) {
          return { ok: false, error: 'invalid_unfurls_format' };
        }
        unfurls.push({
          channel: byMessage ? String(body.channel) : null,
          ts: byMessage ? String(body.ts) : null,
          unfurlId: byDraft ? String(body.unfurl_id) : null,
          unfurls: cards as Record<string, unknown>,
        });
        return { ok: true };
      }
      case 'conversations.join': {
        const channel = String(body.channel ?? '');
        // Private channels (G…) and DMs (D…) cannot be joined, as in Slack.
        if (/^[GD]/.test(channel)) return { ok: false, error: 'method_not_supported_for_channel_type' };
        return { ok: true, channel: { id: channel, is_channel: true, is_member: true } };
      }
      case 'files.getUploadURLExternal': {
        const filename = String(body.filename ?? '');
        const length = Number(body.length);
        if (!filename) return { ok: false, error: 'invalid_arguments' };
        if (!Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_arguments' };
        const id = `F0FILE${String(++fileCounter).padStart(4, '0')}`;
        pending.set(id, { filename, length, bytes: null });
        return { ok: true, upload_url: `${fake.url}/upload/v1/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = typeof body.files === 'string' ? parseOr(body.files) : body.files;
        if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
        const channel = typeof body.channel_id === 'string' && body.channel_id ? body.channel_id : null;
        if (channel) {
          const refusedWith = refusal(method, channel);
          if (refusedWith) return { ok: false, error: refusedWith };
        }
        const done: UploadedFile[] = [];
        for (const f of files as { id?: unknown; title?: unknown }[]) {
          const upload = pending.get(String(f.id));
          // Slack completes only files whose bytes arrived, all of them.
          if (!upload?.bytes) return { ok: false, error: 'file_not_found' };
          if (upload.bytes.length !== upload.length) return { ok: false, error: 'file_size_mismatch' };
          done.push({
            id: String(f.id),
            filename: upload.filename,
            title: typeof f.title === 'string' ? f.title : upload.filename,
            bytes: upload.bytes,
            channel,
            initialComment: typeof body.initial_comment === 'string' ? body.initial_comment : null,
          });
        }
        for (const f of done) pending.delete(f.id);
        uploads.push(...done);
        return {
          ok: true,
          files: done.map((f) => ({
            id: f.id,
            created: Math.floor(now() / 1000),
            name: f.filename,
            title: f.title,
            mimetype: 'text/plain',
            filetype: 'text',
            size: f.bytes.length,
            user: botUserId,
            is_public: false,
            url_private: `${fake.url}/files-pri/${f.id}/${encodeURIComponent(f.filename)}`,
          })),
        };
      }
      case 'users.conversations': {
        const user = String(body.user ?? '');
        if (user && !/^[UW][A-Z0-9]+$/.test(user)) return { ok: false, error: 'user_not_found' };
        return userConversations(fake.members.get(user) ?? [], body);
      }
      case 'users.info': {
        const id = String(body.user ?? '');
        const name = options.users?.[id] ?? id;
        const is_admin = options.workspaceAdmins?.includes(id) ?? false;
        return { ok: true, user: { id, name, real_name: name, is_admin, profile: { display_name: name } } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const upload = /^\/upload\/v1\/(F0FILE\d+)$/.exec(path)?.[1];
      if (upload !== undefined) {
        // The upload host: no token (the URL is the credential), the bytes raw or as the form's one file.
        const file = await uploadedBytes(bytes, req.headers['content-type']);
        const target = pending.get(upload);
        calls.push({
          method: 'upload',
          path,
          headers: req.headers,
          body: {},
          status: target ? 200 : 404,
          at: Date.now(),
        });
        if (target) target.bytes = file;
        res.writeHead(target ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(target ? `OK - ${file.length}` : 'Not Found');
        return;
      }
      const method = path.startsWith('/respond/') ? 'respond' : path.replace(/^\/api\//, '');
      const body = decodeBody(raw, req.headers['content-type']);
      const scripted = scripts.get(method)?.shift();
      const status = scripted?.status ?? 200;
      const call: SlackCall = { method, path, headers: req.headers, body, status, at: Date.now() };
      calls.push(call);
      if (scripted?.hang) {
        if (scripted.effect) answer(method, body, String(req.headers.authorization ?? ''));
      } else if (scripted) {
        if (scripted.effect) answer(method, body, String(req.headers.authorization ?? ''));
        send(res, scripted.status, scripted.body ?? { ok: false, error: 'scripted' }, scripted.headers);
      } else if (method === 'respond') {
        send(res, 200, { ok: true });
      } else {
        send(res, 200, answer(method, body, String(req.headers.authorization ?? '')));
      }
      for (const w of waiters) {
        if (w.predicate(call)) {
          waiters.delete(w);
          w.resolve(call);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sockets = new Set<Socket>();
  const onQuiet: (() => void)[] = [];
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const resolve of onQuiet.splice(0)) resolve();
    });
  });

  const fake: FakeSlackApi = {
    url,
    apiUrl: `${url}/api/`,
    calls,
    messages,
    unfurls,
    uploads,
    socketUrl: undefined,
    members: new Map(),
    afterPost: null,
    refuse(channel, error, only = '*') {
      if (error === null) refused.delete(`${only} ${channel}`);
      else refused.set(`${only} ${channel}`, error);
    },
    quiet: () =>
      sockets.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onQuiet.push(resolve);
          }),
    responseUrl: () => `${url}/respond/${++responseCounter}`,
    script(method, responses) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...responses]);
    },
    waitFor(predicate, timeoutMs = 5000) {
      const seen = calls.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (c: SlackCall) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching Slack API call within ${timeoutMs} ms; saw ${describe(calls)}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return fake;
}

function isMetadata(value: unknown): value is PostedMessage['metadata'] & object {
  const m = value as { event_type?: unknown; event_payload?: unknown } | null;
  return typeof m?.event_type === 'string' && typeof m.event_payload === 'object' && m.event_payload !== null;
}

/** A kept message as Slack's API shows it: a bot message, with its metadata only when asked for. */
function wire(m: PostedMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: m.text,
    ts: m.ts,
    user: FAKE_BOT_USER_ID,
    bot_id: FAKE_BOT_ID,
    app_id: 'A0PAPERBOY',
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

/**
 * conversations.history over one channel's messages: newest first, within `oldest`/`latest` (exclusive
 * unless `inclusive`), `limit` a page (default 100, at most 999), the next page's cursor in
 * `response_metadata.next_cursor` (Slack's `next_ts:<ts>`, base64), metadata only with `include_all_metadata`.
 */
function history(channel: PostedMessage[], body: Record<string, unknown>): unknown {
  const flag = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;
  const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
  const inclusive = flag(body.inclusive);
  const oldest = num(body.oldest) ?? 0;
  const cursor = typeof body.cursor === 'string' && body.cursor ? body.cursor : undefined;
  const latest = cursor
    ? Number(
        Buffer.from(cursor, 'base64')
          .toString('utf8')
          .replace(/^next_ts:/, ''),
      )
    : (num(body.latest) ?? Number.POSITIVE_INFINITY);
  const limit = Math.min(999, Math.max(1, num(body.limit) ?? 100));
  const within = channel
    .filter((m) => {
      const ts = Number(m.ts);
      const afterOldest = inclusive ? ts >= oldest : ts > oldest;
      const beforeLatest = inclusive || cursor ? ts <= latest : ts < latest;
      return afterOldest && beforeLatest;
    })
    .reverse();
  const page = within.slice(0, limit);
  const next = within[limit];
  return {
    ok: true,
    messages: page.map((m) => wire(m, flag(body.include_all_metadata))),
    has_more: next !== undefined,
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
    response_metadata: { next_cursor: next ? Buffer.from(`next_ts:${next.ts}`).toString('base64') : '' },
  };
}

/** The `types` of users.conversations each conversation id falls under, as Slack's prefixes say. */
function typeOf(id: string): string {
  if (id.startsWith('C')) return 'public_channel';
  if (id.startsWith('G')) return 'private_channel';
  return 'im';
}

/**
 * users.conversations over one user's conversations: those of `types` (default `public_channel`), `limit` a
 * page (default 100, at most 1000), the next page's cursor in `response_metadata.next_cursor` (base64), each
 * conversation in Slack's shape.
 */
function userConversations(ids: readonly string[], body: Record<string, unknown>): unknown {
  const types = String(body.types || 'public_channel').split(',');
  const matching = ids.filter((id) => types.includes(typeOf(id)));
  const from =
    typeof body.cursor === 'string' && body.cursor
      ? Number(
          Buffer.from(body.cursor, 'base64')
            .toString('utf8')
            .replace(/^offset:/, ''),
        )
      : 0;
  const limit = Math.min(1000, Math.max(1, Number(body.limit || 100)));
  const page = matching.slice(from, from + limit);
  const more = from + limit < matching.length;
  return {
    ok: true,
    channels: page.map((id) => ({
      id,
      name: id.toLowerCase(),
      is_channel: typeOf(id) === 'public_channel',
      is_group: typeOf(id) === 'private_channel',
      is_im: typeOf(id) === 'im',
      is_mpim: false,
      is_private: typeOf(id) !== 'public_channel',
      is_archived: false,
      is_general: false,
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      created: 1_700_000_000,
      creator: 'U0CREATOR',
      name_normalized: id.toLowerCase(),
      unlinked: 0,
      updated: 1_700_000_000_000,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
    })),
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${from + limit}`).toString('base64') : '' },
  };
}

function decodeBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // The Web API client JSON-encodes arrays and objects (blocks) into form fields.
    out[key] = /^[[{]/.test(value) ? parseOr(value) : value;
  }
  return out;
}

/**
 * The bytes of an upload: a multipart form's one file part (the Web API client sends the file as a form
 * field), else the body as it came.
 */
async function uploadedBytes(body: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': contentType },
  }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  const [first] = [...form.values()];
  return Buffer.from(typeof first === 'string' ? first : '');
}

function parseOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    if (error instanceof SyntaxError) return value; // text that merely starts with a bracket
    throw error;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function describe(calls: readonly SlackCall[]): string {
  return calls.map((c) => `${c.method}(${c.status})`).join(', ') || 'no calls';
}
