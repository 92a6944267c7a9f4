import { readPaperReference } from '../src/papers/paper-reference.ts';
import { echo } from './parse.ts';

/** What to type instead, closing every sentence about a paper that could not be read. */
const GIVE = 'Give an id like 2410.17243, or an arxiv.org or huggingface.co/papers link.';

/**
 * The arXiv id of the one paper a person typed (an id or a link in any form
 * src/papers/paper-reference.ts reads), or the sentence saying what to type instead.
 */
export function readTypedPaper(typed: string): { id: string } | { error: string } {
  const text = typed.trim();
  const reference = readPaperReference(text);
  if (reference) return { id: reference.id };
  return { error: `I could not find an arXiv id in "${echo(text)}". ${GIVE}` };
}
