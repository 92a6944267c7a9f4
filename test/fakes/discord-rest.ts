import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type APIDMChannel,
  type APIGuildTextChannel,
  type APIMessage,
  type APIUser,
  ChannelType,
} from 'discord.js';
import { message, snowflake, user } from './discord-payloads.ts';

/** One REST request the fake received, with what it answered. */
export interface RestCall {
  method: string;
  /** The path after `/api/v10`, e.g. `/channels/123/messages` (percent-encoding kept). */
  route: string;
  query: Record<string, string>;
  /** Header names are lowercase. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The parsed JSON body, or the raw text when it is not JSON, or null when empty. For multipart form data
   * (a message with attachments), the JSON of its `payload_json` part.
   */
  body: unknown;
  /** The files of a multipart request (`files[n]` parts), in order; empty for a JSON one. */
  attachments: RestAttachment[];
  status: number;
  /** The JSON the fake answered with (undefined for an empty answer). */
  response: unknown;
  /** `Date.now()` on arrival. */
  at: number;
}

/** A file sent as a `files[n]` part of a multipart request, as Discord receives an attachment. */
export interface RestAttachment {
  /** The form field, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** A scripted rate limit: the next `times` requests matching answer 429 with `retryAfter` seconds. */
export interface RateLimitScript {
  method: string;
  route: RegExp;
  retryAfter: number;
  times: number;
}

/** A scripted refusal: the next `times` requests matching answer `status` with a Discord error body. */
export interface RefusalScript {
  method: string;
  route: RegExp;
  status: number;
  /** Discord's JSON error code, e.g. 50013 (Missing Permissions). */
  code: number;
  message: string;
  times: number;
}

/**
 * A scripted server error: the next `times` requests matching answer `status`, after taking effect when
 * `effect` is set (a message is created, and the answer that would have told the client is lost).
 */
export interface ServerErrorScript {
  method: string;
  route: RegExp;
  status: number;
  times: number;
  effect: boolean;
}

/** What the REST routes read and change: the fake's world. */
export interface RestWorld {
  token: string;
  applicationId: string;
  botUser: APIUser;
  channels: Map<string, APIGuildTextChannel<ChannelType.GuildText>>;
  /** DM channels opened with POST /users/@me/channels, by channel id; one per recipient, as on Discord. */
  directChannels: Map<string, APIDMChannel>;
  /** Messages by id, as created through REST (channel messages and interaction replies). */
  messages: Map<string, APIMessage>;
  /** The channel each interaction token was created in, so its webhook messages land there. */
  interactionChannels: Map<string, string>;
  /** The message id of each interaction token's original response, once edited. */
  originals: Map<string, string>;
  gatewayUrl: () => string;
  rateLimits: RateLimitScript[];
  refusals: RefusalScript[];
  serverErrors: ServerErrorScript[];
  /**
   * Messages by the nonce they were created with under `enforce_nonce`, with when: a repeat inside
   * `nonceWindowMs` gets the same message back, as Discord does for "the past few minutes".
   */
  nonces: Map<string, { id: string; at: number }>;
  nonceWindowMs: number;
}

interface Answer {
  status: number;
  body?: unknown;
}

const API_PREFIX = /^\/api\/v10(?=\/)/;

/**
 * Handles one REST request: records it, applies a scripted 429 (with the headers Discord sends, so
 * @discordjs/rest waits it out) or a scripted refusal, checks the bot token (interaction callbacks and webhooks are
 * token-in-path and unauthenticated, as on Discord), then routes it.
 */
export async function handleRest(
  world: RestWorld,
  req: IncomingMessage,
  res: ServerResponse,
  record: (call: RestCall) => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const route = url.pathname.replace(API_PREFIX, '');
  const raw = await readBody(req);
  const contentType = String(req.headers['content-type'] ?? '');
  // Attachments come as multipart form data: the message's JSON in `payload_json`, each file a part.
  const form = contentType.startsWith('multipart/form-data') ? await readForm(raw, contentType) : null;
  const text = form ? form.payloadJson : raw.toString('utf8');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text; // kept raw: a test can assert on a non-JSON body
    }
  }
  const method = req.method ?? 'GET';
  const call: RestCall = {
    method,
    route,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body,
    attachments: form?.files ?? [],
    status: 0,
    response: undefined,
    at: Date.now(),
  };
  const limit = world.rateLimits.find((r) => r.method === method && r.route.test(route) && r.times > 0);
  if (limit) {
    limit.times -= 1;
    call.status = 429;
    record(call);
    res.writeHead(429, {
      'content-type': 'application/json',
      'retry-after': String(limit.retryAfter),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Date.now() / 1000 + limit.retryAfter),
      'x-ratelimit-reset-after': String(limit.retryAfter),
      'x-ratelimit-bucket': 'fake-bucket',
      'x-ratelimit-scope': 'user',
      // No x-ratelimit-global header: Discord sends it only for global limits, and its presence means true.
    });
    res.end(
      JSON.stringify({
        message: 'You are being rate limited.',
        retry_after: limit.retryAfter,
        global: false,
      }),
    );
    return;
  }
  const refusal = world.refusals.find((r) => r.method === method && r.route.test(route) && r.times > 0);
  if (refusal) {
    refusal.times -= 1;
    const answer = { message: refusal.message, code: refusal.code };
    call.status = refusal.status;
    call.response = answer;
    record(call);
    res.writeHead(refusal.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
    return;
  }
  const open = route.startsWith('/interactions/') || route.startsWith('/webhooks/');
  const failure = world.serverErrors.find((f) => f.method === method && f.route.test(route) && f.times > 0);
  if (failure) failure.times -= 1;
  const authorized = open || req.headers.authorization === `Bot ${world.token}`;
  let answer: Answer = { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
  if (!authorized) answer = { status: 401, body: { message: '401: Unauthorized', code: 0 } };
  else if (!failure || failure.effect) {
    const invalid = messageProblems(method, route, body);
    const made: Answer = invalid
      ? { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: invalid } }
      : route_(world, method, route, body);
    if (!failure) answer = made;
  }
  if (failure) answer = { status: failure.status, body: { message: `${failure.status}: scripted`, code: 0 } };
  const made = answer.body as { attachments?: unknown[] } | undefined;
  if (form && form.files.length > 0 && Array.isArray(made?.attachments)) {
    // A message made from the request lists its attachments, as Discord's does.
    made.attachments = form.files.map((f) => ({
      id: snowflake(),
      filename: f.filename,
      size: f.bytes.length,
      content_type: f.contentType,
      url: `https://cdn.discordapp.invalid/attachments/${f.filename}`,
      proxy_url: `https://media.discordapp.invalid/attachments/${f.filename}`,
    }));
  }
  call.status = answer.status;
  call.response = answer.body;
  record(call);
  res.writeHead(answer.status, {
    ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '4',
    'x-ratelimit-reset': String(Date.now() / 1000 + 1),
    'x-ratelimit-reset-after': '1',
    'x-ratelimit-bucket': 'fake-bucket',
  });
  res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

function route_(world: RestWorld, method: string, route: string, body: unknown): Answer {
  const parts = route.split('/').slice(1).map(decodeURIComponent);
  const [root, a, b, c, d] = parts;
  const json = (body ?? {}) as Record<string, unknown>;
  const notFound = (code: number, what: string): Answer => ({ status: 404, body: { message: what, code } });

  if (method === 'GET' && route === '/gateway/bot') {
    return {
      status: 200,
      body: {
        url: world.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      },
    };
  }
  if (method === 'GET' && route === '/users/@me') return { status: 200, body: world.botUser };
  if (method === 'POST' && route === '/users/@me/channels') {
    const recipient = typeof json.recipient_id === 'string' ? json.recipient_id : '';
    if (!/^\d{1,20}$/.test(recipient))
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
    const open = [...world.directChannels.values()].find((c) => c.recipients?.[0]?.id === recipient);
    if (open) return { status: 200, body: open };
    const dm: APIDMChannel = {
      id: snowflake(),
      type: ChannelType.DM,
      last_message_id: null,
      recipients: [user(recipient, `user-${recipient.slice(-4)}`)],
      name: null,
    };
    world.directChannels.set(dm.id, dm);
    return { status: 200, body: dm };
  }
  if (root === 'interactions' && method === 'POST' && c === 'callback') return { status: 204 };
  if (root === 'webhooks' && a === world.applicationId && b) {
    const channelId = world.interactionChannels.get(b);
    if (!channelId) return notFound(10015, 'Unknown Webhook');
    const flags = typeof json.flags === 'number' ? json.flags : 0;
    if (method === 'PATCH' && c === 'messages' && d === '@original') {
      // The original response keeps one id however often it is edited.
      const id = world.originals.get(b) ?? snowflake();
      world.originals.set(b, id);
      return { status: 200, body: remember(world, message(id, channelId, world.botUser, json, flags)) };
    }
    if (method === 'POST' && parts.length === 3) {
      return {
        status: 200,
        body: remember(world, message(snowflake(), channelId, world.botUser, json, flags)),
      };
    }
    if (method === 'DELETE' && c === 'messages') return { status: 204 };
  }
  if (root === 'channels' && a) {
    const channel = world.channels.get(a) ?? world.directChannels.get(a);
    if (!channel) return notFound(10003, 'Unknown Channel');
    if (method === 'GET' && parts.length === 2) return { status: 200, body: channel };
    if (method === 'POST' && b === 'messages' && parts.length === 3) {
      const nonce =
        typeof json.nonce === 'string' || typeof json.nonce === 'number' ? String(json.nonce) : null;
      if (nonce && nonce.length > 25) {
        return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
      }
      const earlier = nonce && json.enforce_nonce === true ? world.nonces.get(nonce) : undefined;
      const found =
        earlier && Date.now() - earlier.at < world.nonceWindowMs && world.messages.get(earlier.id);
      if (found) return { status: 200, body: found };
      const created = remember(world, {
        ...message(snowflake(), a, world.botUser, json),
        ...(nonce ? { nonce } : {}),
      });
      if (nonce && json.enforce_nonce === true) world.nonces.set(nonce, { id: created.id, at: Date.now() });
      return { status: 200, body: created };
    }
    if (b === 'messages' && c) {
      const found = world.messages.get(c);
      if (!found || found.channel_id !== a) return notFound(10008, 'Unknown Message');
      if (method === 'GET' && parts.length === 4) return { status: 200, body: found };
      if (method === 'PUT' && d === 'reactions' && parts[6] === '@me') return { status: 204 };
    }
  }
  if (root === 'applications' && a === world.applicationId && method === 'PUT') {
    const isCommands = b === 'commands' || (b === 'guilds' && d === 'commands');
    if (isCommands && Array.isArray(body)) {
      const list = (body as Record<string, unknown>[]).map((cmd) => ({
        ...cmd,
        id: snowflake(),
        application_id: world.applicationId,
        version: snowflake(),
        ...(b === 'guilds' ? { guild_id: c } : {}),
      }));
      return { status: 200, body: list };
    }
  }
  return notFound(0, '404: Not Found');
}

/** Discord's documented limits on a message, as its API enforces them (Invalid Form Body, 50035). */
const MESSAGE_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  embedUrl: 2048,
  rows: 5,
  buttonsPerRow: 5,
  label: 80,
  customId: 100,
  buttonUrl: 512,
  choices: 25,
  choiceChars: 100,
};

interface EmbedBody {
  title?: string;
  description?: string;
  url?: string;
  footer?: { text: string };
  author?: { name: string };
  fields?: { name: string; value: string }[];
}
interface ButtonBody {
  label?: string;
  custom_id?: string;
  url?: string;
}

/**
 * What Discord would refuse in a message body (a new message, an edit, an interaction's answer, an
 * autocomplete answer), by field path; null when it takes it. Lengths are in UTF-16 units, as discord.js
 * and paperboy count them (Discord counts code points, which is never more).
 */
function messageProblems(method: string, route: string, body: unknown): Record<string, string> | null {
  const creates =
    (method === 'POST' && /^\/channels\/\d+\/messages$/.test(route)) ||
    (method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(route)) ||
    (route.startsWith('/webhooks/') && (method === 'POST' || method === 'PATCH')) ||
    (method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(route));
  if (!creates || body === null || typeof body !== 'object') return null;
  const callback = route.startsWith('/interactions/');
  const data = (callback ? (body as { data?: unknown }).data : body) as Record<string, unknown> | undefined;
  if (!data) return null;
  const problems: Record<string, string> = {};
  const over = (path: string, value: unknown, max: number) => {
    if (typeof value === 'string' && value.length > max)
      problems[path] = `Must be ${max} or fewer in length.`;
  };
  const wellFormed = (path: string, value: unknown, max: number) => {
    if (value === undefined) return;
    over(path, value, max);
    const ok = typeof value === 'string' && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
    if (!ok) problems[path] = 'Not a well formed URL.';
  };
  over('content', data.content, MESSAGE_LIMITS.content);
  const embeds = Array.isArray(data.embeds) ? (data.embeds as EmbedBody[]) : [];
  if (embeds.length > MESSAGE_LIMITS.embeds)
    problems.embeds = `Must be ${MESSAGE_LIMITS.embeds} or fewer in length.`;
  let total = 0;
  embeds.forEach((e, i) => {
    over(`embeds.${i}.title`, e.title, MESSAGE_LIMITS.title);
    over(`embeds.${i}.description`, e.description, MESSAGE_LIMITS.description);
    over(`embeds.${i}.footer.text`, e.footer?.text, MESSAGE_LIMITS.footer);
    over(`embeds.${i}.author.name`, e.author?.name, MESSAGE_LIMITS.author);
    wellFormed(`embeds.${i}.url`, e.url, MESSAGE_LIMITS.embedUrl);
    const fields = e.fields ?? [];
    if (fields.length > MESSAGE_LIMITS.fields) problems[`embeds.${i}.fields`] = 'Too many fields.';
    fields.forEach((f, j) => {
      over(`embeds.${i}.fields.${j}.name`, f.name, MESSAGE_LIMITS.fieldName);
      over(`embeds.${i}.fields.${j}.value`, f.value, MESSAGE_LIMITS.fieldValue);
    });
    total +=
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0) +
      fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  });
  if (total > MESSAGE_LIMITS.total)
    problems.embeds = `Embed size exceeds maximum size of ${MESSAGE_LIMITS.total}`;
  const rows = Array.isArray(data.components) ? (data.components as { components?: ButtonBody[] }[]) : [];
  if (rows.length > MESSAGE_LIMITS.rows)
    problems.components = `Must be ${MESSAGE_LIMITS.rows} or fewer in length.`;
  const ids = new Set<string>();
  rows.forEach((row, i) => {
    const buttons = row.components ?? [];
    if (buttons.length > MESSAGE_LIMITS.buttonsPerRow)
      problems[`components.${i}.components`] = `Must be ${MESSAGE_LIMITS.buttonsPerRow} or fewer in length.`;
    buttons.forEach((b, j) => {
      const path = `components.${i}.components.${j}`;
      over(`${path}.label`, b.label, MESSAGE_LIMITS.label);
      over(`${path}.custom_id`, b.custom_id, MESSAGE_LIMITS.customId);
      wellFormed(`${path}.url`, b.url, MESSAGE_LIMITS.buttonUrl);
      if (b.custom_id !== undefined) {
        if (ids.has(b.custom_id)) problems[`${path}.custom_id`] = 'Component custom id cannot be duplicated';
        ids.add(b.custom_id);
      }
    });
  });
  const choices = Array.isArray(data.choices) ? (data.choices as { name: string; value: unknown }[]) : [];
  if (choices.length > MESSAGE_LIMITS.choices)
    problems.choices = `Must be ${MESSAGE_LIMITS.choices} or fewer in length.`;
  choices.forEach((c, i) => {
    if (c.name.length < 1) problems[`choices.${i}.name`] = 'Must be between 1 and 100 in length.';
    over(`choices.${i}.name`, c.name, MESSAGE_LIMITS.choiceChars);
    over(`choices.${i}.value`, c.value, MESSAGE_LIMITS.choiceChars);
  });
  return Object.keys(problems).length > 0 ? problems : null;
}

function remember(world: RestWorld, msg: APIMessage): APIMessage {
  world.messages.set(msg.id, msg);
  return msg;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A multipart body's `payload_json` text and its file parts, read by the platform's own form parser. */
async function readForm(
  raw: Buffer,
  contentType: string,
): Promise<{ payloadJson: string; files: RestAttachment[] }> {
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType },
  }).formData();
  let payloadJson = '';
  const files: RestAttachment[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') payloadJson = value;
      continue;
    }
    files.push({
      field,
      filename: value.name,
      contentType: value.type,
      bytes: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { payloadJson, files };
}
