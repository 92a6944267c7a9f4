import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('GIVEN an empty environment THEN the embedded defaults', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: 'sqlite:./data/paperboy.db',
      hfApiUrl: 'https://huggingface.co',
      hfToken: undefined,
      arxivApiUrl: 'https://export.arxiv.org/api/query',
      logLevel: 'info',
    });
  });

  it('GIVEN values THEN uses them, trimming a trailing slash and treating blanks as unset', () => {
    const c = loadConfig({
      DATABASE_URL: 'sqlite:/var/lib/paperboy/archive.db',
      HF_API_URL: 'http://127.0.0.1:8080/',
      HF_TOKEN: 'hf_secret',
      ARXIV_API_URL: '',
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      databaseUrl: 'sqlite:/var/lib/paperboy/archive.db',
      hfApiUrl: 'http://127.0.0.1:8080',
    });
    expect(c.hfToken).toBe('hf_secret');
    expect(c.arxivApiUrl).toBe('https://export.arxiv.org/api/query');
  });

  it('GIVEN several bad variables THEN reports every one at once, each by name, without their values', () => {
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x', HF_API_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/HF_API_URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
