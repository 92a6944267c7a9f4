import { ArxivBusyError } from '../src/feed/arxiv-client.ts';
import { HttpError } from '../src/feed/http.ts';
import type { Paper } from '../src/papers/paper.ts';
import type { StoredPaper } from '../src/store/port.ts';
import type { CommandContext } from './types.ts';

/** Why a lookup failed, for a person: the service's own sentence when it is an HTTP failure. */
function reason(error: unknown): string {
  if (error instanceof HttpError) return error.message.replace(/\.$/, '');
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
}

export type Lookup = { paper: StoredPaper } | { error: string };

/**
 * How long a lookup may spend on Hugging Face and arXiv together, so that every share is answered within
 * 10 s however many arrive at once: past that a person takes the bot for dead. Hugging Face gets at most
 * half; arXiv, one request every 3 s for everyone, gets the rest.
 */
const LOOKUP_MS = 8000;
const HF_LOOKUP_MS = 4000;

/**
 * Finds a paper by arXiv id: the archive first, then Hugging Face, then arXiv. A paper fetched from a
 * service is stored, so it can be searched, voted on and ranked like any other. Service failures become a
 * sentence (and a log line), never an exception.
 */
export async function lookUpPaper(
  ctx: Pick<CommandContext, 'store' | 'hf' | 'arxiv' | 'logger'>,
  id: string,
): Promise<Lookup> {
  const known = await ctx.store.getPaper(id);
  if (known) return { paper: known };
  const started = performance.now();
  let fetched: Paper | null = null;
  let hfFailure: string | null = null;
  try {
    fetched = await ctx.hf.paper(id, { withinMs: HF_LOOKUP_MS });
  } catch (error) {
    ctx.logger.warn({ err: error, id }, 'Hugging Face lookup failed; trying arXiv');
    hfFailure = reason(error);
  }
  let arxivFailure: string | null = null;
  if (!fetched) {
    try {
      fetched = await ctx.arxiv.paper(id, { withinMs: LOOKUP_MS - (performance.now() - started) });
    } catch (error) {
      ctx.logger.warn({ err: error, id }, 'arXiv lookup failed');
      arxivFailure =
        error instanceof ArxivBusyError ? error.message : `arXiv could not be reached (${reason(error)})`;
    }
  }
  if (fetched) {
    await ctx.store.upsertPapers([fetched]);
    const stored = await ctx.store.getPaper(fetched.id);
    if (stored) return { paper: stored };
    return { error: `I found ${id} but could not store it. Try again in a moment.` };
  }
  if (!hfFailure && !arxivFailure)
    return { error: `Neither Hugging Face nor arXiv know ${id}. Check the id.` };
  const hf = hfFailure ? `Hugging Face could not be reached (${hfFailure})` : 'Hugging Face does not know it';
  const arxiv = arxivFailure ?? 'arXiv does not know it';
  return { error: `I could not look up ${id}: ${hf}, and ${arxiv}. Try again in a minute.` };
}
