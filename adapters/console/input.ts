/** One line the person typed in the console, understood. */
export type ConsoleLine =
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'help' }
  /** A `/papers` command; `text` is what follows `/papers`. */
  | { kind: 'command'; text: string }
  /** `:+1: 2` adds a reaction to paper 2 of the last reply; `-:+1: 2` removes it. */
  | { kind: 'react'; emoji: string; index: number; added: boolean }
  /**
   * A line that starts as a reaction but gives no paper number (`:+1:`, `:+1: x`, `:+1: 1 2`). Never a
   * search: that would replace the list the next `:+1: N` refers to.
   */
  | { kind: 'no-number'; emoji: string; text: string }
  | { kind: 'unknown'; text: string };

/** An emoji as a reaction line starts: `:name:`, or a pictograph with any modifiers. */
const EMOJI = String.raw`:[\w+-]+:|[^\s\w]*\p{Extended_Pictographic}[^\s]*`;
const REACTION = new RegExp(String.raw`^(-)?(${EMOJI})\s+(\d{1,3})$`, 'u');
const REACTION_START = new RegExp(String.raw`^-?(${EMOJI})(?:\s|$)`, 'u');

/**
 * Reads one console line. `/papers …` is a command; a line that is neither a reaction (nor starts as
 * one), `help` nor `quit` and does not start with `/` is also treated as `/papers …`, so `unlearning`
 * searches. Pure.
 */
export function parseConsoleLine(line: string): ConsoleLine {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  const lower = text.toLowerCase();
  if (lower === 'quit' || lower === 'exit' || lower === '/quit') return { kind: 'quit' };
  if (lower === 'help' || lower === '?' || lower === '/help') return { kind: 'help' };
  const reaction = REACTION.exec(text);
  if (reaction?.[2] && reaction[3]) {
    return { kind: 'react', emoji: reaction[2], index: Number(reaction[3]), added: reaction[1] !== '-' };
  }
  const started = REACTION_START.exec(text);
  if (started?.[1]) return { kind: 'no-number', emoji: started[1], text };
  const command = /^\/papers(?:\s+|$)([\s\S]*)$/i.exec(text);
  if (command) return { kind: 'command', text: command[1] ?? '' };
  if (text.startsWith('/')) return { kind: 'unknown', text };
  return { kind: 'command', text };
}
