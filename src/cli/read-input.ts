import { readFile, stat } from 'node:fs/promises';
import { fetchText } from '../feed/http.ts';
import { UsageError } from './io.ts';

/** Inputs larger than this are refused before reading: a feed page is a few hundred kilobytes. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Reads a local file or an http(s) URL as UTF-8 text, with a clear error for missing or oversized inputs. */
export async function readInput(
  source: string,
  options: { headers?: Record<string, string> } = {},
): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetchText(source, { service: new URL(source).host, headers: options.headers ?? {} });
    return res.text;
  }
  let size: number;
  try {
    const s = await stat(source);
    if (!s.isFile()) throw new UsageError(`${source} is not a file.`);
    size = s.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `Cannot read ${source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`,
    );
  }
  if (size > MAX_INPUT_BYTES) {
    throw new UsageError(
      `${source} is ${Math.round(size / 1048576)} MB; inputs over ${MAX_INPUT_BYTES / 1048576} MB are refused.`,
    );
  }
  return readFile(source, 'utf8');
}
