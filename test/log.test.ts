import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.ts';
import { createLogger } from '../src/log.ts';
import { StoreUnavailableError } from '../src/store/port.ts';

describe('createLogger', () => {
  it('redacts tokens, secrets and database passwords wherever they sit in a logged object', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => lines.push(s) });
    const config = loadConfig({
      HF_TOKEN: 'hf_SECRET1',
      SLACK_BOT_TOKEN: 'xoxb-SECRET2',
      SLACK_SIGNING_SECRET: 'SECRET3',
      SLACK_APP_TOKEN: 'xapp-SECRET4',
      DISCORD_TOKEN: 'SECRET5',
      DISCORD_APPLICATION_ID: '123456789012',
    });
    logger.info({ config }, 'starting');
    logger.info({ headers: { authorization: 'Bearer hf_SECRET1' }, password: 'SECRET6' }, 'request');
    logger.info({ slack: config.slack, discord: config.discord }, 'platforms');
    const out = lines.join('');
    expect(lines).toHaveLength(3);
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6'])
      expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(out).toContain('123456789012');
  });
});

describe('redaction of URLs and errors', () => {
  it('removes passwords from connection URLs in messages, fields and errors', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => lines.push(s) });
    const url = 'postgres://paperboy:S3CRET@db.internal:5432/paperboy';
    logger.error({ err: new Error(`cannot reach ${url}`), target: url }, `connecting to ${url}`);
    const out = lines.join('');
    expect(out).not.toContain('S3CRET');
    expect(out).toContain('postgres://paperboy:[redacted]@db.internal:5432/paperboy');
  });
});

describe('logged errors', () => {
  it('name the error class and carry the cause, with its password removed too', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => lines.push(s) });
    const cause = new Error('connect ECONNREFUSED postgres://paperboy:S3CRET@db:5432/paperboy');
    logger.error({ err: new StoreUnavailableError('postgres', cause) }, 'recording a reaction failed');
    logger.error({ err: new TypeError('boom') }, 'failed');
    const [store, plain] = lines.map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(store?.err.type).toBe('StoreUnavailableError');
    expect(store?.err.cause).toMatchObject({
      type: 'Error',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(plain?.err.type).toBe('TypeError');
    expect(lines.join('')).not.toContain('S3CRET');
  });
});
