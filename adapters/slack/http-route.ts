import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver } from '@slack/bolt';
import { MAX_BODY_BYTES, type RouteHandler, readBody } from '../../src/http/server.ts';
import type { Logger } from '../../src/log.ts';

/** Slack's replay window: a request whose timestamp is further than this from now, either way, is refused. */
const MAX_CLOCK_SKEW_S = 300;
const FORM = 'application/x-www-form-urlencoded';

/**
 * Whether `rawBody` carries a valid Slack signature: `v0=` HMAC-SHA256 of `v0:timestamp:body` with the
 * signing secret, and a timestamp within five minutes of now in either direction (Slack's rule; Bolt
 * itself only refuses old ones). This bounds a replay of a captured request to five minutes after it was
 * signed; within them, deliveries.ts handles each event or command once.
 */
export function verifySlackSignature(
  signingSecret: string,
  headers: IncomingMessage['headers'],
  rawBody: Buffer,
  nowMs: number,
): boolean {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S) return false;
  const expected = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Why a signed body is not a Slack payload Bolt can handle, or null when it is one. Slack sends events as
 * a JSON object, slash commands as a form with `command`, and interactions as a form whose `payload` is a
 * JSON object; anything else (JSON `null`, a scalar or an array, `payload=null`) would crash Bolt's
 * receiver, which reads fields of the parsed body without checking it.
 */
export function slackPayloadProblem(contentType: string | undefined, rawBody: Buffer): string | null {
  const text = rawBody.toString('utf8');
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  try {
    if (contentType === FORM) {
      const form = parseQuery(text);
      if (typeof form.payload === 'string')
        return isObject(JSON.parse(form.payload)) ? null : 'the form payload is not a JSON object';
      if (form.payload !== undefined) return 'the form has more than one payload';
      return typeof form.command === 'string' ? null : 'the form has neither a command nor a payload';
    }
    const body: unknown = JSON.parse(text);
    if (!isObject(body)) return 'the JSON body is not an object';
    return typeof (body as { type?: unknown }).type === 'string' ? null : 'the JSON body has no type';
  } catch {
    return 'the body is not valid JSON';
  }
}

/**
 * Slack's `app_rate_limited` notice, when `rawBody` is one: sent when Slack drops this app's events (more
 * than 30,000 an hour from one workspace), with no inner event. Null for anything else.
 */
export function rateLimitNotice(
  contentType: string | undefined,
  rawBody: Buffer,
): { team: unknown; minute: unknown } | null {
  // Every event request passes here after slackPayloadProblem parsed it: only a body naming the notice is
  // parsed again, not each event.
  if (contentType === FORM || !rawBody.includes('app_rate_limited')) return null;
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    return body.type === 'app_rate_limited' ? { team: body.team_id, minute: body.minute_rate_limited } : null;
  } catch {
    return null;
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

/**
 * The `/slack/events` route in front of Bolt's receiver: a body over {@link MAX_BODY_BYTES} is refused with
 * 413 before it is buffered; an unsigned, mis-signed or stale (past or future) request gets 401; a signed
 * body that is not a Slack payload gets 400. Each refusal is one log line. What passes goes to Bolt, with
 * the body already read (Bolt reuses `rawBody` instead of reading the stream again).
 */
export function slackEventsRoute(
  receiver: HTTPReceiver,
  signingSecret: string,
  logger: Logger,
  now: () => number = Date.now,
): RouteHandler {
  return async (req, res) => {
    const rawBody = await readBody(req, res, MAX_BODY_BYTES);
    if (rawBody === null) {
      logger.warn({ length: req.headers['content-length'] }, 'Refused a Slack request over the size limit');
      return;
    }
    const contentType = req.headers['content-type'];
    // ssl_check probes carry no signature; Bolt answers them and drops anything else in the body.
    const sslCheck = contentType === FORM && parseQuery(rawBody.toString('utf8')).ssl_check === '1';
    if (!sslCheck) {
      if (!verifySlackSignature(signingSecret, req.headers, rawBody, now())) {
        logger.warn('Refused a Slack request with a missing, wrong or stale signature');
        return answer(res, 401, 'invalid signature');
      }
      const problem = slackPayloadProblem(contentType, rawBody);
      if (problem) {
        logger.warn({ problem }, 'Refused a signed Slack request that is not a Slack payload');
        return answer(res, 400, 'not a Slack payload');
      }
      // Bolt finds no listener for this notice and never acks it, so it was answered 404 three seconds
      // later, logged as a listener that forgot to ack; and Slack counts unanswered deliveries against the
      // app (5% in an hour and it disables the event subscriptions). It is acknowledged here, and said
      // plainly: events, votes among them, are being lost.
      const notice = rateLimitNotice(contentType, rawBody);
      if (notice) {
        logger.warn(
          { team: notice.team, since: notice.minute },
          'Slack is rate limiting this app’s events (over 30,000 an hour from the workspace): events, votes among them, are being dropped',
        );
        return answer(res, 200, '');
      }
    }
    Object.assign(req, { rawBody });
    receiver.requestListener(req, res);
  };
}
