/** One line the person typed in the console, understood. */
export type ConsoleLine =
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'help' }
  /** A `/papers` command; `text` is what follows `/papers`. */
  | { kind: 'command'; text: string }
  /** `:+1: 2` adds a reaction to paper 2 of the last reply; `-:+1: 2` removes it. */
  | { kind: 'react'; emoji: string; index: number; added: boolean }
  | { kind: 'unknown'; text: string };

const REACTION = /^(-)?(:[\w+-]+:|[^\s\w]*\p{Extended_Pictographic}[^\s]*)\s+(\d{1,3})$/u;

/**
 * Reads one console line. `/papers …` is a command; a line that is neither a reaction, `help` nor
 * `quit` and does not start with `/` is also treated as `/papers …`, so `unlearning` searches. Pure.
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
  const command = /^\/papers(?:\s+|$)([\s\S]*)$/i.exec(text);
  if (command) return { kind: 'command', text: command[1] ?? '' };
  if (text.startsWith('/')) return { kind: 'unknown', text };
  return { kind: 'command', text };
}
