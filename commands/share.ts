import { ArxivBusyError } from '../src/feed/arxiv-client.ts';
import { HttpError } from '../src/feed/http.ts';
import { normalizeArxivId, type Paper } from '../src/papers/paper.ts';
import type { StoredPaper } from '../src/store/port.ts';
import { echo } from './parse.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** The longest note kept with a share; a longer one is cut at a word boundary. */
export const MAX_NOTE_CHARS = 500;

/**
 * Slack may deliver a pasted URL as `<https://arxiv.org/abs/2410.17243>` or `<url|label>`; the id is in
 * the URL part either way.
 */
function unwrapLink(text: string): string {
  const m = /^<([^|>]+)(?:\|[^>]*)?>$/.exec(text.trim());
  return (m?.[1] ?? text).trim();
}

function trimNote(note: string): string {
  const flat = note.trim();
  if (flat.length <= MAX_NOTE_CHARS) return flat;
  const cut = flat.slice(0, MAX_NOTE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_NOTE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** Why a lookup failed, for a person: the service's own sentence when it is an HTTP failure. */
function reason(error: unknown): string {
  if (error instanceof HttpError) return error.message.replace(/\.$/, '');
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
}

type Lookup = { paper: StoredPaper } | { error: string };

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
async function lookUp(ctx: CommandContext, id: string): Promise<Lookup> {
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

/**
 * `/papers share <paper> [note]`: posts one paper in the channel for everyone, credited to the person
 * with their note. The paper is an arXiv id, an arxiv.org URL or a huggingface.co/papers URL. Problems
 * (no id in the text, an unknown paper, services down) answer only the person, in one sentence.
 */
export const shareCommand: CommandDefinition = {
  name: 'share',
  description: 'Post a paper in this channel, with an optional note',
  options: [
    {
      name: 'paper',
      description: 'arXiv id or URL, or a huggingface.co/papers URL',
      type: 'string',
      required: true,
      // Discord suggests matching titles (share) or the channel's topics (search) as people type.
      autocomplete: true,
    },
    { name: 'note', description: 'Why the team should read it', type: 'string', required: false, rest: true },
  ],
  async run(ctx, args) {
    const input = unwrapLink(String(args.paper ?? ''));
    const id = normalizeArxivId(input);
    if (!id) {
      return {
        visibility: 'ephemeral',
        text: `I could not find an arXiv id in "${echo(input)}". Give an id like 2410.17243, or an arxiv.org or huggingface.co/papers link.`,
      };
    }
    const found = await lookUp(ctx, id);
    if ('error' in found) return { visibility: 'ephemeral', text: found.error };
    const note = typeof args.note === 'string' ? trimNote(args.note) : '';
    return {
      visibility: 'channel',
      papers: [
        {
          paper: found.paper,
          sharedBy: ctx.user,
          sharedByName: ctx.userName,
          ...(note ? { note } : {}),
        },
      ],
    };
  },
};
