import { z } from 'zod';

/**
 * Every setting paperboy reads, parsed once from an injected environment. This is the only module that
 * knows variable names; nothing else reads `process.env`.
 */
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const url = (what: string) =>
  z.string().refine((s) => /^https?:\/\/[^\s/]+/.test(s), `must be an http(s) URL of ${what}`);

const schema = z.object({
  DATABASE_URL: z
    .preprocess(emptyAsUndefined, z.string().default('sqlite:./data/paperboy.db'))
    .refine((s) => /^sqlite:.+/.test(s), 'must be sqlite:<path> (e.g. sqlite:./data/paperboy.db)'),
  HF_API_URL: z.preprocess(emptyAsUndefined, url('the Hugging Face site').default('https://huggingface.co')),
  HF_TOKEN: optionalString,
  ARXIV_API_URL: z.preprocess(
    emptyAsUndefined,
    url('the arXiv query API').default('https://export.arxiv.org/api/query'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export interface Config {
  databaseUrl: string;
  hfApiUrl: string;
  hfToken: string | undefined;
  arxivApiUrl: string;
  logLevel: string;
}

/** Thrown with every problem at once, one line per variable, so a deployer fixes them in one go. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment. Never logs values: a problem names the variable and what is wrong with it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`),
    );
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    hfApiUrl: c.HF_API_URL.replace(/\/+$/, ''),
    hfToken: c.HF_TOKEN,
    arxivApiUrl: c.ARXIV_API_URL,
    logLevel: c.LOG_LEVEL,
  };
}
