import { ArxivBusyError } from '../src/feed/arxiv-client.ts';
import { HttpError } from '../src/feed/http.ts';
import type { Paper } from '../src/papers/paper.ts';
import { readPaperReference } from '../src/papers/paper-reference.ts';
import type { StoredPaper } from '../src/store/port.ts';
import { notAnId, readTypedPaper } from './typed-paper.ts';
import type { CommandContext } from './types.ts';

/** Why a lookup failed, for a person: the service's own sentence when it is an HTTP failure. */
function reason(error: unknown): string {
  if (error instanceof HttpError) return error.message.replace(/\.$/, '');
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
}

/**
 * What went wrong with `service`, as a clause of the person's sentence. The feed clients' errors already
 * name the service and what happened ("arXiv could not be reached (ECONNREFUSED) for /api/query?id_list=…;
 * giving up"): the clause is that, without the request the sentence names already and the "giving up".
 * Anything else is said to be the service's failure.
 */
function failureOf(service: string, error: unknown): string {
  const said = reason(error).replace(/(?: for \S+)?; giving up$/, '');
  const unusable = new RegExp(`^Unusable answer from ${service} for \\S+: (.+)$`).exec(said)?.[1];
  if (unusable)
    return `${service} sent an unusable answer: ${unusable.charAt(0).toLowerCase()}${unusable.slice(1)}`;
  return said.startsWith(service) ? said : `${service} failed (${said})`;
}

export type Lookup = { paper: StoredPaper } | { error: string };

/** How the commands that take one paper (share, like, cite, save) describe their `paper` option. */
export const PAPER_OPTION_DESCRIPTION = 'arXiv id or URL, or a huggingface.co/papers URL';

/**
 * Finds the paper a person typed (an arXiv id or a link to it) as {@link lookUpPaper} does; text naming
 * no paper, an impossible id or words beside the id are a sentence saying what to type instead.
 */
export async function lookUpTypedPaper(
  ctx: Pick<CommandContext, 'store' | 'hf' | 'arxiv' | 'logger'>,
  typed: unknown,
): Promise<Lookup> {
  const read = readTypedPaper(String(typed ?? ''));
  if ('error' in read) return read;
  return lookUpPaper(ctx, read.id);
}

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
  // An id no paper can have (a link's, a button's) is answered at once: the services can only say no,
  // after retries that take seconds.
  const read = readPaperReference(id);
  if (read?.problem) return { error: notAnId(read) };
  const started = performance.now();
  let fetched: Paper | null = null;
  let hfFailure: string | null = null;
  try {
    fetched = await ctx.hf.paper(id, { withinMs: HF_LOOKUP_MS });
  } catch (error) {
    ctx.logger.warn({ err: error, id }, 'Hugging Face lookup failed; trying arXiv');
    hfFailure = failureOf('Hugging Face', error);
  }
  let arxivFailure: string | null = null;
  if (!fetched) {
    try {
      fetched = await ctx.arxiv.paper(id, { withinMs: LOOKUP_MS - (performance.now() - started) });
    } catch (error) {
      ctx.logger.warn({ err: error, id }, 'arXiv lookup failed');
      arxivFailure = error instanceof ArxivBusyError ? error.message : failureOf('arXiv', error);
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
  const hf = hfFailure ?? 'Hugging Face does not know it';
  const arxiv = arxivFailure ?? 'arXiv does not know it';
  return { error: `I could not look up ${id}: ${hf}, and ${arxiv}. Try again in a minute.` };
}
