import { type PaperReference, readPaperReference } from '../src/papers/paper-reference.ts';
import { echo } from './parse.ts';

/** What to type instead, closing every sentence about a paper that could not be read. */
const GIVE = 'Give an id like 2410.17243, or an arxiv.org or huggingface.co/papers link.';

/**
 * The arXiv id of the one paper a person typed (an id or a link in any form
 * src/papers/paper-reference.ts reads), or the sentence saying what is wrong: an id no paper can have
 * (answered at once, where a lookup would spend seconds on retries to learn nothing), or no id at all.
 */
export function readTypedPaper(typed: string): { id: string } | { error: string } {
  const text = typed.trim();
  const reference = readPaperReference(text);
  if (!reference) return { error: `I could not find an arXiv id in "${echo(text)}". ${GIVE}` };
  if (reference.problem !== null || reference.id === null) return { error: notAnId(reference) };
  return { id: reference.id };
}

/** Why a reference names no paper, as a sentence: `9999.99999 is not an arXiv id: month 99 does not exist…`. */
export function notAnId(reference: PaperReference): string {
  return `${echo(reference.written)} is not an arXiv id: ${reference.problem ?? 'it is not shaped like one'}. ${GIVE}`;
}
