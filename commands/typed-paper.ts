import { type PaperReference, readLeadingReference } from '../src/papers/paper-reference.ts';
import { echo } from './parse.ts';

/** What to type instead, closing every sentence about a paper that could not be read. */
const GIVE = 'Give an id like 2410.17243, or an arxiv.org or huggingface.co/papers link.';

/**
 * The arXiv id of the one paper a person typed (an id or a link in any form
 * src/papers/paper-reference.ts reads), or the sentence saying what is wrong: an id no paper can have
 * (answered at once, where a lookup would spend seconds on retries to learn nothing), words beside the
 * id, or no id at all.
 */
export function readTypedPaper(typed: string): { id: string } | { error: string } {
  const text = typed.trim();
  for (const word of text.matchAll(/\S+/g)) {
    const found = readLeadingReference(text.slice(word.index));
    if (!found) continue;
    const { reference, rest } = found;
    if (reference.problem !== null || reference.id === null) return { error: notAnId(reference) };
    const extra = [text.slice(0, word.index).trim(), rest].filter(Boolean).join(' … ');
    if (extra === '') return { id: reference.id };
    return {
      error: `"${echo(text)}" has more than the arXiv id ${reference.id}: give the id or link alone, without "${echo(extra)}".`,
    };
  }
  return { error: `I could not find an arXiv id in "${echo(text)}". ${GIVE}` };
}

/** Why a reference names no paper, as a sentence: `9999.99999 is not an arXiv id: month 99 does not exist…`. */
export function notAnId(reference: PaperReference): string {
  return `${echo(reference.written)} is not an arXiv id: ${reference.problem ?? 'it is not shaped like one'}. ${GIVE}`;
}
